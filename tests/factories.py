"""Small builders for test data. Every test app uses these, so keep them plain."""
from datetime import UTC, date, datetime

from inventory.classification import billing_status_for, device_class_for, is_spare
from inventory.hostnames import canonical_key, clean_hostname, split_display_name
from inventory.models import Device, Organization, Snapshot, Vendor

_counter = iter(range(1, 10**9))


def organization(name: str, *, internal: bool = False) -> Organization:
    org, _ = Organization.objects.get_or_create(name=name, defaults={"is_internal": internal})
    return org


def snapshot(
    vendor_id: int,
    hostname: str,
    *,
    day: date = date(2026, 11, 23),
    display_name: str | None = None,
    org: Organization | str | None = "Acme Corp",
    node_class: str = "WINDOWS_WORKSTATION",
    location: str = "Main",
    vendor_device_id: str | None = None,
    **facts,
) -> Snapshot:
    """One vendor's row for one device on one day, classified as collectors do."""
    if isinstance(org, str):
        org = organization(org)
    key = canonical_key(hostname)
    device, _ = Device.objects.get_or_create(canonical_key=key, defaults={"first_seen": day, "last_seen": day})
    display = display_name if display_name is not None else hostname
    if vendor_id == Vendor.NINJA:
        device_class = device_class_for(node_class)
        spare = is_spare(display, location)
        billing = billing_status_for(device_class, spare, bool(org and org.is_internal))
    else:
        device_class, spare, billing = "other", False, "not_billable"
        node_class = ""
    defaults = dict(
        vendor_id=vendor_id,
        snapshot_date=day,
        vendor_device_id=vendor_device_id or f"dev-{next(_counter)}",
        device=device,
        canonical_key=key,
        hostname=hostname,
        clean_hostname=clean_hostname(hostname),
        display_name=display,
        display_note=split_display_name(display)[1],
        organization=org,
        vendor_org_name=org.name if org else "",
        location=location,
        node_class=node_class,
        device_class=device_class,
        billing_status=billing,
        is_spare=spare,
        last_contact=datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
    )
    defaults.update(facts)
    return Snapshot.objects.create(**defaults)
