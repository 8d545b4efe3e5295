"""GET /api/status: the dashboard's one-call overview (served by esinv/api/views.py).

Composed here, at the project level, from each app's own read functions:
vendor freshness and device counts (inventory), collector health
(collectors), exception counts (variances). Stale collector jobs are cleaned
first, as the contract promises.
"""
from django.utils import timezone

from collectors.health import collector_health
from inventory.freshness import Freshness, report_status, vendor_freshness
from inventory.models import Snapshot, Vendor
from inventory.queries import latest_snapshot_dates
from variances.dates import latest_common_date
from variances.reports import exception_summary

STATUS_VENDORS = (Vendor.NINJA, Vendor.THREATLOCKER)


def _device_counts(latest: dict) -> dict[int, int]:
    counts = {}
    for vendor_id, day in latest.items():
        counts[vendor_id] = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).count() if day else 0
    return counts


def status_warnings(vendor_status: dict, health: dict, data_status: dict, summary: dict) -> list[str]:
    """Plain-language warnings for the dashboard's banner, most urgent first."""
    warnings = []
    for label, info in vendor_status.items():
        if info["freshness_status"] == Freshness.NO_DATA:
            warnings.append(f"No {label} data has been collected yet")
        elif info["freshness_status"] in (Freshness.STALE, Freshness.VERY_STALE):
            warnings.append(f"{label} data is {info['days_old']} days old")
    if health["has_recent_failures"]:
        failed = sorted({failure["collector"] for failure in health["recent_failures"]})
        warnings.append(f"Recent collector failures: {', '.join(failed)}")
    if data_status["status"] == "out_of_sync" and all(
        info["freshness_status"] != Freshness.NO_DATA for info in vendor_status.values()
    ):
        warnings.append("The vendors have no snapshot date in common; variances cannot be computed")
    common = data_status.get("latest_date")
    report_date = summary.get("report_date")
    if common and (report_date is None or report_date.isoformat() < common):
        warnings.append(f"Variances have not been computed for {common} yet")
    return warnings


def build_status(now=None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    labels = dict(Vendor.objects.filter(id__in=STATUS_VENDORS).values_list("id", "api_label"))
    latest = latest_snapshot_dates(STATUS_VENDORS)
    counts = _device_counts(latest)
    vendor_status = {labels[v]: vendor_freshness(latest[v], today).as_dict() for v in STATUS_VENDORS}
    data_status = report_status(latest_common_date(), today)
    health = collector_health(now)
    summary = exception_summary()
    warnings = status_warnings(vendor_status, health, data_status, summary)
    return {
        "data_status": data_status,
        "device_counts": {labels[v]: counts[v] for v in STATUS_VENDORS},
        "vendor_status": vendor_status,
        "collector_health": health,
        "warnings": warnings,
        "has_warnings": bool(warnings),
        "exception_counts": summary["exception_counts"],
        "total_exceptions": summary["total_exceptions"],
        "report_date": summary["report_date"].isoformat() if summary["report_date"] else None,
        "previous_report_date": summary["previous_report_date"].isoformat() if summary["previous_report_date"]
        else None,
        "new_since_previous": summary["new_since_previous"],
        "gone_since_previous": summary["gone_since_previous"],
        "generated_at": now.isoformat(),
    }
