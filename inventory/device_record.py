"""One device, everything the hub knows of it: `GET /api/devices/{key}` and the `/devices/<key>/` page.

Both vendors' facts from each vendor's latest snapshot of the device, its Windows 11 verdict, what other apps
register about it (`inventory.device_details`: variances adds its open and past exceptions with notes and audit
trail), and a timeline of the last `TIMELINE_DAYS` days per vendor: the days it was seen (as ranges), the days it
changed client and the days it went spare.

The timeline is one query per vendor on the `snapshot_key_date` index (canonical_key, snapshot_date): a device has
at most a couple of rows per vendor and day, so the vendor condition filters a few hundred index hits at most.
The folding into ranges and changes is plain Python (`seen_ranges`, `vendor_timeline`), tested without the database.
"""
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from esinv.inputs import check_text, refusal
from inventory.classification import BillingStatus, DeviceClass
from inventory.device_details import device_details
from inventory.hostnames import canonical_key
from inventory.models import Device, Snapshot, Vendor, Windows11Assessment
from inventory.queries import latest_snapshot_dates
from inventory.windows11.engine import REQUIREMENT_LABELS, AssessmentCategory

TIMELINE_DAYS = 90
VENDORS = ((Vendor.NINJA, "ninja", "NinjaOne"), (Vendor.THREATLOCKER, "threatlocker", "ThreatLocker"))
HOSTNAME_LENGTH = 255  # a DNS name's limit: longer is no hostname

# The facts shown for each vendor's row, in the page's order.
FACT_FIELDS = (
    "vendor_device_id", "hostname", "clean_hostname", "display_name", "display_note", "vendor_org_name", "location",
    "node_class", "device_class", "billing_status", "is_spare", "is_online", "os_name", "os_architecture", "os_build",
    "os_release_id", "manufacturer", "model", "serial_number", "cpu_model", "cpu_logical_cores", "cpu_max_clock_mhz",
    "memory_bytes", "system_volume_bytes", "tpm_present", "tpm_enabled", "tpm_version", "secure_boot_capable",
    "secure_boot", "last_contact", "last_update", "group_name", "mode",
)


class UnknownDevice(LookupError):
    """No device has this canonical key."""


def checked_key(raw: str) -> str:
    """The canonical key of what was asked for, or a 400 naming `key` (NUL, lone surrogate, longer than a
    hostname, nothing left). A hostname as a vendor reports it (`ACI31-000063.ad.example.com`, any case) is
    turned into its key by the one hostname rule, so it finds the device too."""
    check_text(raw, "key", "path", max_length=HOSTNAME_LENGTH)
    key = canonical_key(raw)
    if not key:
        raise refusal("key", "path", "empty", "is empty")
    return key


# --- plain functions over plain data ------------------------------------------------------------------------


def seen_ranges(days: Iterable[date]) -> list[dict]:
    """Sorted days folded into runs of consecutive days: [{"from": first, "to": last}, ...]."""
    ranges: list[dict] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1]["to"] == timedelta(days=1):
            ranges[-1]["to"] = day
        else:
            ranges.append({"from": day, "to": day})
    return ranges


def vendor_timeline(rows: Sequence[tuple], start: date, end: date) -> dict:
    """One vendor's timeline from its rows (snapshot_date, organization_id, organization name, is_spare), ordered
    by date: the days seen as ranges, each change of client from one seen day to the next, each change of spare
    state (`went_spare` lists the days it became spare). A day with several rows (a duplicate) counts as spare
    when any row is, and is filed under its first row's client."""
    by_day: dict[date, tuple] = {}
    for day, org_id, org_name, spare in rows:
        if day in by_day:
            first = by_day[day]
            by_day[day] = (first[0], first[1], first[2] or spare)
        else:
            by_day[day] = (org_id, org_name, bool(spare))
    changes, spare_changes, went_spare, spare_days = [], [], [], []
    previous = None
    for day in sorted(by_day):
        org_id, org_name, spare = by_day[day]
        if spare:
            spare_days.append(day)
        if previous is not None:
            if org_id != previous[0]:
                changes.append({"date": day, "from": previous[1], "to": org_name,
                                "from_id": previous[0], "to_id": org_id})
            if spare != previous[2]:
                spare_changes.append({"date": day, "spare": spare})
                if spare:
                    went_spare.append(day)
        previous = by_day[day]
    return {
        "seen": seen_ranges(by_day),
        "days_seen": len(by_day),
        "first_seen": min(by_day) if by_day else None,
        "last_seen": max(by_day) if by_day else None,
        "organization_changes": changes,
        "spare": seen_ranges(spare_days),
        "spare_changes": spare_changes,
        "went_spare": went_spare,
        "spare_at_start": bool(by_day) and by_day[min(by_day)][2],
        "start": start,
        "end": end,
    }


def windows11_verdict(assessment: Windows11Assessment | None) -> dict | None:
    """The stored verdict of the device's NinjaOne row, with why (deficiencies, missing facts) in words."""
    if assessment is None:
        return None
    return {
        "status": assessment.status,
        "category": assessment.category,
        "category_label": AssessmentCategory.label(assessment.category, assessment.category),
        "already_on_24h2": assessment.already_on_24h2,
        "on_unsupported_hardware": assessment.on_unsupported_hardware,
        "os_name": assessment.os_name,
        "os_build": assessment.os_build,
        "cpu_model": assessment.cpu_model,
        "cpu_verdict": assessment.cpu_verdict,
        "cpu_reason": assessment.cpu_reason,
        "passed_requirements": [{"requirement": code, "label": REQUIREMENT_LABELS.get(code, code)}
                                for code in assessment.passed_requirements],
        "deficiencies": assessment.deficiencies,
        "missing_facts": assessment.missing_facts,
        "snapshot_date": assessment.snapshot_date,
        "assessment_date": assessment.assessment_date,
    }


# --- queries ------------------------------------------------------------------------------------------------


def latest_rows(key: str) -> dict[int, list[Snapshot]]:
    """Each vendor's rows of the device on that vendor's latest day with the device (two rows on a day are a
    duplicate): one grouped query for the days, one for the rows."""
    days = dict(Snapshot.objects.filter(canonical_key=key).values("vendor_id").order_by("vendor_id")
                .annotate(day=Max("snapshot_date")).values_list("vendor_id", "day"))
    wanted = Q(pk=None)
    for vendor_id, _, _ in VENDORS:
        if days.get(vendor_id):
            wanted |= Q(vendor_id=vendor_id, snapshot_date=days[vendor_id])
    found: dict[int, list[Snapshot]] = {vendor_id: [] for vendor_id, _, _ in VENDORS}
    if days:
        # The organization name on every row.
        for row in Snapshot.objects.filter(wanted, canonical_key=key).select_related("organization").order_by(
                "vendor_id", "last_contact", "id"):
            found.setdefault(row.vendor_id, []).append(row)
    return found


def timeline_rows(key: str, vendor_id: int, start: date, end: date) -> list[tuple]:
    """The one query of a vendor's timeline: (day, organization id, organization name, spare) by day."""
    return list(
        Snapshot.objects.filter(canonical_key=key, vendor_id=vendor_id, snapshot_date__gte=start,
                                snapshot_date__lte=end)
        .order_by("snapshot_date", "id")
        .values_list("snapshot_date", "organization_id", "organization__name", "is_spare")
    )


def find_assessment(device: Device, ninja_rows: list[Snapshot]) -> Windows11Assessment | None:
    """The device's stored assessment, found through the (category, hostname) index: assessments are stored
    under the NinjaOne row's clean hostname (the device foreign key has no index on purpose)."""
    hostnames = {row.clean_hostname or row.hostname for row in ninja_rows}
    if not hostnames:
        return None
    return (Windows11Assessment.objects.filter(category__in=AssessmentCategory.values(), hostname__in=hostnames,
                                               device_id=device.pk)
            .order_by("-assessment_date", "-id").first())


def vendor_facts(rows: list[Snapshot], latest_day: date | None, label: str) -> dict:
    entries = []
    for row in rows:
        entry = {name: getattr(row, name) for name in FACT_FIELDS}
        entry["organization_id"] = row.organization_id
        entry["organization"] = row.organization.name if row.organization_id else (row.vendor_org_name or None)
        entry["device_class_label"] = DeviceClass.label(row.device_class, row.device_class)
        entry["billing_status_label"] = BillingStatus.label(row.billing_status, row.billing_status)
        entries.append(entry)
    day = rows[0].snapshot_date if rows else None
    return {
        "vendor": label,
        "present": bool(rows),
        "snapshot_date": day,
        "vendor_latest_snapshot": latest_day,
        "in_latest_snapshot": bool(rows) and day == latest_day,
        "duplicate_count": len(rows),
        "entries": entries,
    }


def device_record(key: str, *, today: date | None = None, days: int = TIMELINE_DAYS) -> dict:
    """Everything about the device with canonical key `key` (already checked), or UnknownDevice."""
    device = Device.objects.filter(canonical_key=key).first()
    if device is None:
        raise UnknownDevice(key)
    end = today or timezone.localdate()
    start = end - timedelta(days=days - 1)
    latest_days = latest_snapshot_dates()
    rows = latest_rows(key)
    ninja_rows, tl_rows = rows.get(Vendor.NINJA, []), rows.get(Vendor.THREATLOCKER, [])
    hostnames = [r.clean_hostname or r.hostname for r in ninja_rows + tl_rows]
    record = {
        "key": key,
        "hostname": hostnames[0] if hostnames else key,
        "first_seen": device.first_seen,
        "last_seen": device.last_seen,
        "vendors": {},
        "windows11": windows11_verdict(find_assessment(device, ninja_rows)),
        "timeline": {"start": start, "end": end, "days": days, "vendors": {}},
    }
    for vendor_id, code, label in VENDORS:
        record["vendors"][code] = vendor_facts(rows.get(vendor_id, []), latest_days.get(vendor_id), label)
        record["timeline"]["vendors"][code] = {"vendor": label,
                                               **vendor_timeline(timeline_rows(key, vendor_id, start, end), start,
                                                                 end)}
    record.update(device_details(key))  # what other apps know (variances: exceptions with notes and audit trail)
    return record
