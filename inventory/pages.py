"""Dashboard pages of the inventory: device search (`/devices/?q=`), one device (`/devices/<key>/`) and Windows 11
readiness (`/windows-11/`)."""
from collections import Counter, defaultdict
from datetime import date, datetime

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.utils import timezone

from esinv import charts
from esinv.access import user_access
from esinv.errors import BadRequest
from esinv.page_access import inventory_page
from esinv.params import is_plain_int
from inventory.device_details import add_details
from inventory.device_record import UnknownDevice, checked_key, device_record
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


# The facts table of the device page: (label, field of a vendor entry, how to show it).
GIB = 1024 ** 3


def _yes_no(value):
    return "–" if value is None else ("Yes" if value else "No")


def _gib(value):
    return "–" if not value else f"{value / GIB:.1f} GB"


def _mhz(value):
    return "–" if not value else f"{value / 1000:.2f} GHz"


def _when(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")
    if isinstance(value, date):
        return value.isoformat()
    return "–" if value in (None, "") else str(value)


FACT_ROWS = (
    ("Hostname", "hostname", _when),
    ("Display name", "display_name", _when),
    ("Client", "organization", _when),
    ("Site / location", "location", _when),
    ("Vendor device id", "vendor_device_id", _when),
    ("Class", "device_class_label", _when),
    ("Billing", "billing_status_label", _when),
    ("Spare", "is_spare", _yes_no),
    ("Operating system", "os_name", _when),
    ("OS build", "os_build", _when),
    ("Architecture", "os_architecture", _when),
    ("Manufacturer", "manufacturer", _when),
    ("Model", "model", _when),
    ("Serial number", "serial_number", _when),
    ("CPU", "cpu_model", _when),
    ("Logical processors", "cpu_logical_cores", _when),
    ("Max clock", "cpu_max_clock_mhz", _mhz),
    ("Memory", "memory_bytes", _gib),
    ("System disk", "system_volume_bytes", _gib),
    ("TPM present / enabled", ("tpm_present", "tpm_enabled"), None),
    ("TPM version", "tpm_version", _when),
    ("Secure Boot capable / on", ("secure_boot_capable", "secure_boot"), None),
    ("Last contact", "last_contact", _when),
    ("Group / mode", ("group_name", "mode"), None),
)


def fact_rows(vendors: dict) -> list[tuple[str, str, str]]:
    """(label, NinjaOne value, ThreatLocker value) of each fact, from each vendor's first row of its latest day."""
    firsts = [vendors[code]["entries"][0] if vendors[code]["entries"] else None for code in ("ninja", "threatlocker")]
    rows = []
    for label, field, show in FACT_ROWS:
        values = []
        for entry in firsts:
            if entry is None:
                values.append("")
            elif isinstance(field, tuple):
                parts = [entry[name] for name in field]
                if all(isinstance(p, bool) or p is None for p in parts):
                    values.append(" / ".join(_yes_no(p) for p in parts))
                else:
                    values.append(" / ".join(str(p) for p in parts if p) or "–")
            else:
                values.append(show(entry[field]))
        rows.append((label, *values))
    return rows


def timeline_strips(timeline: dict) -> list[dict]:
    """Each vendor's timeline as SVG marks on a 0..days axis (one unit a day): seen ranges, spare ranges and client
    changes, each with the words a hover or a screen reader gives."""
    start, days = timeline["start"], timeline["days"]
    strips = []
    for code, line in timeline["vendors"].items():
        marks = []
        for kind, ranges, words in (("seen", line["seen"], "seen"), ("spare", line["spare"], "spare")):
            for r in ranges:
                marks.append({"kind": kind, "x": (r["from"] - start).days, "width": (r["to"] - r["from"]).days + 1,
                              "title": f"{line['vendor']}: {words} {r['from']} to {r['to']}"})
        for change in line["organization_changes"]:
            marks.append({"kind": "org", "x": (change["date"] - start).days, "width": 1,
                          "title": f"{line['vendor']}: client {change['from'] or '–'} → {change['to'] or '–'} "
                                   f"on {change['date']}"})
        strips.append({"code": code, **line, "marks": marks, "days_total": days})
    return strips


@inventory_page
def device(request, key):
    try:
        record = device_record(checked_key(key))
    except BadRequest as exc:
        return render(request, "pages/error.html", {"title": "Not a device key", "message": str(exc.detail),
                                                    "back_url": "/devices/", "back_label": "Back to device search"},
                      status=400)
    except UnknownDevice:
        return render(request, "pages/error.html", {
            "title": "No such device", "message": f"No device has the key “{key}”. Search for it by hostname.",
            "back_url": "/devices/", "back_label": "Back to device search"}, status=404)
    exceptions = record.get("exceptions", {"open": [], "past": []})
    return render(request, "pages/device.html", {
        "title": f"Device {record['hostname']}",
        "nav": "devices",
        "device": record,
        "facts": fact_rows(record["vendors"]),
        "ninja": record["vendors"]["ninja"],
        "threatlocker": record["vendors"]["threatlocker"],
        "win11": record["windows11"],
        "open_exceptions": exceptions["open"],
        "past_exceptions": exceptions["past"],
        "strips": timeline_strips(record["timeline"]),
        "timeline": record["timeline"],
        "time_zone": timezone.get_current_timezone_name(),
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
