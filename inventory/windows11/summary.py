"""Readiness figures of the stored assessments, read by the API and the pages.

Counting is by *category* (`engine.CATEGORIES`): every Windows device is in
exactly one of compatible, incompatible, not assessed and already on 24H2,
so the four counts add up to the total, in the totals and per organization.
"""
from django.db.models import Count, Max, Q

from inventory.models import Windows11Assessment
from inventory.windows11.engine import (
    ALREADY_ON_24H2,
    CATEGORIES,
    COMPATIBLE,
    INCOMPATIBLE,
    NOT_ASSESSED,
    REQUIREMENTS,
)
from inventory.windows11.service import compatibility_rate

UNASSIGNED = "Unassigned"


def code_counts(field: str, prefix: str, only: Q | None = None) -> dict:
    """Count(filter=LIKE '%|code|%') per requirement: one aggregate, no per-code query."""
    return {
        f"{prefix}{code}": Count("id", filter=Q(**{f"{field}__contains": f"|{code}|"}) & (only or Q()))
        for code in REQUIREMENTS
    }


def category_counts() -> dict:
    """Count per category plus the flags inside already_on_24h2: annotations for one aggregate or GROUP BY."""
    counts = {code: Count("id", filter=Q(category=code)) for code in CATEGORIES}
    on_24h2 = Q(category=ALREADY_ON_24H2)
    counts["on_24h2_unsupported"] = Count("id", filter=on_24h2 & Q(status=INCOMPATIBLE))
    counts["on_24h2_not_assessed"] = Count("id", filter=on_24h2 & Q(status=NOT_ASSESSED))
    counts["hardware_compatible"] = Count("id", filter=Q(status=COMPATIBLE))
    return counts


def readiness_summary() -> dict:
    """Totals by category, the 24H2 flags, dates, and per-requirement counts.

    `deficiency_counts` count the incompatible devices failing each requirement;
    `missing_data_counts` the not-assessed devices lacking each one, so each
    chart explains its own category.
    """
    row = Windows11Assessment.objects.aggregate(
        total=Count("id"), **category_counts(),
        last=Max("assessment_date"), snapshot_date=Max("snapshot_date"),
        **code_counts("deficiency_codes", "d_", Q(category=INCOMPATIBLE)),
        **code_counts("missing_codes", "m_", Q(category=NOT_ASSESSED)),
    )
    summary = {key: value for key, value in row.items() if not key.startswith(("d_", "m_"))}
    summary["on_24h2"] = row[ALREADY_ON_24H2]  # the name the page and older callers use
    summary["rate"] = compatibility_rate(row["hardware_compatible"], row["total"])
    summary["deficiency_counts"] = {code: row[f"d_{code}"] for code in REQUIREMENTS}
    summary["missing_data_counts"] = {code: row[f"m_{code}"] for code in REQUIREMENTS}
    return summary


def organization_breakdown(with_deficiencies: bool = False) -> list[dict]:
    """Every organization's category counts over all stored assessments: one GROUP BY query.

    Sorted by incompatible devices (most first), then name; devices without an
    organization are one "Unassigned" row. `with_deficiencies` adds, per
    organization, how many of its incompatible devices fail each requirement.
    """
    extra = code_counts("deficiency_codes", "d_", Q(category=INCOMPATIBLE)) if with_deficiencies else {}
    groups = (
        Windows11Assessment.objects.order_by().values("organization_id", "organization__name")
        .annotate(total=Count("id"), **category_counts(), **extra)
    )
    rows = [{
        "organization_id": g["organization_id"], "organization": g["organization__name"] or UNASSIGNED,
        "total_windows_devices": g["total"], "compatible_devices": g[COMPATIBLE],
        "incompatible_devices": g[INCOMPATIBLE], "not_assessed_devices": g[NOT_ASSESSED],
        "already_on_24h2_devices": g[ALREADY_ON_24H2], "on_24h2_unsupported_devices": g["on_24h2_unsupported"],
        "compatibility_rate": compatibility_rate(g["hardware_compatible"], g["total"]),
        **({"deficiency_counts": {code: g[f"d_{code}"] for code in REQUIREMENTS}} if with_deficiencies else {}),
    } for g in groups]
    rows.sort(key=lambda r: (-r["incompatible_devices"], r["organization"].casefold(), r["organization_id"] or 0))
    return rows
