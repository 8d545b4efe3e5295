"""Threshold status in both directions and at the bounds; the thresholds API."""
from decimal import Decimal

import pytest

from qbr.models import Threshold
from qbr.thresholds import bounds_error, threshold_status
from tests import factories


@pytest.mark.parametrize(
    "value, expected",
    [(0.5, "green"), (1.0, "green"), (1.0001, "yellow"), (1.5, "yellow"), (1.50001, "red"), (9, "red")],
)
def test_lower_is_better(value, expected):
    assert threshold_status(value, green=1.0, yellow=1.5, direction="lower") == expected


@pytest.mark.parametrize(
    "value, expected",
    [(150, "green"), (100, "green"), (99.99, "yellow"), (80, "yellow"), (79.99, "red"), (-5, "red")],
)
def test_higher_is_better(value, expected):
    assert threshold_status(value, green=100, yellow=80, direction="higher") == expected


def test_no_value_has_no_status():
    assert threshold_status(None, green=1, yellow=2, direction="lower") is None


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError):
        threshold_status(1, green=1, yellow=2, direction="sideways")


def test_bounds_must_match_the_direction():
    assert bounds_error(green=1, yellow=2, direction="lower") is None
    assert bounds_error(green=2, yellow=1, direction="lower")
    assert bounds_error(green=2, yellow=1, direction="higher") is None
    assert bounds_error(green=1, yellow=2, direction="higher")
    assert bounds_error(green=1, yellow=1, direction="higher") is None


@pytest.fixture
def client_org(db):
    """An organization without thresholds (organization 1 has the shipped defaults)."""
    return factories.organization("Acme Corp")


class TestThresholdsAPI:
    def test_post_creates_then_updates_and_get_lists(self, qbr_editor, qbr_reader, client_org):
        body = {"metric_name": "rhem", "direction": "lower", "green": 1.0, "yellow": 1.5,
                "organization_id": client_org.id}
        first = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert first.status_code == 200, first.json()
        saved = first.json()["data"]["thresholds"][0]
        assert saved["green_max"] == 1.0 and saved["yellow_max"] == 1.5 and saved["updated_by"] == "qeditor"
        qbr_editor.post("/api/qbr/thresholds", {**body, "green": 0.8}, format="json")
        assert Threshold.objects.get(organization=client_org, metric_name="rhem").green_bound == Decimal("0.8")
        listed = qbr_reader.get(f"/api/qbr/thresholds?organization_id={client_org.id}").json()["data"]["thresholds"]
        assert [t["metric_name"] for t in listed] == ["rhem"]

    def test_many_at_once_is_all_or_nothing(self, qbr_editor, client_org):
        body = {"thresholds": [
            {"metric_name": "net_profit_pct", "direction": "higher", "green": 15, "yellow": 10,
             "organization_id": client_org.id},
            {"metric_name": "rhem", "direction": "lower", "green": 2, "yellow": 1},  # inverted
        ]}
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["field"] == "thresholds[1].yellow"
        assert not Threshold.objects.filter(organization=client_org).exists()
        assert Threshold.objects.get(organization_id=1, metric_name="rhem").green_bound == Decimal("0.5")

    @pytest.mark.parametrize("body, bounds", [
        ({"green_max": 0.9, "yellow_max": 1.4}, ("lower", "0.9", "1.4")),
        ({"green_min": 120, "yellow_min": 90}, ("higher", "120", "90")),
        ({"green_min": 120, "yellow_min": 90, "direction": "higher"}, ("higher", "120", "90")),
        ({"green_bound": 2, "yellow_bound": 3, "direction": "lower"}, ("lower", "2", "3")),
        ({"green": "0.5", "yellow": "0.75", "direction": "lower"}, ("lower", "0.5", "0.75")),
    ])
    def test_the_contract_form_and_todays_form(self, qbr_editor, client_org, body, bounds):
        body = {"metric_name": "revenue_per_endpoint", "organization_id": client_org.id, **body}
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 200, response.json()
        saved = Threshold.objects.get(organization=client_org, metric_name="revenue_per_endpoint")
        assert (saved.direction, saved.green_bound, saved.yellow_bound) == (
            bounds[0], Decimal(bounds[1]), Decimal(bounds[2]))

    def test_what_get_returns_can_be_posted_back(self, qbr_editor, client_org):
        get = qbr_editor.get("/api/qbr/thresholds").json()["data"]
        fewer = {**get, "thresholds": [t for t in get["thresholds"] if t["metric_name"] in (
            "tickets_per_endpoint", "revenue_per_endpoint")]}
        tickets = next(t for t in fewer["thresholds"] if t["metric_name"] == "tickets_per_endpoint")
        tickets["yellow_max"] = tickets["yellow_bound"] = 1.25
        response = qbr_editor.post("/api/qbr/thresholds", fewer, format="json")
        assert response.status_code == 200, response.json()
        saved = {t["metric_name"]: t for t in response.json()["data"]["thresholds"]}
        assert saved["tickets_per_endpoint"]["yellow_max"] == 1.25 and saved["revenue_per_endpoint"]["green_min"] == 100

    @pytest.mark.parametrize("body, field, words", [
        ({"green_max": 2, "yellow_max": 1}, "yellow_max", "must not exceed"),
        ({"green_min": 80, "yellow_min": 100}, "yellow_min", "must not be below"),
        ({"green_max": 1, "yellow_max": 2, "green_min": 1, "yellow_min": 0}, "green_min", "not both"),
        ({"green_max": 1, "yellow_min": 2}, "yellow_min", "not both"),
        ({"green_max": 1, "yellow_max": 2, "direction": "higher"}, "direction", "contradicts"),
        ({"green_max": 1, "yellow_max": 2, "green": 3}, "green_max", "disagrees with green"),
        ({"green_max": 1}, "yellow", "required"),
        ({"green": 1, "yellow": 2}, "direction", "direction is required"),
        ({"green_max": "abc", "yellow_max": 2}, "green_max", "number"),
        ({"green_max": "NaN", "yellow_max": 2}, "green_max", "number"),
        ({"green_max": "Infinity", "yellow_max": 2}, "green_max", "number"),
        ({"green_max": True, "yellow_max": 2}, "green_max", "number"),
        ({"green_max": [1], "yellow_max": 2}, "green_max", "number"),
        ({"green_min": 1e300, "yellow_min": 2}, "green_min", "too large"),
    ])
    def test_invalid_combinations_are_400_with_a_clear_message(self, qbr_editor, client_org, body, field, words):
        body = {"metric_name": "tickets_per_endpoint", "organization_id": client_org.id, **body}
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 400, response.json()
        error = response.json()["error"]
        assert error["details"]["field"] == field and words in error["message"], error
        assert not Threshold.objects.filter(organization=client_org).exists()

    @pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
    def test_json_nan_and_infinity_literals_are_400(self, qbr_editor, client_org, literal):
        body = (b'{"metric_name": "rhem", "organization_id": %d, "green_max": %s, "yellow_max": 2}'
                % (client_org.id, literal))
        response = qbr_editor.post("/api/qbr/thresholds", body, content_type="application/json")
        assert response.status_code == 400
        assert not Threshold.objects.filter(organization=client_org).exists()


class TestShippedDefaults:
    def test_the_contract_values_ship_for_the_msp(self, db):
        rows = {t.metric_name: (t.direction, t.green_bound, t.yellow_bound)
                for t in Threshold.objects.filter(organization_id=1)}
        assert rows["tickets_per_endpoint"] == ("lower", Decimal("1.0"), Decimal("1.5"))
        assert rows["revenue_per_endpoint"] == ("higher", Decimal("100"), Decimal("80"))
        assert rows["csat_score"][0] == "higher" and rows["first_call_resolution"][0] == "higher"
        for name in ("tickets_per_endpoint", "revenue_per_endpoint", "csat_score", "first_call_resolution"):
            assert name in rows
        for direction, green, yellow in rows.values():
            assert bounds_error(green=green, yellow=yellow, direction=direction) is None

    def test_get_returns_the_contract_form(self, qbr_reader):
        rows = {t["metric_name"]: t for t in qbr_reader.get("/api/qbr/thresholds").json()["data"]["thresholds"]}
        assert rows["tickets_per_endpoint"]["green_max"] == 1.0 and rows["tickets_per_endpoint"]["yellow_max"] == 1.5
        assert rows["revenue_per_endpoint"]["green_min"] == 100 and rows["revenue_per_endpoint"]["yellow_min"] == 80
        assert "green_min" not in rows["tickets_per_endpoint"] and "green_max" not in rows["revenue_per_endpoint"]

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"metric_name": "nope", "direction": "lower", "green": 1, "yellow": 2}, "metric_name"),
            ({"metric_name": "rhem", "direction": "up", "green": 1, "yellow": 2}, "direction"),
            ({"metric_name": "rhem", "direction": "lower", "green": "abc", "yellow": 2}, "green"),
            ({"metric_name": "rhem", "direction": "lower", "green": 1}, "yellow"),
        ],
    )
    def test_bad_input_names_the_field(self, qbr_editor, body, field):
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["field"] == field

    def test_unknown_organization_is_404(self, qbr_editor):
        body = {"metric_name": "rhem", "direction": "lower", "green": 1, "yellow": 2, "organization_id": 999}
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 404
        assert response.json()["error"]["details"]["field"] == "organization_id"
