"""The seven exception (variance) types: code, API name and human label, in report order.

Source: DESIGN.md "Exceptions (variances)". NOTE for the lead: the variances engine keeps its own
list of types; merge the two so the catalogue exists once (this module can simply re-export it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VarianceTypeInfo:
    code: str  # ExceptionRecord.type, e.g. MISSING_NINJA
    variance_type: str  # API / filter name, e.g. missing_in_ninja
    label: str  # human label used in sheet names, headings and charts
    short_label: str  # at most 31 characters: Excel sheet names and chart axes


VARIANCE_TYPES: tuple[VarianceTypeInfo, ...] = (
    VarianceTypeInfo("MISSING_NINJA", "missing_in_ninja", "Missing in NinjaOne", "Missing in NinjaOne"),
    VarianceTypeInfo(
        "MISSING_THREATLOCKER", "missing_in_threatlocker", "Missing in ThreatLocker", "Missing in ThreatLocker"
    ),
    VarianceTypeInfo("DUPLICATE_TL", "threatlocker_duplicates", "ThreatLocker duplicates", "ThreatLocker duplicates"),
    VarianceTypeInfo("DUPLICATE_NINJA", "ninja_duplicates", "NinjaOne duplicates", "NinjaOne duplicates"),
    VarianceTypeInfo("SPARE_MISMATCH", "spare_mismatches", "Spare devices still licensed", "Spare mismatches"),
    VarianceTypeInfo(
        "DISPLAY_NAME_MISMATCH", "display_name_mismatches", "Display name mismatches", "Display name mismatches"
    ),
    VarianceTypeInfo("SITE_MISMATCH", "site_mismatches", "Site (organization) mismatches", "Site mismatches"),
)

BY_CODE: dict[str, VarianceTypeInfo] = {t.code: t for t in VARIANCE_TYPES}
BY_VARIANCE_TYPE: dict[str, VarianceTypeInfo] = {t.variance_type: t for t in VARIANCE_TYPES}

ALL = "all"
#: Valid values of the ``variance_type`` query parameter, in documentation order.
VARIANCE_TYPE_CHOICES: tuple[str, ...] = (ALL, *(t.variance_type for t in VARIANCE_TYPES))


def lookup(value: str | None) -> VarianceTypeInfo | None:
    """The type for a code (MISSING_NINJA) or a variance_type (missing_in_ninja); None when unknown."""
    if not value:
        return None
    return BY_CODE.get(value) or BY_VARIANCE_TYPE.get(value)


def type_order(code: str | None) -> int:
    """Sort position of a type code; unknown codes sort after the seven known ones."""
    info = lookup(code)
    return VARIANCE_TYPES.index(info) if info else len(VARIANCE_TYPES)


def label_for(code: str | None) -> str:
    info = lookup(code)
    return info.label if info else (code or "Unknown type")
