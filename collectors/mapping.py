"""Vendor rows -> snapshot field values. Plain functions over plain data.

Each mapper returns a dict keyed by `inventory.models.Snapshot` field names
(`organization_id` for the organization), or None for a row without any usable
hostname. The writer adds the date and the device and clips long strings.
Every vendor string goes through `storable()` first: NUL bytes and lone
surrogates, which PostgreSQL cannot store (SQLite can), are removed here, so
a vendor's odd byte never crashes a write on one backend only.
"""
import re
from datetime import UTC, datetime

from inventory.classification import billing_status_for, device_class_for, is_spare
from inventory.hostnames import canonical_key, clean_hostname, split_display_name
from inventory.models import Snapshot

# Column lengths: values are cut to fit here, once, so every database accepts them.
MAX_LENGTH = {f.attname: f.max_length for f in Snapshot._meta.concrete_fields if getattr(f, "max_length", None)}


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value) -> str:
    """A vendor value as text any database stores: without NUL bytes and lone surrogates ("" for missing)."""
    if value is None:
        return ""
    return _UNSTORABLE.sub("", str(value))


def text(value, field: str) -> str:
    """A vendor value as storable text cut to the snapshot column's length ("" for missing)."""
    if value is None or value == "":
        return ""
    return storable(value)[: MAX_LENGTH[field]]

_TRUE = {"true", "yes", "1", "on", "enabled"}
_FALSE = {"false", "no", "0", "off", "disabled"}


def custom_bool(value) -> bool | None:
    """Custom field values "true"/"false"/empty -> True/False/None (other spellings tolerated)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def epoch_datetime(value) -> datetime | None:
    """NinjaOne timestamps: epoch seconds, possibly fractional; milliseconds tolerated."""
    if value in (None, ""):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iso_datetime(value) -> datetime | None:
    """ThreatLocker ISO 8601 timestamps; a missing zone means UTC."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        # More than 6 fractional digits (.NET's 7) is not ISO for Python 3.11.
        head, dot, rest = text.partition(".")
        if not dot:
            return None
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits):]
        try:
            parsed = datetime.fromisoformat(f"{head}.{digits[:6]}{zone}")
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clock_mhz(value) -> int | None:
    """A processor clock in MHz from Hz, kHz... as vendors report it (NinjaOne gives Hz)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number <= 0:
        return None
    while number > 100_000:  # Hz or kHz -> MHz
        number /= 1000.0
    return int(round(number))


def positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def system_volume_bytes(volumes) -> int | None:
    """Capacity of the system volume: drive C: on Windows, `/` elsewhere."""
    if not isinstance(volumes, list):
        return None
    for volume in volumes:
        if not isinstance(volume, dict):
            continue
        letter = storable(volume.get("driveLetter")).strip().rstrip("\\/").upper()
        name = storable(volume.get("name")).strip().upper()
        if letter in ("C", "C:") or name.startswith("C:"):
            return positive_int(volume.get("capacity"))
    for volume in volumes:
        if isinstance(volume, dict) and storable(volume.get("name")).strip() == "/":
            return positive_int(volume.get("capacity"))
    return None


def ninja_hostname(device: dict) -> str:
    """systemName, else dnsName, netbiosName, displayName."""
    for key in ("systemName", "dnsName", "netbiosName", "displayName"):
        value = storable(device.get(key))
        if value and clean_hostname(value):
            return value.strip()
    return ""


def _block(device: dict, key: str) -> dict:
    value = device.get(key)
    return value if isinstance(value, dict) else {}


def ninja_custom_facts(fields: dict | None, names: dict) -> dict:
    """TPM / Secure Boot facts from a device's custom fields. `names` maps fact -> field name."""
    fields = fields if isinstance(fields, dict) else {}
    version = fields.get(names["tpm_version"])
    return {
        "tpm_present": custom_bool(fields.get(names["tpm_present"])),
        "tpm_enabled": custom_bool(fields.get(names["tpm_enabled"])),
        "tpm_version": text(str(version).strip(), "tpm_version") if version not in (None, "") else "",
        "secure_boot_capable": custom_bool(fields.get(names["secure_boot_capable"])),
        "secure_boot": custom_bool(fields.get(names["secure_boot"])),
    }


def ninja_row(device: dict, *, organization_id, org_name: str, location: str, internal: bool) -> dict | None:
    """One NinjaOne `devices-detailed` row as snapshot values (custom fields added later)."""
    hostname = ninja_hostname(device)
    key = canonical_key(hostname)
    if not key:
        return None
    display_name = storable(device.get("displayName")).strip() or hostname
    node_class = storable(device.get("nodeClass"))
    device_class = device_class_for(node_class)
    spare = is_spare(display_name, location)
    system, os_info, memory = _block(device, "system"), _block(device, "os"), _block(device, "memory")
    processors = [p for p in device.get("processors") or [] if isinstance(p, dict)]
    logical = sum(positive_int(p.get("numLogicalCores")) or 0 for p in processors) or None
    clocks = [mhz for mhz in (clock_mhz(p.get("maxClockSpeed")) for p in processors) if mhz]
    offline = device.get("offline")
    return {
        "vendor_device_id": text(device.get("id"), "vendor_device_id"),
        "canonical_key": key,
        "hostname": text(hostname, "hostname"),
        "clean_hostname": text(clean_hostname(hostname), "clean_hostname"),
        "display_name": text(display_name, "display_name"),
        "display_note": text(split_display_name(display_name)[1], "display_note"),
        "organization_id": organization_id,
        "vendor_org_name": text(org_name, "vendor_org_name"),
        "location": text(location, "location"),
        "node_class": text(node_class, "node_class"),
        "device_class": device_class,
        "billing_status": billing_status_for(device_class, spare, internal),
        "is_spare": spare,
        "is_online": (not offline) if isinstance(offline, bool) else None,
        "os_name": text(os_info.get("name"), "os_name"),
        "os_architecture": text(os_info.get("architecture"), "os_architecture"),
        "os_build": text(os_info.get("buildNumber"), "os_build"),
        "os_release_id": text(os_info.get("releaseId"), "os_release_id"),
        "cpu_model": text(storable(processors[0].get("name")).strip(), "cpu_model") if processors else "",
        "cpu_logical_cores": min(logical, 32767) if logical else None,
        "cpu_max_clock_mhz": max(clocks) if clocks else None,
        "memory_bytes": positive_int(memory.get("capacity")),
        "system_volume_bytes": system_volume_bytes(device.get("volumes")),
        "manufacturer": text(system.get("manufacturer"), "manufacturer"),
        "model": text(system.get("model"), "model"),
        "serial_number": text(system.get("serialNumber") or system.get("biosSerialNumber"), "serial_number"),
        "last_contact": epoch_datetime(device.get("lastContact")),
        "last_update": epoch_datetime(device.get("lastUpdate")),
        "tpm_present": None,
        "tpm_enabled": None,
        "tpm_version": "",
        "secure_boot_capable": None,
        "secure_boot": None,
        "agent_version": "",  # the NinjaOne device API (VENDORS.md) gives no agent version
    }


def threatlocker_hostname(row: dict) -> str:
    """The `hostname` field, else `computerName`."""
    for key in ("hostname", "computerName"):
        value = storable(row.get(key))
        if value and clean_hostname(value):
            return value.strip()
    return ""


def threatlocker_row(row: dict, *, organization_id) -> dict | None:
    """One ThreatLocker computer as snapshot values."""
    hostname = threatlocker_hostname(row)
    key = canonical_key(hostname)
    if not key or not row.get("computerId"):
        return None
    display_name = storable(row.get("computerName")).strip() or hostname
    os_type = positive_int(row.get("osType"))
    return {
        "vendor_device_id": text(row["computerId"], "vendor_device_id"),
        "canonical_key": key,
        "hostname": text(hostname, "hostname"),
        "clean_hostname": text(clean_hostname(hostname), "clean_hostname"),
        "display_name": text(display_name, "display_name"),
        "display_note": text(split_display_name(display_name)[1], "display_note"),
        "organization_id": organization_id,
        "vendor_org_name": text(row.get("organization"), "vendor_org_name"),
        "location": "",
        "os_name": text(row.get("operatingSystem"), "os_name"),
        "group_name": text(row.get("group"), "group_name"),
        "mode": text(row.get("mode") or row.get("action"), "mode"),
        "os_type": os_type if os_type is not None and os_type < 100 else None,
        "last_contact": iso_datetime(row.get("lastCheckin")),
        "agent_version": text(row.get("threatLockerVersion"), "agent_version"),
    }
