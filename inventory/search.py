"""Device search across vendors on the latest snapshots."""
from django.db.models import Q

from inventory.hostnames import canonical_key, clean_hostname
from inventory.models import Vendor
from inventory.queries import latest_snapshots

MIN_QUERY_LENGTH = 2


def search_filter(query: str) -> Q:
    """Hostname, display name (note included) or canonical key matches."""
    key = canonical_key(query)
    condition = Q(hostname__icontains=query.strip()) | Q(display_name__icontains=query.strip())
    if key:
        condition |= Q(canonical_key__startswith=key)
        cleaned = clean_hostname(query)
        if cleaned and cleaned != query.strip():
            condition |= Q(hostname__icontains=cleaned)
    return condition


def group_by_device(rows) -> list[dict]:
    """Fold vendor rows into one result per canonical key, in key order."""
    results: dict[str, dict] = {}
    for row in rows:
        entry = results.setdefault(row.canonical_key, {
            "hostname": row.canonical_key,
            "ninja_hostname": None,
            "threatlocker_hostname": None,
            "ninja_display_name": None,
            "threatlocker_display_name": None,
            "organization": None,
            "ninja_organization": None,
            "threatlocker_organization": None,
            "last_contact": None,
            "threatlocker_last_checkin": None,
            "device_class": None,
            "billing_status": None,
            "vendors": [],
            "snapshot_dates": {},
            "duplicate_count": {},
        })
        org_name = row.organization.name if row.organization_id else (row.vendor_org_name or None)
        label = "Ninja" if row.vendor_id == Vendor.NINJA else "ThreatLocker"
        if label not in entry["vendors"]:
            entry["vendors"].append(label)
        entry["duplicate_count"][label] = entry["duplicate_count"].get(label, 0) + 1
        entry["snapshot_dates"][label] = row.snapshot_date.isoformat()
        if row.vendor_id == Vendor.NINJA:
            entry["ninja_hostname"] = row.clean_hostname or row.hostname
            entry["ninja_display_name"] = row.display_name
            entry["ninja_organization"] = org_name
            entry["last_contact"] = row.last_contact
            entry["device_class"] = row.device_class
            entry["billing_status"] = row.billing_status
            entry["organization"] = org_name
        else:
            entry["threatlocker_hostname"] = row.clean_hostname
            entry["threatlocker_display_name"] = row.display_name
            entry["threatlocker_organization"] = org_name
            entry["threatlocker_last_checkin"] = row.last_contact
            entry["organization"] = entry["organization"] or org_name
    return list(results.values())


def search_devices(query: str, limit: int = 200) -> tuple[list[dict], bool]:
    """Devices matching `query`, and whether the result was cut at `limit` devices.

    A device is matched when any vendor's row matches; it is then shown with every vendor's row of
    its canonical key (a device found by its NinjaOne display name still shows its ThreatLocker row).
    One query: the matching keys (one more than `limit`, to know about the cut) are a subquery.
    """
    current = latest_snapshots()
    matching_keys = (
        current.filter(search_filter(query)).order_by("canonical_key")
        .values("canonical_key").distinct()[: limit + 1]
    )
    rows = (
        current.filter(canonical_key__in=matching_keys)
        .select_related("organization")  # the organization name on every row
        .order_by("canonical_key", "vendor_id", "id")
    )
    keys: list[str] = []
    kept = []
    truncated = False
    for row in rows.iterator(chunk_size=500):
        if not keys or keys[-1] != row.canonical_key:
            if len(keys) == limit:
                truncated = True
                break
            keys.append(row.canonical_key)
        kept.append(row)
    return group_by_device(kept), truncated
