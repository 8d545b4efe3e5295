"""The seven exception (variance) types as the exports see them, derived from ``variances.types``.

The type catalogue exists once, in ``variances.types.KINDS`` (code, API name, label, vendor,
action). This module only adapts it for the renderers: the API name is called ``variance_type``
(the export filter's name), ``short_label`` is the label cut to Excel's 31-character sheet-name
limit and ``title`` is the heading a client reads (``TITLES``). A type added to ``variances.types``
appears in every export without a change here (titled with its label).
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
    title: str  # plain-words heading for clients (PDF sections and summary): TITLES


def _short(label: str) -> str:
    return label if len(label) <= EXCEL_SHEET_NAME_MAX else label[: EXCEL_SHEET_NAME_MAX - 1].rstrip() + "…"


ALL = "all"

# Where a kind's label reads as jargon to a client, the heading says what it means in plain words.
_PLAIN_TITLES = {
    T.MISSING_NINJA: "Devices missing from NinjaOne",
    T.MISSING_THREATLOCKER: "Devices missing from ThreatLocker",
    T.DUPLICATE_TL: "Devices listed more than once in ThreatLocker",
    T.DUPLICATE_NINJA: "Devices listed more than once in NinjaOne",
}
#: The one map of report titles: each type code (the kind's label where it is plain enough), and `all`.
TITLES: dict[str, str] = {kind.code: _PLAIN_TITLES.get(kind.code, kind.label) for kind in T.KINDS}
TITLES[ALL] = "All exception types"

VARIANCE_TYPES: tuple[VarianceTypeInfo, ...] = tuple(
    VarianceTypeInfo(kind.code, kind.api_name, kind.label, _short(kind.label), TITLES[kind.code]) for kind in T.KINDS
)

BY_CODE: dict[str, VarianceTypeInfo] = {t.code: t for t in VARIANCE_TYPES}
BY_VARIANCE_TYPE: dict[str, VarianceTypeInfo] = {t.variance_type: t for t in VARIANCE_TYPES}

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


def title_for(value: str | None) -> str:
    """The plain-words title of a type (code or variance_type, any case) or of ``all``."""
    if (value or "").strip().lower() == ALL:
        return TITLES[ALL]
    info = lookup(value)
    return info.title if info else (value or "Unknown type")
