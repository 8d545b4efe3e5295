"""The QBR and sign-in operations in the OpenAPI schema: every one with its parameters and bodies."""
import pytest

pytestmark = pytest.mark.django_db

JSON = "application/json"
OPERATIONS = {
    ("get", "/api/qbr/metrics/monthly"): {"period", "organization_id", "vendor_id", "metric_name"},
    ("get", "/api/qbr/metrics/quarterly"): {"period", "organization_id"},
    ("get", "/api/qbr/metrics/devices-by-client"): {"period", "organization_id"},
    ("post", "/api/qbr/metrics/manual"): set(),
    ("get", "/api/qbr/smartnumbers"): {"period", "organization_id"},
    ("get", "/api/qbr/thresholds"): {"organization_id"},
    ("post", "/api/qbr/thresholds"): set(),
    ("get", "/api/auth/status"): set(),
    ("post", "/api/auth/logout"): set(),
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("method, path", sorted(OPERATIONS))
def test_operation_documents_parameters_and_a_json_response_body(schema, method, path):
    operation = schema["paths"][path][method]
    assert {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} == OPERATIONS[(method, path)]
    body = operation["responses"]["200"]["content"][JSON]["schema"]
    assert "$ref" in body  # an object, not an array or a page of them
    if method == "post" and path.startswith("/api/qbr/"):
        assert "$ref" in operation["requestBody"]["content"][JSON]["schema"]


def test_required_periods_are_required(schema):
    for path in ("/api/qbr/smartnumbers", "/api/qbr/metrics/devices-by-client"):
        period = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "period")
        assert period["required"] is True and "pattern" in period["schema"]


def test_smartnumber_thresholds_use_the_contract_names(schema):
    fields = schema["components"]["schemas"]["ThresholdStatus"]["properties"]
    assert {"green_max", "yellow_max", "green_min", "yellow_min", "status"} <= set(fields)
    threshold_input = schema["components"]["schemas"]["ThresholdInputRequest"]["properties"]
    assert {"green_max", "yellow_max", "green_min", "yellow_min", "green", "yellow", "direction"} <= set(
        threshold_input)


def test_sign_in_endpoints_are_listed(schema):
    assert "get" in schema["paths"]["/api/auth/microsoft/login"]
    callback = schema["paths"]["/api/auth/microsoft/callback"]["get"]
    assert {p["name"] for p in callback["parameters"]} >= {"code", "state"}


# --- bodies: the schema and the view judge them alike -------------------------------------------------------

def _schema_accepts(schema, path: str, body) -> bool:
    from openapi_schema_validator import OAS30Validator

    body_schema = schema["paths"][path]["post"]["requestBody"]["content"][JSON]["schema"]
    return OAS30Validator({"allOf": [body_schema], "components": schema["components"]}).is_valid(body)


MONTH = "2025-10"
ITEM = {"period": MONTH, "metric_name": "mrr", "metric_value": 100}


@pytest.mark.parametrize("body, accepted", [
    (ITEM, True),
    ([ITEM, {**ITEM, "metric_name": "employees"}], True),              # a list
    ({"metrics": [ITEM]}, True),                                         # or under "metrics"
    ({**ITEM, "metric_name": "csat_score", "metric_value": 5}, True),   # the catalogue's bounds: 1 to 5
    ({**ITEM, "metric_name": "csat_score", "metric_value": 5.5}, False),
    ({**ITEM, "metric_name": "csat_score", "metric_value": 0.5}, False),
    ({**ITEM, "metric_name": "first_call_resolution_pct", "metric_value": 100}, True),
    ({**ITEM, "metric_name": "first_call_resolution_pct", "metric_value": 101}, False),
    ({**ITEM, "metric_name": "net_profit", "metric_value": -300}, True),  # may be negative
    ({**ITEM, "metric_value": -1}, False),                                 # mrr may not
    ({**ITEM, "metric_value": 9999999999999.99}, True),                   # parse_number's limit
    ({**ITEM, "metric_value": 1e13}, False),
    ({**ITEM, "period": "1999-12"}, False),                               # from 2000-01
    ({**ITEM, "period": "2025-13"}, False),
    ({**ITEM, "organization_id": 0}, False),
    ({**ITEM, "vendor_id": 0}, False),
    ([], False),
    ({"metrics": []}, False),
    ([ITEM] * 501, False),                                                # MAX_ITEMS
    ({"period": MONTH, "metric_name": "mrr"}, False),
])
def test_manual_metric_body_schema_agrees_with_the_view(schema, qbr_editor, body, accepted):
    assert _schema_accepts(schema, "/api/qbr/metrics/manual", body) is accepted
    response = qbr_editor.post("/api/qbr/metrics/manual", body, format="json")
    assert response.status_code == (200 if accepted else 400), response.content


def test_manual_metric_value_bounds_come_from_the_catalogue(schema):
    from qbr.catalogue import CATALOGUE

    branches = schema["components"]["schemas"]["ManualMetricInputRequest"]["oneOf"]
    bounds = {}
    for branch in branches:
        names = branch["properties"]["metric_name"]["pattern"].strip("^$()").split("|")
        bounds.update({name: branch["properties"]["metric_value"] for name in names})
    assert set(bounds) == set(CATALOGUE)
    for name, definition in CATALOGUE.items():
        if definition.minimum is not None:
            assert bounds[name]["minimum"] == definition.minimum
        elif not definition.allow_negative:
            assert bounds[name]["minimum"] == 0
        if definition.maximum is not None:
            assert bounds[name]["maximum"] == definition.maximum


T = {"metric_name": "mrr"}


@pytest.mark.parametrize("body, accepted", [
    ({**T, "direction": "lower", "green": 1, "yellow": 2}, True),
    ({**T, "direction": "higher", "green_bound": 2, "yellow_bound": 1}, True),
    ({**T, "green_max": 1, "yellow_max": 2}, True),                     # the contract's forms imply the direction
    ({**T, "green_min": 2, "yellow_min": 1, "direction": "higher"}, True),
    ([{**T, "green_max": 1, "yellow_max": 2}], True),
    ({"thresholds": [{**T, "green_max": 1, "yellow_max": 2}]}, True),
    ({**T, "green": 1, "yellow": 2}, False),                             # no direction
    ({**T, "direction": "lower", "green": 1}, False),                    # no yellow bound
    ({**T, "direction": "lower", "yellow_max": 2}, False),               # no green bound
    ({**T, "green_max": 1, "yellow_min": 2}, False),                     # both directions implied
    ({**T, "direction": "higher", "green_max": 1, "yellow_max": 2}, False),  # direction contradicts _max
    ({**T, "direction": "sideways", "green": 1, "yellow": 2}, False),
    ({**T, "organization_id": 0, "green_max": 1, "yellow_max": 2}, False),
    ({"metric_name": "nope", "green_max": 1, "yellow_max": 2}, False),
    ({"thresholds": []}, False),
])
def test_threshold_body_schema_agrees_with_the_view(schema, qbr_editor, body, accepted):
    assert _schema_accepts(schema, "/api/qbr/thresholds", body) is accepted
    response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
    assert response.status_code == (200 if accepted else 400), response.content
