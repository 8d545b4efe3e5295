"""Vendor rows -> snapshot values: plain functions, no HTTP, no database."""
from datetime import UTC, datetime

import pytest

from collectors.mapping import (
    clock_mhz,
    custom_bool,
    epoch_datetime,
    iso_datetime,
    ninja_custom_facts,
    ninja_row,
    system_volume_bytes,
    threatlocker_row,
)

FIELDS = {"tpm_present": "hastpm", "tpm_enabled": "tpmenabled", "tpm_version": "tpmversion",
          "secure_boot_capable": "securebootavailable", "secure_boot": "securebootenabled"}


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("TRUE ", True), ("false", False), ("", None), (None, None), ("maybe", None), (True, True),
    ("0", False),
])
def test_custom_bool(value, expected):
    assert custom_bool(value) is expected


def test_epoch_seconds_fractions_and_milliseconds():
    assert epoch_datetime(1763900000.5) == datetime(2025, 11, 23, 12, 13, 20, 500000, tzinfo=UTC)
    assert epoch_datetime(1763900000500) == epoch_datetime(1763900000.5)
    assert epoch_datetime(None) is None and epoch_datetime("soon") is None


def test_iso_datetime_tolerates_net_precision_and_missing_zone():
    assert iso_datetime("2026-11-23T08:15:00.1234567Z") == datetime(2026, 11, 23, 8, 15, 0, 123456, tzinfo=UTC)
    assert iso_datetime("2026-11-23T08:15:00") == datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
    assert iso_datetime("yesterday") is None


def test_clock_speed_in_hz_or_mhz():
    assert clock_mhz(1_800_000_000) == 1800
    assert clock_mhz(2400) == 2400
    assert clock_mhz(0) is None and clock_mhz("x") is None


def test_system_volume_is_c_drive_or_root():
    volumes = [{"name": "D:", "driveLetter": "D:", "capacity": 5}, {"name": "C:\\", "driveLetter": "C", "capacity": 9}]
    assert system_volume_bytes(volumes) == 9
    assert system_volume_bytes([{"name": "/", "capacity": 7}]) == 7
    assert system_volume_bytes([{"name": "E:", "driveLetter": "E:", "capacity": 1}]) is None
    assert system_volume_bytes(None) is None


def device(**overrides):
    base = {
        "id": 42, "organizationId": 3, "locationId": 8, "nodeClass": "WINDOWS_WORKSTATION", "offline": False,
        "displayName": "ACME-LAPTOP-001 | CEO laptop", "systemName": "ACME-LAPTOP-001",
        "lastContact": 1763900000, "lastUpdate": 1763890000,
        "system": {"manufacturer": "Dell Inc.", "model": "Latitude 5420", "serialNumber": "ABC123"},
        "os": {"name": "Windows 11 Pro", "architecture": "64-bit", "buildNumber": "22631", "releaseId": "23H2"},
        "memory": {"capacity": 17179869184},
        "processors": [{"name": " Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz ", "maxClockSpeed": 1800000000,
                        "numLogicalCores": 8}],
        "volumes": [{"name": "C:", "driveLetter": "C:", "capacity": 256000000000}],
    }
    base.update(overrides)
    return base


def test_ninja_row_maps_every_fact():
    row = ninja_row(device(), organization_id=5, org_name="Acme", location="Main", internal=False)
    assert row["canonical_key"] == "acme-laptop-001" and row["hostname"] == "ACME-LAPTOP-001"
    assert row["display_note"] == "CEO laptop" and row["vendor_device_id"] == "42"
    assert (row["device_class"], row["billing_status"], row["is_spare"]) == ("workstation", "billable", False)
    assert row["cpu_model"] == "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"
    assert (row["cpu_logical_cores"], row["cpu_max_clock_mhz"]) == (8, 1800)
    assert (row["memory_bytes"], row["system_volume_bytes"]) == (17179869184, 256000000000)
    assert (row["os_architecture"], row["os_build"], row["os_release_id"]) == ("64-bit", "22631", "23H2")
    assert (row["manufacturer"], row["model"], row["serial_number"]) == ("Dell Inc.", "Latitude 5420", "ABC123")
    assert row["is_online"] is True and row["last_contact"].year == 2025


def test_ninja_row_spare_by_location_or_display_name_and_internal():
    by_location = ninja_row(device(), organization_id=5, org_name="Acme", location="SPARE Shelf", internal=False)
    by_name = ninja_row(device(displayName="X | spare - was reception"), organization_id=5, org_name="Acme",
                        location="Main", internal=False)
    internal = ninja_row(device(), organization_id=1, org_name="MSP", location="Main", internal=True)
    assert by_location["is_spare"] and by_location["billing_status"] == "spare"
    assert by_name["is_spare"] and by_name["billing_status"] == "spare"
    assert internal["billing_status"] == "internal"


@pytest.mark.parametrize("node_class, device_class, billing", [
    ("WINDOWS_SERVER", "server", "billable"), ("HYPERV_VMM_HOST", "virtualization_host", "not_billable"),
    ("NMS_SWITCH", "other", "not_billable"), ("MAC", "workstation", "billable"),
])
def test_ninja_row_classes(node_class, device_class, billing):
    row = ninja_row(device(nodeClass=node_class), organization_id=5, org_name="A", location="", internal=False)
    assert (row["device_class"], row["billing_status"]) == (device_class, billing)


def test_ninja_hostname_falls_back_and_missing_blocks_are_null():
    row = ninja_row(device(systemName="", dnsName="nochi-002062482753.corp.local", processors=None, memory=None,
                           volumes=None, os=None, system=None), organization_id=None, org_name="", location="",
                    internal=False)
    assert row["hostname"] == "nochi-002062482753.corp.local" and row["canonical_key"] == "nochi-002062482"
    assert row["cpu_model"] == "" and row["cpu_logical_cores"] is None and row["memory_bytes"] is None
    assert row["system_volume_bytes"] is None and row["os_name"] == ""
    nameless = device(systemName="", dnsName=None, netbiosName=None, displayName=" | note only")
    assert ninja_row(nameless, organization_id=None, org_name="", location="", internal=False) is None


def test_long_values_are_cut_to_the_column():
    row = ninja_row(device(system={"model": "M" * 500}), organization_id=1, org_name="A", location="",
                    internal=False)
    assert len(row["model"]) == 200


def test_custom_field_facts():
    facts = ninja_custom_facts({"hastpm": "true", "tpmenabled": "false", "tpmversion": "2.0, 1.38, 0",
                                "securebootavailable": "", "securebootenabled": "true"}, FIELDS)
    assert facts == {"tpm_present": True, "tpm_enabled": False, "tpm_version": "2.0, 1.38, 0",
                     "secure_boot_capable": None, "secure_boot": True}
    assert ninja_custom_facts(None, FIELDS)["tpm_present"] is None


def test_threatlocker_row():
    row = threatlocker_row({
        "computerId": "c0ffee00-0000-0000-0000-000000000001", "computerName": "NOCHI-002062482753 | Front desk",
        "hostname": "NOCHI-002062482753.local", "organization": "Nochi Dental", "group": "Workstations",
        "mode": "Secure", "operatingSystem": "Windows 10 Pro", "osType": 1, "lastCheckin": "2026-11-23T07:00:00Z",
    }, organization_id=9)
    assert row["canonical_key"] == "nochi-002062482" and row["clean_hostname"] == "NOCHI-002062482753"
    assert (row["display_note"], row["group_name"], row["mode"], row["os_type"]) == ("Front desk", "Workstations",
                                                                                       "Secure", 1)
    assert row["last_contact"] == datetime(2026, 11, 23, 7, tzinfo=UTC)
    fallback = threatlocker_row({"computerId": "x", "computerName": "PC-9 | note", "hostname": ""},
                                organization_id=None)
    assert fallback["hostname"] == "PC-9 | note" and fallback["canonical_key"] == "pc-9"
    assert threatlocker_row({"computerId": "", "hostname": "PC"}, organization_id=None) is None


def test_strings_postgresql_cannot_store_are_removed():
    device = {"id": 7, "systemName": "PC\x00-01", "displayName": "PC-01 | desk\x00 2\ud800",
              "nodeClass": "WINDOWS_WORKSTATION", "os": {"name": "Windows\x00 11"},
              "system": {"serialNumber": "\udfffSN1"}, "processors": [{"name": "Intel\x00 Core"}]}
    row = ninja_row(device, organization_id=1, org_name="Acme", location="HQ", internal=False)
    assert (row["hostname"], row["canonical_key"], row["display_name"], row["display_note"]) == (
        "PC-01", "pc-01", "PC-01 | desk 2", "desk 2")
    assert (row["os_name"], row["serial_number"], row["cpu_model"]) == ("Windows 11", "SN1", "Intel Core")
    tl = threatlocker_row({"computerId": "c\x001", "hostname": "\x00", "computerName": "PC\x00-02 | x",
                           "organization": "Ac\x00me", "group": "G\x00"}, organization_id=1)
    assert (tl["vendor_device_id"], tl["hostname"], tl["vendor_org_name"], tl["group_name"]) == (
        "c1", "PC-02 | x", "Acme", "G")
