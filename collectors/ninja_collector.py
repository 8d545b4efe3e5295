"""The NinjaOne collector: organizations, locations, devices-detailed, TPM/Secure Boot custom fields."""
from django.conf import settings

from collectors.clients.ninja import ListingShort, NinjaClient
from collectors.completeness import IncompleteDay
from collectors.context import RunContext
from collectors.mapping import ninja_custom_facts, ninja_row, storable
from collectors.prefetch import prefetched
from collectors.writer import collect_day
from inventory.models import Snapshot, Vendor
from inventory.org_matching import OrganizationResolver
from inventory.queries import latest_snapshot_date


def custom_field_names() -> dict:
    return {
        "tpm_present": settings.NINJA_TPM_PRESENT_FIELD,
        "tpm_enabled": settings.NINJA_TPM_ENABLED_FIELD,
        "tpm_version": settings.NINJA_TPM_VERSION_FIELD,
        "secure_boot_capable": settings.NINJA_SECUREBOOT_AVAILABLE_FIELD,
        "secure_boot": settings.NINJA_SECUREBOOT_ENABLED_FIELD,
    }


def expected_device_count(vendor_id: int) -> int | None:
    """Rows of the vendor's latest day: the progress estimate while paging an unsized listing."""
    day = latest_snapshot_date(vendor_id)
    return Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).count() if day else None


def paging_percent(done: int, expected: int | None, pages: int, start: float, end: float) -> float:
    if expected:
        return start + (end - start) * min(1.0, done / expected)
    return start + (end - start) * (1 - 1 / (1 + pages / 5))  # approaches `end`, never reaches it


def _device_row(device, org_names: dict, locations: dict, resolve, resolver) -> dict | None:
    if not isinstance(device, dict):
        return None
    refs = device.get("references") if isinstance(device.get("references"), dict) else {}
    org_id = storable(device.get("organizationId") or "")
    org_name = org_names.get(org_id) or storable((refs.get("organization") or {}).get("name"))
    location = locations.get(str(device.get("locationId"))) or storable((refs.get("location") or {}).get("name"))
    organization_id = resolve(org_id or None, org_name)
    return ninja_row(device, organization_id=organization_id, org_name=org_name, location=location,
                     internal=resolver.is_internal(organization_id))


def fetch_rows(client: NinjaClient, ctx: RunContext) -> tuple[list[dict], dict]:
    """Every device as snapshot values, with custom fields; (rows, counts). Writes nothing but organizations."""
    ctx.progress(2, "NinjaOne: reading organizations and locations")
    organizations = client.organizations()
    locations = {str(row.get("id")): storable(row.get("name")) for row in client.locations() if isinstance(row, dict)}
    resolver = OrganizationResolver(Vendor.NINJA)
    org_names = {storable(row.get("id")): storable(row.get("name")) for row in organizations if isinstance(row, dict)}
    our_org: dict[tuple[str, str], int | None] = {}

    def resolve(vendor_org_id, name):
        key = (str(vendor_org_id), name)
        if key not in our_org:
            our_org[key] = resolver.resolve(vendor_org_id, name)
        return our_org[key]

    for vendor_org_id, name in org_names.items():
        resolve(vendor_org_id, name)

    expected = expected_device_count(Vendor.NINJA)
    for attempt in range(settings.NINJA_MAX_RESTARTS + 1):
        rows: dict[str, dict] = {}
        skipped = pages = 0
        try:
            for page in prefetched(client.device_pages(), on_wait=ctx.beat):
                pages += 1
                for device in page:
                    row = _device_row(device, org_names, locations, resolve, resolver)
                    if row is None:
                        skipped += 1
                        continue
                    rows[row["vendor_device_id"]] = row
                ctx.progress(paging_percent(len(rows), expected, pages, 10, 70), f"NinjaOne: {len(rows)} devices read")
            break
        except ListingShort as exc:
            if attempt == settings.NINJA_MAX_RESTARTS:
                raise IncompleteDay(client.vendor, (
                    f"NinjaOne returned a short page of devices ({exc.got} of {exc.page_size}) that was not the "
                    f"last, in each of {attempt + 1} reads: the listing may be incomplete; the day was not "
                    "accepted and the previous data is kept")) from None
            ctx.progress(8, f"NinjaOne: {exc}; reading the devices again", force=True)

    names = custom_field_names()
    with_fields = 0
    for page in prefetched(client.custom_field_pages(list(names.values())), on_wait=ctx.beat):
        for result in page:
            if not isinstance(result, dict):
                continue
            row = rows.get(str(result.get("deviceId")))
            if row is not None:
                row.update(ninja_custom_facts(result.get("fields"), names))
                with_fields += 1
        ctx.progress(paging_percent(with_fields, len(rows), 1, 70, 85),
                     f"NinjaOne: custom fields of {with_fields} devices")
    counts = {
        "organizations": len(organizations), "locations": len(locations), "devices": len(rows),
        "skipped": skipped, "with_custom_fields": with_fields,
    }
    return list(rows.values()), counts


def run(ctx: RunContext) -> dict:
    return collect_day(ctx, NinjaClient(sleep=ctx.sleep), fetch_rows, Vendor.NINJA, "devices")
