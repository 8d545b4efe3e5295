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
