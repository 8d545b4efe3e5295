"""Measured quantities: what the hub measures per client and day, each under a stable code (docs/billing.md).

Plain functions over the stored snapshots of one day:

| code | what |
| --- | --- |
| `ninja_seats` | NinjaOne billable workstations (the QBR rules, `inventory.classification`: not spare, not internal) |
| `ninja_endpoints` | NinjaOne billable workstations + servers (same rules) |
| `ninja_servers` | NinjaOne billable servers (endpoints that are not seats) |
| `threatlocker_devices` | ThreatLocker computers of the client |
| `m365_users` | Microsoft 365 users by the client's user definition (`M365Tenant.user_definition`) |
| `m365_sku:<part number>` | Microsoft 365 licences of that SKU assigned to users (`consumedUnits`) |

A code is measured for a client when its source has the client on that day (NinjaOne rows, ThreatLocker rows,
a Microsoft 365 day); its quantity may be 0 (e.g. seats of an internal organization). `measure_day(day)`
replaces the day's `MeasuredQuantity` rows at once; the collectors run it after every batch, completed or
not (`measure_batch`, registered in billing/apps.py): a day is measured from that day's stored rows only, so a
source whose day failed has no measures that day (`unmeasured_sources` names them). `measured_items()` lists
every id behind one count.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from billing.models import M365Sku, M365Tenant, M365User, M365UserDefinition, MeasuredQuantity
from esinv.bulk import insert_rows
from inventory.classification import billing_status_for, counts_as_endpoint, counts_as_seat
from inventory.models import Snapshot, Vendor

log = logging.getLogger(__name__)

NINJA_SEATS = "ninja_seats"
NINJA_ENDPOINTS = "ninja_endpoints"
NINJA_SERVERS = "ninja_servers"
THREATLOCKER_DEVICES = "threatlocker_devices"
M365_USERS = "m365_users"
M365_SKU_PREFIX = "m365_sku:"

CODES = {  # code -> what people read
    NINJA_SEATS: "NinjaOne seats (billable workstations)",
    NINJA_ENDPOINTS: "NinjaOne endpoints (billable workstations and servers)",
    NINJA_SERVERS: "NinjaOne servers (billable)",
    THREATLOCKER_DEVICES: "ThreatLocker devices",
    M365_USERS: "Microsoft 365 users (the client's user definition)",
}
DETAIL_IDS = 200  # ids kept in a row's detail; measured_items() lists them all
MAX_CODE_LENGTH = 120


def sku_code(part_number: str) -> str:
    return f"{M365_SKU_PREFIX}{part_number}"


def is_known_code(code: str) -> bool:
    """A fixed code, or `m365_sku:` followed by a SKU part number (letters, digits, `_`, `-`, `.`, `+`)."""
    code = code or ""
    if code in CODES:
        return True
    part = code[len(M365_SKU_PREFIX):] if code.startswith(M365_SKU_PREFIX) else ""
    return bool(part) and len(code) <= MAX_CODE_LENGTH and all(ch.isalnum() or ch in "_-.+" for ch in part)


def code_label(code: str) -> str:
    if code.startswith(M365_SKU_PREFIX):
        from billing.m365.sku_names import product_name

        return f"Microsoft 365 licences: {product_name(code[len(M365_SKU_PREFIX):])}"
    return CODES.get(code, code)


@dataclass
class Measure:
    organization_id: int
    code: str
    ids: list = field(default_factory=list)  # the devices or users behind the count
    extra: dict = field(default_factory=dict)
    quantity: int | None = None  # None: the number of ids

    @property
    def value(self) -> int:
        return len(self.ids) if self.quantity is None else self.quantity

    def detail(self, limit: int = DETAIL_IDS) -> dict:
        ids = sorted(self.ids)
        return {"total": self.value, "ids": ids[:limit], "truncated": len(ids) > limit, **self.extra}


# --- NinjaOne and ThreatLocker ---------------------------------------------------------------------------------
def _ninja_rows(day: date, organization_id: int | None = None):
    rows = Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=day, organization__isnull=False)
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    # The organization's *current* internal flag, as QBR counts (qbr/devices.py).
    return rows.values_list("organization_id", "organization__is_internal", "device_class", "is_spare",
                            "canonical_key").order_by()


def ninja_device_codes(device_class: str, spare: bool, internal: bool) -> tuple[str, ...]:
    """The NinjaOne codes one device counts towards, by the QBR rules (inventory.classification)."""
    status = billing_status_for(device_class, spare, internal)
    if counts_as_seat(device_class, status):
        return (NINJA_SEATS, NINJA_ENDPOINTS)
    if counts_as_endpoint(device_class, status):
        return (NINJA_SERVERS, NINJA_ENDPOINTS)
    return ()


def ninja_measures(day: date) -> list[Measure]:
    found: dict[tuple[int, str], Measure] = {}
    for org_id, internal, device_class, spare, key in _ninja_rows(day).iterator(chunk_size=5000):
        for code in (NINJA_SEATS, NINJA_ENDPOINTS, NINJA_SERVERS):
            found.setdefault((org_id, code), Measure(org_id, code))
        for code in ninja_device_codes(device_class, spare, bool(internal)):
            found[(org_id, code)].ids.append(key)
    return list(found.values())


def threatlocker_measures(day: date) -> list[Measure]:
    found: dict[int, Measure] = {}
    rows = Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER, snapshot_date=day, organization__isnull=False)
    for org_id, key in rows.values_list("organization_id", "canonical_key").order_by().iterator(chunk_size=5000):
        found.setdefault(org_id, Measure(org_id, THREATLOCKER_DEVICES)).ids.append(key)
    return list(found.values())


# --- Microsoft 365 -------------------------------------------------------------------------------------------
def user_definitions() -> dict[int, str]:
    """Each client's user definition; a client without a tenant row gets the default (2: all licensed users)."""
    return dict(M365Tenant.objects.values_list("organization_id", "user_definition"))


def counts_as_m365_user(definition: str, *, has_mailbox: bool, licensed: bool) -> bool:
    """1 (`mailbox`): users with a mailbox; 2 (`licensed`, the default): every user holding a licence, enabled
    or not (a disabled account still licensed is what DISABLED_USER_LICENSED reports)."""
    if definition == M365UserDefinition.MAILBOX:
        return has_mailbox
    return licensed


def m365_measures(day: date) -> list[Measure]:
    definitions = user_definitions()
    users: dict[int, Measure] = {}
    by_sku: dict[tuple[int, str], list[str]] = defaultdict(list)  # (org, sku id) -> user principal names
    rows = M365User.objects.filter(snapshot_date=day).values_list(
        "organization_id", "user_principal_name", "has_mailbox", "assigned_sku_ids").order_by()
    for org_id, upn, has_mailbox, sku_ids in rows.iterator(chunk_size=5000):
        definition = definitions.get(org_id, M365UserDefinition.LICENSED)
        measure = users.setdefault(org_id, Measure(org_id, M365_USERS, extra={"user_definition": definition}))
        if counts_as_m365_user(definition, has_mailbox=has_mailbox, licensed=bool(sku_ids)):
            measure.ids.append(upn)
        for sku_id in sku_ids or ():
            by_sku[(org_id, str(sku_id).lower())].append(upn)
    skus: dict[tuple[int, str], Measure] = {}
    for org_id, sku_id, part, consumed, bought in M365Sku.objects.filter(snapshot_date=day).values_list(
            "organization_id", "sku_id", "sku_part_number", "consumed_units", "prepaid_enabled").order_by():
        code = sku_code(part)
        if not is_known_code(code):  # an odd part number from the vendor: kept out rather than a broken code
            log.warning("Microsoft 365 SKU part number %r of organization %s is not a usable code", part, org_id)
            continue
        measure = skus.setdefault((org_id, code), Measure(org_id, code, quantity=0, extra={"bought": 0}))
        measure.quantity += consumed  # Microsoft's assigned count; the users are the ones holding it
        measure.extra["bought"] += bought
        measure.ids.extend(by_sku.get((org_id, sku_id.lower()), ()))
        users.setdefault(org_id, Measure(org_id, M365_USERS, extra={
            "user_definition": definitions.get(org_id, M365UserDefinition.LICENSED)}))
    return [*users.values(), *skus.values()]


# --- a day ---------------------------------------------------------------------------------------------------
def measures_for_day(day: date) -> list[Measure]:
    return [*ninja_measures(day), *threatlocker_measures(day), *m365_measures(day)]


def measure_day(day: date) -> int:
    """Compute every measured quantity of `day` and replace that day's rows (one transaction); the row count."""
    measures = measures_for_day(day)
    rows = ((day, m.organization_id, m.code, m.value, m.detail()) for m in measures)
    with transaction.atomic():
        MeasuredQuantity.objects.filter(snapshot_date=day).delete()
        written = insert_rows(MeasuredQuantity, ["snapshot_date", "organization_id", "code", "quantity", "detail"],
                              rows)
    log.info("measured quantities of %s: %s rows", day, written)
    return written


def measured_items(organization_id: int, day: date, code: str) -> list[str]:
    """Every id behind one count (device canonical keys, user principal names), sorted; [] for an unknown code."""
    if code in (NINJA_SEATS, NINJA_ENDPOINTS, NINJA_SERVERS):
        return sorted(key for _, internal, device_class, spare, key in _ninja_rows(day, organization_id)
                      if code in ninja_device_codes(device_class, spare, bool(internal)))
    if code == THREATLOCKER_DEVICES:
        return sorted(Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER, snapshot_date=day,
                                              organization_id=organization_id).values_list("canonical_key",
                                                                                           flat=True))
    users = M365User.objects.filter(snapshot_date=day, organization_id=organization_id).values_list(
        "user_principal_name", "has_mailbox", "assigned_sku_ids")
    if code == M365_USERS:
        definition = user_definitions().get(organization_id, M365UserDefinition.LICENSED)
        return sorted(upn for upn, mailbox, skus in users
                      if counts_as_m365_user(definition, has_mailbox=mailbox, licensed=bool(skus)))
    if code.startswith(M365_SKU_PREFIX):
        sku_ids = {s.lower() for s in M365Sku.objects.filter(
            snapshot_date=day, organization_id=organization_id,
            sku_part_number=code[len(M365_SKU_PREFIX):]).values_list("sku_id", flat=True)}
        return sorted(upn for upn, _, skus in users if sku_ids & {str(s).lower() for s in skus or ()})
    return []


# --- which sources a day holds ---------------------------------------------------------------------------------
# Each source of measures (and of the agreements side) with the collector that stores its day. A day is measured
# from that day's stored rows only: a source whose day was not stored (its collection failed; the hub keeps its
# previous days as they were) has no measures that day, never zeros and never the previous day's numbers.
SOURCES = {  # source -> (label, collector name)
    "ninja": ("NinjaOne", "ninja"),
    "threatlocker": ("ThreatLocker", "threatlocker"),
    "m365": ("Microsoft 365", "microsoft365"),
    "agreements": ("ConnectWise agreements", "connectwise_agreements"),
}


@dataclass
class Unmeasured:
    """A source in use that has no stored day on a day (so nothing of it is measured or reconciled that day)."""

    source: str
    label: str
    detail: str = ""  # e.g. the clients whose Microsoft 365 tenant has no day
    reason: str = ""  # the message of that day's failed collection, when there is one

    def __str__(self) -> str:
        text = self.label + (f" ({self.detail})" if self.detail else "")
        return text + (f": {self.reason}" if self.reason else "")


def latest_measured_day() -> date | None:
    """The latest day with measured quantities (the day billing is reconciled on)."""
    from django.db.models import Max

    return MeasuredQuantity.objects.aggregate(d=Max("snapshot_date"))["d"]


def _failed_reason(day: date, collector: str) -> str:
    """The message of the latest run of `collector` for `day` when that run failed, else ""."""
    from collectors.models import CollectorJob, RunStatus

    job = CollectorJob.objects.filter(snapshot_date=day, name=collector).order_by("-id").first()
    if job is None or job.status != RunStatus.FAILED:
        return ""
    return job.message or job.error[:500]


def unmeasured_sources(day: date) -> list[Unmeasured]:
    """The sources in use (a stored day before `day`) with no stored day on `day`, and, for Microsoft 365, the
    enabled tenants without a stored day on `day` (each tenant's day is stored on its own). Their quantities are
    not measured that day and their billing variances are neither found nor closed."""
    from billing.models import CWAgreement

    found: list[Unmeasured] = []
    for source, vendor_id in (("ninja", Vendor.NINJA), ("threatlocker", Vendor.THREATLOCKER)):
        rows = Snapshot.objects.filter(vendor_id=vendor_id)
        if rows.filter(snapshot_date__lt=day).exists() and not rows.filter(snapshot_date=day).exists():
            label, collector = SOURCES[source]
            found.append(Unmeasured(source, label, "no day stored", _failed_reason(day, collector)))
    if CWAgreement.objects.filter(snapshot_date__lt=day).exists() and \
            not CWAgreement.objects.filter(snapshot_date=day).exists():
        label, collector = SOURCES["agreements"]
        found.append(Unmeasured("agreements", label, "no day stored", _failed_reason(day, collector)))
    if M365User.objects.filter(snapshot_date__lte=day).exists() or M365Sku.objects.filter(
            snapshot_date__lte=day).exists():
        stored = set(M365User.objects.filter(snapshot_date=day).values_list("organization_id", flat=True)
                     .distinct()) | set(M365Sku.objects.filter(snapshot_date=day)
                                        .values_list("organization_id", flat=True).distinct())
        enabled = list(M365Tenant.objects.filter(enabled=True).order_by("organization__name")
                       .values_list("organization_id", "organization__name"))
        missing = [name for org_id, name in enabled if org_id not in stored]
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            label, collector = SOURCES["m365"]
            found.append(Unmeasured("m365", label, f"{len(missing)} of {len(enabled)} tenants: {shown}",
                                    _failed_reason(day, collector)))
    return found


def measure_batch(batch) -> None:
    """The collectors' after-batch hook (every batch, billing/apps.py): measure the batch's day from what is
    stored for it and reconcile it, whatever became of the batch's jobs. A failed collection stores nothing of
    its day (a failed Microsoft 365 tenant nothing of its own), so its source has no measures that day and the
    reconciliation's `checkable` rule finds and closes nothing it cannot see; the others are measured and
    reconciled as usual. The sources not measured are logged. Answers None: it records nothing on the batch's
    cross-vendor status (the failed job keeps its own message)."""
    day = batch.snapshot_date
    measure_day(day)
    from billing.variances import reconcile_billing

    reconcile_billing(day)  # the billing variances of the day, on the measures just written
    missing = unmeasured_sources(day)
    if missing:
        log.warning("billing of %s (batch %s) did not measure: %s; their billing variances were neither found "
                    "nor closed that day", day, batch.batch_id, "; ".join(str(m) for m in missing))
    return None


def reconcile_latest_day() -> dict | None:
    """Reconcile the latest measured day again (after a billing map change: the report reads the live map, so the
    stored variances must follow at once). None when nothing was measured yet."""
    day = latest_measured_day()
    if day is None:
        return None
    from billing.variances import reconcile_billing

    return reconcile_billing(day)
