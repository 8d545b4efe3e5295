"""The OpenAPI schema states what the API validates: clients are generated from it, and bin/fuzz (schemathesis)
warns of a "schema validation mismatch" when the views refuse what the schema allows. Each case below is a body
that the schema (through an OpenAPI 3.0 validator) and the API judge alike, so a rule added to a view without
the schema (or the other way round) fails here."""
import pytest
from openapi_schema_validator import OAS30Validator

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def body_schema(schema, method: str, path: str) -> dict:
    return schema["paths"][path][method]["requestBody"]["content"][JSON]["schema"]


def schema_accepts(schema, method: str, path: str, body) -> bool:
    # The body's schema with the components beside it, so its $refs resolve.
    return OAS30Validator({"allOf": [body_schema(schema, method, path)], "components": schema["components"]}
                          ).is_valid(body)


def component(schema, name: str) -> dict:
    return schema["components"]["schemas"][name]


def test_request_bodies_are_json_only(schema):
    # Request fields are strict JSON types (a form post's "5" is no integer): the schema offers JSON only.
    offered = {(method, path): set(operation["requestBody"]["content"])
               for path, item in schema["paths"].items() for method, operation in item.items()
               if "requestBody" in operation}
    assert offered and all(types == {JSON} for types in offered.values()), offered


# --- POST /api/exceptions/bulk-update -------------------------------------------------------------------

BULK = "/api/exceptions/bulk-update"


@pytest.mark.parametrize("body, accepted", [
    ({"action": "resolve", "ids": [999999]}, True),
    ({"action": "mark_manually_fixed", "ids": [999998, 999999], "notes": "done"}, True),
    ({"action": "resolve", "filter": {"status": "open", "type": "missing_in_ninja,DUPLICATE_TL",
                                      "date": "2025-10-01", "new_since": "", "hostname": "pc"}}, True),
    ({"action": "resolve"}, False),                                   # neither ids nor filter
    ({"action": "resolve", "ids": [1], "filter": {}}, False),         # both
    ({"action": "resolve", "ids": []}, False),                        # minItems 1 (allow_empty=False)
    ({"action": "resolve", "ids": [0]}, False),
    ({"action": "close", "ids": [1]}, False),
    ({"action": "resolve", "filter": {"status": "pending"}}, False),  # the status words parse_status knows
    ({"action": "resolve", "filter": {"type": "missing"}}, False),    # the types parse_types knows
    ({"action": "resolve", "filter": {"date": "2025-13-01"}}, False),
    ({"action": "resolve", "filter": {"last_seen_before": "yesterday"}}, False),
])
def test_bulk_update_body_schema_agrees_with_the_view(schema, writer, body, accepted):
    assert schema_accepts(schema, "post", BULK, body) is accepted
    response = writer.post(BULK, body, format="json")
    assert response.status_code in (200, 400), response.content
    # Ids that name no exception are refused too (`unknown_ids`): the data's answer, not the body's shape.
    valid_shape = response.status_code == 200 or response.json()["error"]["code"] == "unknown_ids"
    assert valid_shape is accepted, response.content


def test_bulk_update_either_ids_or_filter_is_one_declaration(schema):
    from variances.api.serializers import BulkUpdateSerializer

    rule = component(schema, "BulkUpdateRequest")["oneOf"]
    assert rule == [{"required": [name]} for name in BulkUpdateSerializer.ONE_OF] == [
        {"required": ["ids"]}, {"required": ["filter"]}]


# --- POST /api/collectors/run (validated by the serializer: posting would start a batch) ----------------

RUN = "/api/collectors/run"


def run_accepted(body) -> bool:
    from collectors import runs
    from collectors.api.serializers import RunRequestSerializer
    from esinv.errors import BadRequest
    from esinv.validation import validated

    try:
        runs.resolve_names(validated(RunRequestSerializer, body)["names"])
    except (BadRequest, runs.UnknownCollector):
        return False
    return True


def test_run_body_lists_every_collector_name_the_run_accepts(schema):
    from collectors import runs

    names = component(schema, "CollectorNameEnum")["enum"]
    assert names == runs.accepted_names()
    assert {"ninja", "threatlocker", "both", "all"} <= set(names)
    for name in names:  # each one resolves, in either form of the body
        assert run_accepted({"collectors": [name]}) and run_accepted({"collector": name}), name
        assert schema_accepts(schema, "post", RUN, {"collectors": [name]})


@pytest.mark.parametrize("body, accepted", [
    ({}, True),
    ({"collectors": ["ninja", "tl"], "run_cross_vendor": False, "confirm_drop": True}, True),
    ({"collector": "both", "snapshot_date": None}, True),
    ({"collectors": ["nope"]}, False),
    ({"collector": "ninja", "collectors": ["ninja"]}, False),  # either form, never both
    ({"collectors": []}, False),
    ({"collectors": "ninja"}, False),
    ({"collector": ""}, False),
    ({"run_cross_vendor": "yes"}, False),
    ({"collectors": ["ninja"], "dry_run": True}, False),      # unknown fields are refused
])
def test_run_body_schema_agrees_with_the_view(schema, body, accepted):
    assert schema_accepts(schema, "post", RUN, body) is accepted
    assert run_accepted(body) is accepted


# --- the Microsoft callback -------------------------------------------------------------------------------

def test_microsoft_callback_requires_the_state(schema, client_anon):
    parameters = {p["name"]: p for p in schema["paths"]["/api/auth/microsoft/callback"]["get"]["parameters"]}
    assert parameters["state"].get("required") is True
    assert not parameters["code"].get("required")


def test_the_date_pattern_matches_the_days_parse_date_accepts():
    import datetime
    import re

    from esinv.errors import BadRequest
    from esinv.params import ISO_DATE_PATTERN, parse_date

    def parsed(text):
        try:
            return parse_date(text, "date") is not None
        except BadRequest:
            return False

    day = datetime.date(2023, 1, 1)
    while day.year < 2025:  # a common year and a leap year, every day
        assert re.match(ISO_DATE_PATTERN, day.isoformat()) and parsed(day.isoformat())
        day += datetime.timedelta(days=1)
    for text in ("0001-01-01", "9999-12-31", "2024-02-29"):
        assert re.match(ISO_DATE_PATTERN, text) and parsed(text)
    for text in ("0000-01-01", "2025-00-10", "2025-13-01", "2025-04-31", "2025-02-30", "2025-1-01", "25-01-01",
                 "2025-01-01T00:00", ""):
        assert not re.match(ISO_DATE_PATTERN, text) and not parsed(text.strip() or "x"), text
    assert re.match(ISO_DATE_PATTERN, "2023-02-29") and not parsed("2023-02-29")  # the one known difference


def test_free_text_states_the_input_rules(schema):
    from django.conf import settings

    from esinv.schema import NO_NUL

    notes = component(schema, "NotesRequest")["properties"]["notes"]
    text, blank = notes["oneOf"]
    assert text["pattern"] == NO_NUL and text["maxLength"] == 4000 and blank == {"type": "string", "maxLength": 0}
    hostname = component(schema, "BulkFilterRequest")["properties"]["hostname"]["oneOf"][0]
    assert hostname["maxLength"] == settings.ESINV_MAX_TEXT_LENGTH
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/exceptions"]["get"]["parameters"]}
    assert parameters["hostname"]["oneOf"][0]["maxLength"] == settings.ESINV_MAX_PARAM_LENGTH
    assert schema_accepts(schema, "post", "/api/exceptions/{id}/resolve", {"notes": ""})
    assert not schema_accepts(schema, "post", "/api/exceptions/{id}/resolve", {"notes": "a\x00b"})


@pytest.mark.parametrize("notes, accepted", [("", True), ("fixed", True), ("a\x00b", False), ("x" * 4001, False)])
def test_notes_schema_agrees_with_the_view(schema, writer, notes, accepted):
    path = "/api/exceptions/{id}/resolve"
    assert schema_accepts(schema, "post", path, {"notes": notes}) is accepted
    response = writer.post(path.replace("{id}", "999999"), {"notes": notes}, format="json")
    assert response.status_code == (404 if accepted else 400), response.content  # valid: then the id is unknown


# --- GET /api/exceptions: its parameters' vocabularies and bounds are the ones it validates with ------------

@pytest.mark.parametrize("name, value, accepted", [
    ("ordering", "-days_open", True), ("ordering", "", True), ("ordering", "size", False),
    ("status", "unresolved", True), ("status", "pending", False),
    ("type", "MISSING_NINJA,spare_mismatches", True), ("type", "MISSING_NINJA,", True),
    ("type", "MISSING_NINJA,nope", False),
    ("page_size", "1000", True), ("page_size", "1001", False), ("page_size", "0", False),
    ("offset", "0", True), ("offset", "1000000001", False),
    ("hostname", "pc-01", True),
])
def test_exception_list_parameters_agree_with_the_view(reader, settings, name, value, accepted):
    settings.ESINV_MAX_PAGE_SIZE = 1000
    from drf_spectacular.generators import SchemaGenerator

    fresh = SchemaGenerator().get_schema(request=None, public=True)  # with the setting above
    parameter = next(p for p in fresh["paths"]["/api/exceptions"]["get"]["parameters"] if p["name"] == name)
    typed = int(value) if parameter["schema"].get("type") == "integer" else value
    assert OAS30Validator({"allOf": [parameter["schema"]], "components": fresh["components"]}).is_valid(
        typed) is accepted
    response = reader.get("/api/exceptions", {name: value})
    assert response.status_code == (200 if accepted else 400), response.content


@pytest.mark.parametrize("name, value, accepted", [
    ("variance_type", "MISSING_NINJA", True), ("variance_type", "spare_mismatches", True),
    ("variance_type", "", True), ("variance_type", "spares", False),
    ("include_resolved", "yes", True), ("include_resolved", "maybe", False),
    ("meta", "0", True), ("meta", "none", False),
    ("date", "latest", True), ("date", "2025-02-30", False), ("date", "today", False),
])
def test_export_parameters_agree_with_the_view(schema, reader, name, value, accepted):
    parameter = next(p for p in schema["paths"]["/api/variances/export/csv"]["get"]["parameters"]
                     if p["name"] == name)
    assert OAS30Validator({"allOf": [parameter["schema"]], "components": schema["components"]}).is_valid(
        value) is accepted
    response = reader.get("/api/variances/export/csv", {name: value})
    assert response.status_code == (200 if accepted else 400), response.content[:300]
