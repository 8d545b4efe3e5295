"""GET /api/exceptions with the older parameters beside today's, the one status vocabulary, and the
bad input the exception endpoints refuse with a 400 naming the parameter."""
import pytest

from variances import types as T
from variances.models import ExceptionEvent, ExceptionRecord

from . import test_api

D2 = test_api.D2
two_days = test_api.two_days  # the fixture: two reconciled days

pytestmark = pytest.mark.django_db
URL = "/api/exceptions"


def keys(response):
    """The ids listed, in order."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def error(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    return body["error"]


@pytest.fixture
def mixed(two_days):
    """On D2: one exception resolved, one marked manually fixed, two active."""
    from variances.services import Action, apply_action

    resolved = ExceptionRecord.objects.get(type=T.SPARE_MISMATCH)
    fixed = ExceptionRecord.objects.get(type=T.MISSING_NINJA, canonical_key="orphan")
    apply_action([resolved.id], Action.RESOLVE, notes="accepted", actor="t")
    apply_action([fixed.id], Action.MARK_MANUALLY_FIXED, notes="pushed", actor="t")
    return {"resolved": resolved.id, "fixed": fixed.id}


def test_resolved_true_false_is_the_older_spelling_of_status(reader, mixed):
    all_keys = keys(reader.get(URL))
    assert len(all_keys) == 4
    assert keys(reader.get(URL, {"resolved": "true"})) == keys(reader.get(URL, {"status": "resolved"})) == [
        mixed["resolved"]]
    opened = keys(reader.get(URL, {"resolved": "false"}))
    assert opened == keys(reader.get(URL, {"status": "open"})) == keys(reader.get(URL, {"status": "unresolved"}))
    assert mixed["fixed"] in opened and mixed["resolved"] not in opened and len(opened) == 3
    # Compatible spellings narrow together; contradicting ones are refused.
    assert keys(reader.get(URL, {"resolved": "false", "status": "manually_fixed"})) == [mixed["fixed"]]
    err = error(reader.get(URL, {"resolved": "true", "status": "open"}))
    assert err["details"]["field"] == "resolved"


def test_open_and_active_mean_the_same_everywhere(reader, mixed):
    """open = not resolved (active or manually fixed); active = open and not marked fixed."""
    opened = keys(reader.get(URL, {"status": "open"}))
    active = keys(reader.get(URL, {"status": "active"}))
    assert set(active) == set(opened) - {mixed["fixed"]} and len(active) == 2
    rows = reader.get(URL, {"status": "open"}).json()["results"]
    assert {row["status"] for row in rows} == {"open"}
    assert {row["variance_status"] for row in rows} == {"active", "manually_fixed"}
    summary = reader.get(f"{URL}/status-summary").json()
    assert summary["open"] == len(opened) and summary["by_status"]["active"] == len(active)
    assert summary["by_status"]["manually_fixed"] == 1 and summary["resolved"] == 1
    report = reader.get("/api/variance-report/latest").json()
    devices = [d for kind in T.KINDS for rows in report[kind.api_name]["by_organization"].values() for d in rows]
    assert sorted(d["id"] for d in devices if d["status"] == "open") == sorted(opened)
    assert sorted(d["id"] for d in devices if d["variance_status"] == "active") == sorted(active)
    assert report["summary"]["unresolved_count"] == len(opened)
    filtered = reader.get("/api/variance-report/filtered").json()
    assert sum(filtered[kind.api_name]["total_count"] for kind in T.KINDS) == len(opened)


def test_type_accepts_codes_and_variance_type_names(reader, two_days):
    assert keys(reader.get(URL, {"type": "missing_in_ninja"})) == keys(reader.get(URL, {"type": "MISSING_NINJA"}))
    assert len(keys(reader.get(URL, {"type": "missing_in_ninja,spare_mismatches"}))) == 2
    err = error(reader.get(URL, {"type": "missing_everywhere"}))
    assert err["code"] == "invalid_parameter" and err["details"]["field"] == "type"


def test_limit_and_offset_page_like_page_and_page_size(reader, two_days):
    everything = keys(reader.get(URL))
    body = reader.get(URL, {"limit": "2", "offset": "1"}).json()
    assert [r["id"] for r in body["results"]] == everything[1:3]
    assert (body["count"], body["limit"], body["offset"], body["page_size"]) == (4, 2, 1, 2)
    assert "offset=3" in body["next"] and "offset=0" in body["previous"]
    # The same rows as page 2 of 2 per page.
    by_page = reader.get(URL, {"page": "2", "page_size": "2"}).json()
    by_offset = reader.get(URL, {"limit": "2", "offset": "2"}).json()
    assert [r["id"] for r in by_page["results"]] == [r["id"] for r in by_offset["results"]]
    assert by_page["offset"] == 2 and by_page["limit"] == 2
    assert reader.get(URL, {"limit": "2", "offset": "500"}).json()["results"] == []
    assert len(reader.get(URL, {"limit": "3"}).json()["results"]) == 3
    # Agreeing spellings together are fine.
    assert reader.get(URL, {"limit": "2", "page_size": "2", "page": "2", "offset": "2"}).status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"resolved": "maybe"}, "resolved"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"limit": "abc"}, "limit"),
    ({"limit": "100000"}, "limit"),
    ({"offset": "-3"}, "offset"),
    ({"offset": "1" + "0" * 30}, "offset"),
    ({"offset": "99999999999"}, "offset"),
    ({"offset": "x"}, "offset"),
    ({"status": "opened"}, "status"),
    ({"type": "NOPE"}, "type"),
    ({"limit": "5", "page_size": "10"}, "limit"),
    ({"offset": "5", "page": "1"}, "offset"),
    ({"page_size": "0"}, "page_size"),
    ({"page": "abc"}, "page"),
])
def test_bad_list_parameters_are_400_naming_the_parameter(reader, two_days, params, field):
    err = error(reader.get(URL, params))
    assert err["details"]["field"] == field, err


def test_bad_date_is_400_from_the_strict_parser(reader, two_days):
    err = error(reader.get(URL, {"date": "2026-02-30"}))
    assert err["code"] == "invalid_date" and err["details"]["field"] == "date"


@pytest.mark.parametrize("body", [{"notes": 123}, {"notes": ["a"]}, {"notes": {"a": 1}}, {"notes": None},
                                  [1, 2], "resolve", 5])
def test_resolve_refuses_notes_that_are_not_text_and_bodies_that_are_not_objects(writer, two_days, body):
    record = ExceptionRecord.objects.filter(status="open").first()
    events = ExceptionEvent.objects.count()
    for verb in ("resolve", "mark-manually-fixed"):
        err = error(writer.post(f"{URL}/{record.id}/{verb}", body, format="json"))
        assert err["code"] in ("validation_error", "malformed_request")
    record.refresh_from_db()
    assert record.status == "open" and record.variance_status == "active"
    assert ExceptionEvent.objects.count() == events


@pytest.mark.parametrize("body, field", [
    ({"action": "explode", "ids": [1]}, "action"),
    ({"action": "resolve", "ids": ["1"]}, "ids"),
    ({"action": "resolve", "ids": [1.5]}, "ids"),
    ({"action": "resolve", "ids": [True]}, "ids"),
    ({"action": "resolve", "ids": [None]}, "ids"),
    ({"action": "resolve", "ids": [1], "notes": 5}, "notes"),
    ({"action": "resolve", "filter": {"status": "maybe"}}, "status"),
    ({"action": "resolve", "filter": {"type": "NOPE"}}, "type"),
    ({"action": "resolve", "filter": {"date": "tomorrow"}}, "date"),
    ({"action": "resolve", "filter": {"type": 3}}, "filter"),
])
def test_bulk_update_refuses_bogus_actions_ids_and_filters(writer, two_days, body, field):
    err = error(writer.post(f"{URL}/bulk-update", body, format="json"))
    details = err["details"]
    assert details.get("field") == field or field in details, err
    assert ExceptionRecord.objects.filter(status="resolved").count() == 1  # only D1's GONE, as before


def test_bulk_update_names_the_ids_that_do_not_exist(writer, two_days):
    ids = list(ExceptionRecord.objects.filter(status="open").values_list("id", flat=True))
    err = error(writer.post(f"{URL}/bulk-update", {"action": "resolve", "ids": [*ids, 999991, 999992]},
                            format="json"))
    assert err["code"] == "unknown_ids" and err["details"]["unknown_ids"] == [999991, 999992]
    assert "999991" in err["message"] and "999992" in err["message"]
    assert ExceptionRecord.objects.filter(status="open").count() == len(ids)


def test_paths_with_ids_too_long_for_a_64_bit_column_are_404(reader, writer, two_days):
    assert error(reader.get(f"{URL}/{'9' * 30}"), 404)["code"] == "not_found"
    assert writer.post(f"{URL}/{'9' * 30}/resolve", {}, format="json").status_code == 404
    assert reader.get(f"/api/variances/export/jobs/{'9' * 30}").status_code == 404


def test_report_date_paths_refuse_bad_dates(reader, two_days):
    for path in ("/api/variance-report/2026-13-40", "/api/variances/historical/yesterday",
                 "/api/variance-report/2026.11.01"):
        assert error(reader.get(path))["code"] == "invalid_date"
    assert reader.get(f"/api/variance-report/{D2.isoformat()}").status_code == 200
