"""The variance types, their API names, the rule switch for each and what staff should do.

One table, read by the engine (which rules run), the models (choices), the
reports (section names and actions), the charts (colours) and the API (filters accept either name).
"""
from dataclasses import dataclass

from django.conf import settings

from esinv.choices import ChoiceSet


@dataclass(frozen=True)
class VarianceKind:
    code: str  # stored type, e.g. MISSING_NINJA
    api_name: str  # report section / variance_type, e.g. missing_in_ninja
    label: str
    vendor: str  # which vendor's record the staff member should look at
    action: str  # what staff should do
    colour: str  # its series colour in every chart (pages, PDF): Okabe-Ito, colour-blind friendly

    @property
    def setting(self) -> str:
        return f"ESINV_RULE_{self.code}"


MISSING_NINJA = "MISSING_NINJA"
MISSING_THREATLOCKER = "MISSING_THREATLOCKER"
DUPLICATE_TL = "DUPLICATE_TL"
DUPLICATE_NINJA = "DUPLICATE_NINJA"
SPARE_MISMATCH = "SPARE_MISMATCH"
DISPLAY_NAME_MISMATCH = "DISPLAY_NAME_MISMATCH"
SITE_MISMATCH = "SITE_MISMATCH"

KINDS: tuple[VarianceKind, ...] = (
    VarianceKind(MISSING_NINJA, "missing_in_ninja", "Missing in NinjaOne", "ThreatLocker",
                 "Install the NinjaOne agent, or remove the ThreatLocker agent if the device is retired", "#0072B2"),
    VarianceKind(MISSING_THREATLOCKER, "missing_in_threatlocker", "Missing in ThreatLocker", "Ninja",
                 "Install the ThreatLocker agent on this billable Windows device", "#E69F00"),
    VarianceKind(DUPLICATE_TL, "threatlocker_duplicates", "Duplicate in ThreatLocker", "ThreatLocker",
                 "Remove the stale ThreatLocker entries so one remains", "#009E73"),
    VarianceKind(DUPLICATE_NINJA, "ninja_duplicates", "Duplicate in NinjaOne", "Ninja",
                 "Remove the stale NinjaOne entries so one remains", "#D55E00"),
    VarianceKind(SPARE_MISMATCH, "spare_mismatches", "Spare still in ThreatLocker", "ThreatLocker",
                 "Remove the ThreatLocker agent from this spare (it holds a paid licence)", "#CC79A7"),
    VarianceKind(DISPLAY_NAME_MISMATCH, "display_name_mismatches", "Display name mismatch", "Both",
                 "Make the display-name notes agree in NinjaOne and ThreatLocker", "#56B4E9"),
    VarianceKind(SITE_MISMATCH, "site_mismatches", "Filed under different clients", "Both",
                 "Move the device to the same client in both vendors (or add an organization alias)", "#8c7a00"),
)
BY_CODE = {kind.code: kind for kind in KINDS}
BY_API_NAME = {kind.api_name: kind for kind in KINDS}


class VarianceType(ChoiceSet):
    """The stored type codes (`ExceptionRecord.type`) with their labels and chart colours, from `KINDS`."""

    CHOICES = [(kind.code, kind.label, kind.colour) for kind in KINDS]


def kind_for(value: str) -> VarianceKind | None:
    """Accept the stored code (`MISSING_NINJA`) or the API name (`missing_in_ninja`)."""
    value = (value or "").strip()
    return BY_CODE.get(value.upper()) or BY_API_NAME.get(value.lower())


def enabled_rules() -> frozenset[str]:
    """The rule codes switched on in settings."""
    return frozenset(kind.code for kind in KINDS if getattr(settings, kind.setting, True))
