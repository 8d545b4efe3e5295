"""Dashboard pages of the inventory: device search (`/devices/?q=`) and Windows 11 readiness (`/windows-11/`)."""
from collections import Counter, defaultdict

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import render

from esinv import charts
from esinv.access import user_access
from esinv.page_access import inventory_page
from esinv.params import is_plain_int
from inventory.device_details import add_details
from inventory.models import Windows11Assessment
from inventory.search import MIN_QUERY_LENGTH, search_devices
from inventory.windows11.engine import REQUIREMENT_LABELS
from inventory.windows11.summary import organization_breakdown, readiness_summary

SEARCH_LIMIT = 200
WIN11_DEVICE_LIMIT = 500  # devices listed for one organization (its counts are always complete)
WIN11_ORGANIZATIONS_SHOWN = 15  # organization rows before "show all"
WIN11_TOP_ORGANIZATIONS = 10  # organizations whose incompatible devices are listed when none is picked
WIN11_DEVICES_PER_ORGANIZATION = 25


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
        add_details(results)  # what other apps know of these devices (variances: open exceptions)
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
    summary["missing"] = [(REQUIREMENT_LABELS[code], n) for code, n in summary["missing_data_counts"].items() if n]
    return summary


def incompatible_devices(organization_ids: list[int | None], per_organization: int) -> dict:
    """Incompatible devices (category incompatible) of these organizations, at most `per_organization` each
    (first by hostname), by organization id: one query with a window. Only what the page lists; every count
    on the page comes from the grouped query."""
    ids = [i for i in organization_ids if i is not None]
    wanted = Q(organization_id__in=ids) | (Q(organization_id__isnull=True) if None in organization_ids else Q(pk=None))
    rows = (
        Windows11Assessment.objects.filter(wanted, category=Windows11Assessment.INCOMPATIBLE)
        .annotate(rank=Window(RowNumber(), partition_by=[F("organization_id")], order_by=F("hostname").asc()))
        .filter(rank__lte=per_organization)
        .only("hostname", "display_name", "cpu_model", "os_name", "deficiencies", "organization_id",
              "system_manufacturer", "system_model")
        .order_by("organization_id", "hostname")
    )
    by_org = defaultdict(list)
    for row in rows:
        by_org[row.organization_id].append(row)
    return by_org


def requirement_hints(organization: dict) -> list[tuple[str, int]]:
    """What the organization's incompatible devices fail, with how many devices fail it, most first."""
    counts = [(REQUIREMENT_LABELS[code], n) for code, n in organization["deficiency_counts"].items() if n]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


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
    organizations = organization_breakdown(with_deficiencies=True) if summary["total"] else []
    with_incompatible = [o for o in organizations if o["incompatible_devices"]]
    if organization_id:
        with_incompatible = [o for o in with_incompatible if o["organization_id"] == organization_id]
        per_organization = WIN11_DEVICE_LIMIT
    else:
        with_incompatible = with_incompatible[:WIN11_TOP_ORGANIZATIONS]
        per_organization = WIN11_DEVICES_PER_ORGANIZATION
    devices = incompatible_devices([o["organization_id"] for o in with_incompatible], per_organization) \
        if with_incompatible else {}
    groups = [{**org, "devices": devices.get(org["organization_id"], []), "hints": requirement_hints(org),
               "remediations": remediation_hints(devices.get(org["organization_id"], []))}
              for org in with_incompatible]
    return render(request, "pages/windows11.html", {
        "title": "Windows 11 24H2 readiness",
        "nav": "windows11",
        "summary": summary,
        "chart": charts.bar_chart([(label, n) for label, n in summary["deficiencies"]],
                                  label="Incompatible devices by failed requirement"),
        "organizations": organizations,
        "organizations_shown": organizations[:WIN11_ORGANIZATIONS_SHOWN],
        "organizations_more": organizations[WIN11_ORGANIZATIONS_SHOWN:],
        "groups": groups,
        "organization_id": organization_id,
        "can_run": user_access(request.user).inventory_write,
    })
