"""The reads behind the Windows 11 endpoints: a category's filtered devices, their per-organization counts, and
the readiness summary in the contract's field names. Plain functions; the API paginates and serializes."""
from django.db.models import Count, Max, Q

from inventory.models import Windows11Assessment
from inventory.windows11.engine import REQUIREMENT_LABELS, REQUIREMENTS
from inventory.windows11.summary import code_counts, organization_breakdown, readiness_summary


def devices(category: str, *, organization_id: int | None = None, deficiency: str | None = None,
            unsupported_hardware: bool | None = None):
    """One category's assessments, filtered. `deficiency` applies to the categories that have deficiencies
    (incompatible, already on 24H2); `unsupported_hardware` to those already on 24H2."""
    assessments = Windows11Assessment.objects.filter(category=category)
    if organization_id is not None:
        assessments = assessments.filter(organization_id=organization_id)
    if deficiency and category in (Windows11Assessment.INCOMPATIBLE, Windows11Assessment.ALREADY_ON_24H2):
        assessments = assessments.filter(deficiency_codes__contains=f"|{deficiency}|")
    if unsupported_hardware is not None and category == Windows11Assessment.ALREADY_ON_24H2:
        flag = Q(status=Windows11Assessment.INCOMPATIBLE)
        assessments = assessments.filter(flag) if unsupported_hardware else assessments.exclude(flag)
    return assessments


def page_order(assessments):
    """The order the lists page in; the organization's name is on every row: joined, not fetched per row."""
    return assessments.select_related("organization").order_by("hostname", "id")


def _split(row: dict, prefix: str) -> dict:
    return {code: row.pop(f"{prefix}{code}") for code in REQUIREMENTS}


def organization_groups(assessments) -> list[dict]:
    """Counts per organization over the whole filtered set (not only a page), in one GROUP BY query."""
    groups = (
        assessments.order_by().values("organization_id", "organization__name")
        .annotate(devices=Count("id"), **code_counts("deficiency_codes", "d_"))
        .order_by("-devices", "organization__name")
    )
    return [
        {"organization_id": g["organization_id"], "organization": g["organization__name"],
         "devices": g["devices"], "deficiency_counts": _split(g, "d_")}
        for g in groups
    ]


def last_assessment():
    return Windows11Assessment.objects.aggregate(d=Max("assessment_date"))["d"]


def status_body() -> dict:
    """GET /api/windows-11-24h2/status without `last_run` (the API serializes the run)."""
    row = readiness_summary()
    return {
        "total_windows_devices": row["total"],
        "compatible_devices": row["compatible"],
        "incompatible_devices": row["incompatible"],
        "not_assessed_devices": row["not_assessed"],
        "already_on_24h2_devices": row["already_on_24h2"],
        "on_24h2_unsupported_devices": row["on_24h2_unsupported"],
        "on_24h2_not_assessed_devices": row["on_24h2_not_assessed"],
        "hardware_compatible_devices": row["hardware_compatible"],
        "compatibility_rate": row["rate"],
        "last_assessment": row["last"],
        "snapshot_date": row["snapshot_date"],
        "deficiency_counts": row["deficiency_counts"],
        "missing_data_counts": row["missing_data_counts"],
        "requirements": {code: REQUIREMENT_LABELS[code] for code in REQUIREMENTS},
        "by_organization": organization_breakdown(),
    }
