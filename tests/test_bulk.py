"""The one bulk-insert helper (esinv.bulk): what goes in comes back, on SQLite and on PostgreSQL (COPY)."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from esinv.bulk import ALL, insert_rows, prepared, update_rows
from inventory.models import Device, Organization, Windows11Assessment, Windows11Run

pytestmark = pytest.mark.django_db

AWKWARD = "tab\there\nnew line\r\\back slash \\N é ✓"


def test_rows_of_every_column_kind_come_back_as_they_went_in():
    day = date(2026, 11, 23)
    at = datetime(2026, 11, 23, 8, 30, 15, 123000, tzinfo=UTC)
    run = Windows11Run.objects.create(started_at=at)
    org = Organization.objects.create(name="Client A")
    devices = Device.objects.bulk_create([Device(canonical_key=f"k{i}", first_seen=day, last_seen=day)
                                          for i in range(3)])
    given = ["run", "device", "vendor_device_id", "hostname", "organization", "status", "category",
             "already_on_24h2", "passed_requirements", "deficiencies", "last_contact", "snapshot_date",
             "assessment_date"]
    rest = [f for f in Windows11Assessment._meta.concrete_fields if not f.primary_key and f.name not in given]
    names = given + [f.name for f in rest]
    defaults = tuple(f.get_default() if f.has_default() or not f.null else None for f in rest)
    rows = [
        (run.pk, devices[0].pk, "1", AWKWARD, org.pk, "compatible", "compatible", True, ["tpm_2", AWKWARD],
         [{"code": "cpu", "found": None}], at, day, at, *defaults),
        (run.pk, devices[1].pk, "2", "", None, "incompatible", "incompatible", False, [], [], None, day, at,
         *defaults),
    ]
    assert insert_rows(Windows11Assessment, names, iter(rows)) == 2
    first, second = Windows11Assessment.objects.order_by("vendor_device_id")
    assert (first.hostname, first.organization_id, first.already_on_24h2) == (AWKWARD, org.pk, True)
    assert first.passed_requirements == ["tpm_2", AWKWARD]
    assert first.deficiencies == [{"code": "cpu", "found": None}]
    assert (first.last_contact, first.snapshot_date, first.assessment_date) == (at, day, at)
    assert (second.hostname, second.organization_id, second.last_contact, second.already_on_24h2) == \
        ("", None, None, False)


def test_adapted_columns_are_sent_as_they_are_and_chunks_cover_every_row():
    first, last = date(2026, 11, 1), date(2026, 11, 23)
    shared = prepared(Device, "first_seen", first)
    rows = ((f"k{i}", shared, last) for i in range(7))  # any iterable, consumed a chunk at a time
    assert insert_rows(Device, ["canonical_key", "first_seen", "last_seen"], rows, adapted={1}, chunk_rows=3) == 7
    assert list(Device.objects.order_by("canonical_key").values_list("canonical_key", "first_seen", "last_seen")) \
        == [(f"k{i}", first, last) for i in range(7)]


def test_every_column_already_adapted():
    day = date(2026, 11, 23)
    row = ("k1", prepared(Device, "first_seen", day), prepared(Device, "last_seen", day))
    assert insert_rows(Device, ["canonical_key", "first_seen", "last_seen"], [row], adapted=ALL) == 1
    assert Device.objects.values_list("canonical_key", "first_seen", "last_seen").get() == ("k1", day, day)


def test_nothing_to_insert_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Windows11Run, ["status"], []) == 0


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 23, 8, 30, 15, 123456, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2026, 11, 23, 0, 0, tzinfo=UTC),
])
def test_datetimes_are_adapted_as_the_backend_would(value):
    from django.db import connection

    from esinv import bulk

    assert bulk._datetime_adapter()(value) == connection.ops.adapt_datetimefield_value(value)


def test_update_rows_changes_the_given_rows_only_with_every_value_prepared(django_assert_num_queries):
    day = date(2026, 11, 23)
    at = datetime(2026, 11, 23, 8, 30, 15, tzinfo=UTC)
    run = Windows11Run.objects.create(started_at=at)
    org = Organization.objects.create(name="Client A")
    devices = Device.objects.bulk_create([Device(canonical_key=f"k{i}", first_seen=day, last_seen=day)
                                          for i in range(3)])
    made = [Windows11Assessment.objects.create(run=run, device=device, vendor_device_id=str(i), hostname=f"H{i}",
                                               snapshot_date=day, assessment_date=at, deficiencies=[])
            for i, device in enumerate(devices)]
    later = at + timedelta(days=1)
    rows = [(made[0].pk, [{"code": "tpm", "found": AWKWARD}], org.pk, AWKWARD, later),
            (made[2].pk, [], None, "", None)]
    with django_assert_num_queries(1):  # one executemany for the chunk
        assert update_rows(Windows11Assessment, ["deficiencies", "organization", "hostname", "last_contact"],
                           iter(rows)) == 2
    first, untouched, third = Windows11Assessment.objects.order_by("vendor_device_id")
    assert (first.deficiencies, first.organization_id, first.hostname, first.last_contact) == (
        [{"code": "tpm", "found": AWKWARD}], org.pk, AWKWARD, later)
    assert (untouched.hostname, untouched.deficiencies, untouched.organization_id) == ("H1", [], None)
    assert (third.hostname, third.last_contact) == ("", None)
    with django_assert_num_queries(0):
        assert update_rows(Windows11Assessment, ["hostname"], []) == 0
