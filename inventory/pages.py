"""Dashboard pages of the inventory: device search (`/devices/?q=`) and Windows 11 readiness (`/windows-11/`)."""
from collections import Counter, defaultdict

from django.shortcuts import render

from esinv import charts
from esinv.access import user_access
from esinv.pages import inventory_page, kind_label
from esinv.params import is_plain_int
from inventory.models import Organization, Windows11Assessment
from inventory.search import MIN_QUERY_LENGTH, search_devices
from inventory.windows11.engine import REQUIREMENT_LABELS
from inventory.windows11.summary import readiness_summary
from variances.models import ExceptionRecord, ExceptionStatus

SEARCH_LIMIT = 200
WIN11_DEVICE_LIMIT = 500


def open_exceptions_by_key(keys: list[str]) -> dict[str, list[dict]]:
    """Open exceptions of these devices, by canonical key: one query for the whole result page."""
    found = defaultdict(list)
    rows = (
        ExceptionRecord.objects.filter(canonical_key__in=keys, status=ExceptionStatus.OPEN)
        .order_by("canonical_key", "type")
        .values("id", "canonical_key", "type", "variance_status", "date_found", "last_seen")
    )
    for row in rows:
        found[row["canonical_key"]].append({**row, "label": kind_label(row["type"])})
    return found


@inventory_page
def devices(request):
    query = (request.GET.get("q") or "").strip()[:255]
    results, truncated, message = [], False, ""
    if not query:
        message = "Type a hostname, a display name or part of one, then press Search."
    elif len(query) < MIN_QUERY_LENGTH:
        message = f"Type at least {MIN_QUERY_LENGTH} characters."
    else:
        results, truncated = search_devices(query, limit=SEARCH_LIMIT)
        exceptions = open_exceptions_by_key([r["hostname"] for r in results])
        for result in results:
            result["exceptions"] = exceptions.get(result["hostname"], [])
        if not results:
            message = f"No device matches “{query}” on the latest snapshots. Check the spelling, or run the collectors."
    return render(request, "pages/devices.html", {
        "title": f"Devices: {query}" if query else "Device search",
        "nav": "devices",
        "query": query,
        "results": results,
        "truncated": truncated,
        "limit": SEARCH_LIMIT,
        "message": message,
    })


def windows11_summary() -> dict:
    """The readiness numbers of GET /api/windows-11-24h2/status, with the deficiencies labelled for the chart."""
    summary = readiness_summary()
    summary["deficiencies"] = [(REQUIREMENT_LABELS[code], n) for code, n in summary["deficiency_counts"].items()]
    return summary


def incompatible_by_organization(organization_id: int | None, limit: int = WIN11_DEVICE_LIMIT):
    """Incompatible devices grouped by organization (most devices first), each with its remediation hints."""
    rows = Windows11Assessment.objects.filter(status=Windows11Assessment.INCOMPATIBLE)
    if organization_id:
        rows = rows.filter(organization_id=organization_id)
    total = rows.count()
    # Only the columns the table shows; the organization name comes in the same query.
    rows = rows.select_related("organization").only(
        "hostname", "display_name", "cpu_model", "os_name", "deficiencies", "already_on_24h2",
        "organization__name", "system_manufacturer", "system_model",
    ).order_by("organization__name", "hostname")[:limit]
    groups = defaultdict(list)
    for row in rows:
        groups[row.organization.name if row.organization_id else "Unassigned"].append(row)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0].casefold()))
    return [{"organization": name, "devices": devices_, "hints": remediation_hints(devices_)}
            for name, devices_ in ordered], total


def remediation_hints(assessments) -> list[tuple[str, int]]:
    """Each distinct remediation of these devices' deficiencies with how many devices need it, most first."""
    counts = Counter()
    for assessment in assessments:
        counts.update({d["remediation"] for d in assessment.deficiencies if d.get("remediation")})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@inventory_page
def windows11(request):
    raw_org = (request.GET.get("organization") or "").strip()
    organization_id = int(raw_org) if is_plain_int(raw_org) else None
    summary = windows11_summary()
    groups, total = incompatible_by_organization(organization_id) if summary["total"] else ([], 0)
    organizations = Organization.objects.filter(
        id__in=Windows11Assessment.objects.filter(status=Windows11Assessment.INCOMPATIBLE).values("organization_id")
    ).order_by("name").only("id", "name")
    return render(request, "pages/windows11.html", {
        "title": "Windows 11 24H2 readiness",
        "nav": "windows11",
        "summary": summary,
        "chart": charts.bar_chart([(label, n) for label, n in summary["deficiencies"]],
                                  label="Incompatible devices by failed requirement"),
        "groups": groups,
        "shown": sum(len(g["devices"]) for g in groups),
        "total_incompatible": total,
        "organizations": organizations,
        "organization_id": organization_id,
        "can_run": user_access(request.user).inventory_write,
    })
