"""Readiness figures of the stored assessments: one aggregate, read by the API and the pages."""
from django.db.models import Count, Max, Q

from inventory.models import Windows11Assessment
from inventory.windows11.engine import REQUIREMENTS
from inventory.windows11.service import compatibility_rate


def code_counts(field: str, prefix: str) -> dict:
    """Count(filter=LIKE '%|code|%') per requirement: one aggregate, no per-code query."""
    return {f"{prefix}{code}": Count("id", filter=Q(**{f"{field}__contains": f"|{code}|"})) for code in REQUIREMENTS}


def readiness_summary() -> dict:
    """Totals by status, devices already on 24H2, dates, and per-requirement deficiency / missing-fact counts."""
    row = Windows11Assessment.objects.aggregate(
        total=Count("id"),
        compatible=Count("id", filter=Q(status=Windows11Assessment.COMPATIBLE)),
        incompatible=Count("id", filter=Q(status=Windows11Assessment.INCOMPATIBLE)),
        not_assessed=Count("id", filter=Q(status=Windows11Assessment.NOT_ASSESSED)),
        on_24h2=Count("id", filter=Q(already_on_24h2=True)),
        last=Max("assessment_date"), snapshot_date=Max("snapshot_date"),
        **code_counts("deficiency_codes", "d_"), **code_counts("missing_codes", "m_"),
    )
    summary = {key: value for key, value in row.items() if not key.startswith(("d_", "m_"))}
    summary["rate"] = compatibility_rate(row["compatible"], row["total"])
    summary["deficiency_counts"] = {code: row[f"d_{code}"] for code in REQUIREMENTS}
    summary["missing_data_counts"] = {code: row[f"m_{code}"] for code in REQUIREMENTS}
    return summary
