"""Threshold status in both directions and at the bounds; the thresholds API."""
from decimal import Decimal

import pytest

from qbr.models import Threshold
from qbr.thresholds import bounds_error, threshold_status


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


class TestThresholdsAPI:
    def test_post_creates_then_updates_and_get_lists(self, qbr_editor, qbr_reader):
        body = {"metric_name": "rhem", "direction": "lower", "green": 1.0, "yellow": 1.5}
        first = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert first.status_code == 200, first.json()
        saved = first.json()["data"]["thresholds"][0]
        assert saved["green_max"] == 1.0 and saved["yellow_max"] == 1.5 and saved["updated_by"] == "qeditor"
        qbr_editor.post("/api/qbr/thresholds", {**body, "green": 0.8}, format="json")
        assert Threshold.objects.get(metric_name="rhem").green_bound == Decimal("0.8")
        listed = qbr_reader.get("/api/qbr/thresholds?organization_id=1").json()["data"]["thresholds"]
        assert [t["metric_name"] for t in listed] == ["rhem"]

    def test_many_at_once_is_all_or_nothing(self, qbr_editor):
        body = {"thresholds": [
            {"metric_name": "net_profit_pct", "direction": "higher", "green": 15, "yellow": 10},
            {"metric_name": "rhem", "direction": "lower", "green": 2, "yellow": 1},  # inverted
        ]}
        response = qbr_editor.post("/api/qbr/thresholds", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["field"] == "thresholds[1].yellow"
        assert not Threshold.objects.exists()

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
