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
