"""Actionable duplicates (issue 12): each copy's distinguishing fields, the stale hint, console links.

The contract is docs/variances.md, "Duplicate entries"; `variances.duplicates.entries` is its one reader.
"""
from datetime import UTC, date, datetime, timedelta

import pytest

from collectors import runs
from collectors.models import RunStatus
from collectors.simulators import VendorSimulators, generate_msp, install_aliases
from collectors.simulators.dataset import DUPLICATE_NINJA_ID_OFFSET
from inventory.console_links import console_url, default_ninja_console_url
from inventory.models import Snapshot, Vendor
from tests.factories import snapshot
from tests.simulators import point_at
from tests.variances.rows import ninja, tl
from variances import types as T
from variances.duplicates import ENTRY_KEYS, entries
from variances.engine import CopyFacts, duplicate_entries, reconcile
from variances.models import ExceptionRecord
from variances.services import reconcile_day

NINJA_TEMPLATE = "https://eu.ninjarmm.com/#/deviceDashboard/{id}/overview"
TL_TEMPLATE = "https://portal.example.threatlocker.com/computers/{id}"
NOW = datetime(2026, 12, 5, 8, tzinfo=UTC)


def facts(device_id, contact, *, location="", os_name="Windows 11 Pro", agent="", org=""):
    return CopyFacts(device_id, location, contact, os_name, agent, org)


# --- the engine, without the database -------------------------------------------------------------------
def test_entries_carry_what_tells_the_copies_apart_newest_first_and_the_older_one_stale():
    old, new = tl("DUPT.old.local"), tl("DUPT")
    loaded = {old.id: facts("tl-old", NOW - timedelta(days=40), agent="9.1.0"),
              new.id: facts("tl-new", NOW, agent="9.3.1")}
    result = duplicate_entries("threatlocker", [old, new], loaded, TL_TEMPLATE)
    assert [set(e) for e in result] == [set(ENTRY_KEYS)] * 2
    first, second = result
    assert (first["vendor_device_id"], first["hostname"], first["stale"]) == ("tl-new", "DUPT", False)
    assert (second["vendor_device_id"], second["hostname"], second["stale"]) == ("tl-old", "DUPT.old.local", True)
    assert first["last_contact"] == "2026-12-05T08:00:00+00:00"
    assert second["last_contact"] == (NOW - timedelta(days=40)).isoformat()
    assert (first["agent_version"], second["agent_version"]) == ("9.3.1", "9.1.0")
    assert first["console_url"] == "https://portal.example.threatlocker.com/computers/tl-new"
    assert first["vendor"] == "threatlocker" and first["organization"] == "Acme Corp"
    assert first["os"] == "Windows 11 Pro"


def test_no_copy_is_stale_when_last_contacts_are_equal_or_unknown():
    a, b = ninja("SAME"), ninja("same.local")
    equal = duplicate_entries("ninja", [a, b], {a.id: facts("1", NOW), b.id: facts("2", NOW)}, NINJA_TEMPLATE)
    assert [e["stale"] for e in equal] == [False, False]
    assert [e["vendor_device_id"] for e in equal] == ["1", "2"]  # ties keep the collected order
    unknown = duplicate_entries("ninja", [a, b], {a.id: facts("1", None), b.id: facts("2", None)}, NINJA_TEMPLATE)
    assert [e["stale"] for e in unknown] == [False, False]
    # One unknown: the known one is the newest; the unknown is listed last and not called stale.
    mixed = duplicate_entries("ninja", [a, b], {a.id: facts("1", None), b.id: facts("2", NOW)}, NINJA_TEMPLATE)
    assert [(e["vendor_device_id"], e["stale"]) for e in mixed] == [("2", False), ("1", False)]
    assert mixed[0]["console_url"] == "https://eu.ninjarmm.com/#/deviceDashboard/2/overview"


def test_reconcile_reads_the_facts_of_duplicated_rows_only_once():
    asked = []

    def loader(ids):
        asked.append(sorted(ids))
        return {row_id: facts(f"id-{row_id}", NOW - timedelta(hours=row_id)) for row_id in ids}

    ninja_rows = [ninja("DUPN"), ninja("dupn.local"), ninja("SOLO")]
    tl_rows = [tl("DUPN"), tl("SOLO"), tl("SOLO.old.local")]
    findings = reconcile(ninja_rows, tl_rows, copy_facts=loader)
    assert asked == [sorted([ninja_rows[0].id, ninja_rows[1].id, tl_rows[1].id, tl_rows[2].id])]
    dup_ninja = next(f for f in findings if f.type == T.DUPLICATE_NINJA)
    assert [e["vendor"] for e in dup_ninja.details["entries"]] == ["ninja", "ninja"]
    # The lower row id has the newer contact here: listed first, the other stale.
    assert [e["stale"] for e in dup_ninja.details["entries"]] == [False, True]
    assert dup_ninja.details["entries"][0]["vendor_device_id"] == f"id-{ninja_rows[0].id}"
    # No duplicates: nothing to read.
    asked.clear()
    reconcile([ninja("A")], [tl("A")], copy_facts=loader)
    assert asked == []


# --- the reader ------------------------------------------------------------------------------------------
def test_old_shape_entries_read_with_every_key():
    old = {"count": 2, "entries": [{"hostname": "DUPT", "display_name": "DUPT | desk", "organization": "Acme"},
                                   {"hostname": "dupt", "display_name": "dupt", "organization": None}]}
    result = entries(old, T.DUPLICATE_TL)
    assert [set(e) for e in result] == [set(ENTRY_KEYS)] * 2
    assert result[0] == {"vendor": "threatlocker", "vendor_device_id": "", "hostname": "DUPT",
                         "display_name": "DUPT | desk", "organization": "Acme", "site": "", "last_contact": None,
                         "os": "", "agent_version": "", "console_url": None, "stale": False}
    assert entries(old)[0]["vendor"] is None  # no type given: unknown vendor, still every key


@pytest.mark.parametrize("details", [None, {}, {"count": 2}, {"entries": "x"}, {"entries": [None, 3, "a"]}, []])
def test_malformed_details_read_as_no_entries(details):
    assert entries(details, T.DUPLICATE_NINJA) == []


def test_console_links(settings):
    assert default_ninja_console_url("https://eu.ninjarmm.com/") == NINJA_TEMPLATE
    assert default_ninja_console_url("https://app.ninjarmm.com") == (
        "https://app.ninjarmm.com/#/deviceDashboard/{id}/overview")
    assert default_ninja_console_url("") == ""
    settings.ESINV_NINJA_CONSOLE_URL = NINJA_TEMPLATE
    settings.ESINV_THREATLOCKER_CONSOLE_URL = ""
    assert console_url("ninja", "123") == "https://eu.ninjarmm.com/#/deviceDashboard/123/overview"
    assert console_url("threatlocker", "0b1c") is None  # no portal URL configured: no link
    assert console_url("ninja", "") is None and console_url(None, "1") is None
    assert console_url("ninja", "a/b c") == "https://eu.ninjarmm.com/#/deviceDashboard/a%2Fb%20c/overview"
    settings.ESINV_NINJA_CONSOLE_URL = ""
    assert console_url("ninja", "123") is None


def test_the_settings_decide_the_link_when_entries_are_read(settings):
    stored = {"count": 1, "entries": [{"vendor": "threatlocker", "vendor_device_id": "abc", "console_url": None}]}
    settings.ESINV_THREATLOCKER_CONSOLE_URL = TL_TEMPLATE
    assert entries(stored)[0]["console_url"] == "https://portal.example.threatlocker.com/computers/abc"
    settings.ESINV_THREATLOCKER_CONSOLE_URL = ""
    assert entries(stored)[0]["console_url"] is None


# --- through the database and the API --------------------------------------------------------------------
DAY = date(2026, 11, 23)


@pytest.fixture
def planted_duplicate(db, settings):
    settings.ESINV_THREATLOCKER_CONSOLE_URL = TL_TEMPLATE
    snapshot(Vendor.NINJA, "DUPT", day=DAY, vendor_device_id="77")
    snapshot(Vendor.THREATLOCKER, "DUPT.old.local", day=DAY, vendor_device_id="tl-old", location="",
             last_contact=NOW - timedelta(days=60), agent_version="9.1.0", os_name="Windows 10 Pro")
    snapshot(Vendor.THREATLOCKER, "DUPT", day=DAY, vendor_device_id="tl-new", location="",
             last_contact=NOW, agent_version="9.3.1", os_name="Windows 11 Pro")
    reconcile_day(DAY)
    return ExceptionRecord.objects.get(type=T.DUPLICATE_TL)


def test_reconciliation_stores_the_entries_and_the_apis_return_them(reader, planted_duplicate):
    stored = planted_duplicate.details["entries"]
    assert [(e["vendor_device_id"], e["stale"], e["agent_version"]) for e in stored] == [
        ("tl-new", False, "9.3.1"), ("tl-old", True, "9.1.0")]
    assert stored[1]["hostname"] == "DUPT.old.local" and stored[1]["os"] == "Windows 10 Pro"
    assert planted_duplicate.details["count"] == 2

    report = reader.get("/api/variance-report/latest").json()
    row = report["threatlocker_duplicates"]["by_organization"]["Acme Corp"][0]
    assert row["duplicate_count"] == 2
    assert [e["vendor_device_id"] for e in row["entries"]] == ["tl-new", "tl-old"]
    assert row["entries"][1]["console_url"] == "https://portal.example.threatlocker.com/computers/tl-old"
    assert row["entries"][1]["last_contact"] == (NOW - timedelta(days=60)).isoformat()
    assert reader.get(f"/api/variance-report/{DAY.isoformat()}").json()["threatlocker_duplicates"] == (
        report["threatlocker_duplicates"])

    listed = reader.get("/api/exceptions?type=DUPLICATE_TL").json()["results"][0]
    assert [(e["vendor_device_id"], e["stale"]) for e in listed["entries"]] == [("tl-new", False), ("tl-old", True)]
    one = reader.get(f"/api/exceptions/{planted_duplicate.id}").json()
    assert one["entries"] == listed["entries"] and set(one["entries"][0]) == set(ENTRY_KEYS)
    other = reader.get("/api/exceptions?type=MISSING_NINJA").json()["results"]
    assert all(item["entries"] == [] for item in other)


def test_an_exception_of_the_old_shape_reads_fine_through_the_api(reader, planted_duplicate):
    ExceptionRecord.objects.filter(id=planted_duplicate.id).update(details={
        **planted_duplicate.details,
        "entries": [{"hostname": "DUPT", "display_name": "DUPT", "organization": "Acme Corp"},
                    {"hostname": "DUPT", "display_name": "DUPT", "organization": "Acme Corp"}]})
    listed = reader.get("/api/exceptions?type=DUPLICATE_TL").json()["results"][0]
    assert [e["vendor"] for e in listed["entries"]] == ["threatlocker", "threatlocker"]
    assert listed["entries"][0]["vendor_device_id"] == "" and listed["entries"][0]["console_url"] is None
    row = reader.get("/api/variance-report/latest").json()["threatlocker_duplicates"]["by_organization"]
    assert set(row["Acme Corp"][0]["entries"][0]) == set(ENTRY_KEYS)


# --- end to end: the simulators plant duplicates, the collectors read them, reconciliation lists the copies
@pytest.fixture(scope="module")
def msp():
    dataset = generate_msp(devices=240, seed=11)
    sims = VendorSimulators(dataset).start()
    yield dataset, sims
    sims.stop()


def test_simulated_duplicates_have_two_entries_told_apart(msp, db, settings):
    dataset, sims = msp
    point_at(sims, settings, fast=False, ESINV_NINJA_CONSOLE_URL=NINJA_TEMPLATE,
             ESINV_THREATLOCKER_CONSOLE_URL=TL_TEMPLATE)
    install_aliases(dataset)
    batch = runs.start_batch(None, run_cross_vendor=True, snapshot_date=DAY, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.COMPLETED, batch.message
    assert set(Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER).values_list("agent_version", flat=True)) == {
        "9.3.1", "9.1.0"}
    assert set(Snapshot.objects.filter(vendor_id=Vendor.NINJA).values_list("agent_version", flat=True)) == {""}

    dup_tl = ExceptionRecord.objects.filter(type=T.DUPLICATE_TL)
    assert dup_tl.count() == dataset.expected["DUPLICATE_TL"] > 0
    for record in dup_tl:
        newer, older = entries(record.details, record.type)
        assert newer["vendor_device_id"] != older["vendor_device_id"]
        assert newer["last_contact"] > older["last_contact"]
        assert (newer["stale"], older["stale"]) == (False, True)
        assert older["hostname"].endswith(".old.local") and (newer["agent_version"], older["agent_version"]) == (
            "9.3.1", "9.1.0")
        assert older["console_url"] == TL_TEMPLATE.replace("{id}", older["vendor_device_id"])
        assert newer["organization"] and newer["os"]

    dup_ninja = ExceptionRecord.objects.filter(type=T.DUPLICATE_NINJA)
    assert dup_ninja.count() == dataset.expected["DUPLICATE_NINJA"] > 0
    for record in dup_ninja:
        newer, older = entries(record.details, record.type)
        # The simulator's second copy is the offline one, 30+ days behind, with a shifted id.
        assert int(older["vendor_device_id"]) == int(newer["vendor_device_id"]) + DUPLICATE_NINJA_ID_OFFSET
        assert newer["last_contact"] > older["last_contact"] and older["stale"] and not newer["stale"]
        assert newer["console_url"] == f"https://eu.ninjarmm.com/#/deviceDashboard/{newer['vendor_device_id']}/overview"
        assert newer["site"] and newer["agent_version"] == ""
