"""The seven exception (variance) types as the exports see them, derived from ``variances.types``.

The type catalogue exists once, in ``variances.types.KINDS`` (code, API name, label, vendor,
action). This module only adapts it for the renderers: the API name is called ``variance_type``
(the export filter's name) and ``short_label`` is the label cut to Excel's 31-character sheet-name
limit. A type added to ``variances.types`` appears in every export without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from variances import types as T

EXCEL_SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class VarianceTypeInfo:
    code: str  # ExceptionRecord.type, e.g. MISSING_NINJA
    variance_type: str  # API / filter name, e.g. missing_in_ninja
    label: str  # human label used in headings, charts and sheet names
    short_label: str  # at most 31 characters: Excel sheet names and chart axes


def _short(label: str) -> str:
    return label if len(label) <= EXCEL_SHEET_NAME_MAX else label[: EXCEL_SHEET_NAME_MAX - 1].rstrip() + "…"


VARIANCE_TYPES: tuple[VarianceTypeInfo, ...] = tuple(
    VarianceTypeInfo(kind.code, kind.api_name, kind.label, _short(kind.label)) for kind in T.KINDS
)

BY_CODE: dict[str, VarianceTypeInfo] = {t.code: t for t in VARIANCE_TYPES}
BY_VARIANCE_TYPE: dict[str, VarianceTypeInfo] = {t.variance_type: t for t in VARIANCE_TYPES}

ALL = "all"
#: Valid values of the ``variance_type`` query parameter, in documentation order.
VARIANCE_TYPE_CHOICES: tuple[str, ...] = (ALL, *(t.variance_type for t in VARIANCE_TYPES))


def lookup(value: str | None) -> VarianceTypeInfo | None:
    """The type for a code (MISSING_NINJA) or a variance_type (missing_in_ninja), any case; None when unknown."""
    kind = T.kind_for(value) if value else None
    return BY_CODE[kind.code] if kind else None


def type_order(code: str | None) -> int:
    """Sort position of a type code; unknown codes sort after the known ones."""
    info = lookup(code)
    return VARIANCE_TYPES.index(info) if info else len(VARIANCE_TYPES)


def label_for(code: str | None) -> str:
    info = lookup(code)
    return info.label if info else (code or "Unknown type")
