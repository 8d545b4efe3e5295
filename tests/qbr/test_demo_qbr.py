"""`manage.py demo_qbr`: the demo's QBR page gets numbers (ConnectWise from its simulator, sample manual
metrics, default thresholds), a second run changes nothing, --no-connectwise leaves ConnectWise's metrics empty."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from collectors.simulators.connectwise import ConnectWiseSimulator, first_of_recent_months, generate_recent
from inventory.models import Vendor
from qbr import demo
from qbr.connectwise.collector import HOURS_QUANTUM, month_bounds
from qbr.models import MetricChange, MonthlyMetric, Threshold
from qbr.periods import Month, Quarter
from qbr.services import record_manual_metric
from tests import factories
from tests.simulators import point_at, serving

CW_METRICS = ("reactive_tickets_created", "reactive_tickets_closed", "total_time_reactive")


# --- plain rules -------------------------------------------------------------------
class TestSampleRules:
    @pytest.mark.parametrize("today, quarters, first, last", [
        (date(2026, 12, 6), 2, Month(2026, 7), Month(2026, 12)),
        (date(2026, 11, 30), 2, Month(2026, 7), Month(2026, 11)),   # December has not begun
        (date(2027, 1, 1), 2, Month(2026, 10), Month(2027, 1)),     # across the year
        (date(2027, 2, 15), 1, Month(2027, 1), Month(2027, 2)),
    ])
    def test_months_of_the_last_quarters_that_have_begun(self, today, quarters, first, last):
        months = demo.demo_months(today, quarters)
        assert months[0] == first and months[-1] == last
        assert months == sorted(months) and len(set(months)) == len(months)

    @pytest.mark.parametrize("quarters", [0, -1, demo.MAX_QUARTERS + 1])
    def test_absurd_quarters_are_refused(self, quarters):
        with pytest.raises(ValueError, match="quarters"):
            demo.demo_months(date(2026, 12, 6), quarters)

    def test_msp_sample_is_consistent_and_in_the_catalogue_bounds(self):
        for month in demo.demo_months(date(2026, 12, 6), 4):
            values = demo.msp_sample(month)
            assert values == demo.msp_sample(month)
            assert values["total_revenue"] == values["mrr"] + values["nrr"] + values["product_revenue"]
            assert values["net_profit"] == values["total_revenue"] - values["total_expenses"] > 0
            assert 1 <= values["csat_score"] <= 5 and 0 <= values["first_call_resolution_pct"] <= 100
            assert values["technical_employees"] < values["employees"]
        assert demo.msp_sample(Month(2026, 12))["mrr"] > demo.msp_sample(Month(2026, 1))["mrr"]

    def test_client_sample_is_stable_per_client_and_differs_between_clients(self):
        month = Month(2026, 10)
        samples = {name: demo.client_sample(name, month) for name in ("Acme Corp", "Globex", "Initech", "Umbrella")}
        assert samples["Acme Corp"] == demo.client_sample("ACME CORP", month)
        assert len({s["csat_score"] for s in samples.values()}) > 1
        for sample in samples.values():
            assert 1 <= sample["csat_score"] <= 5 and 0 <= sample["first_call_resolution_pct"] <= 100

    def test_recent_months_of_the_simulator_end_with_the_current_one(self):
        assert first_of_recent_months(date(2026, 12, 6), 6) == (2026, 7)
        assert first_of_recent_months(date(2027, 2, 1), 6) == (2026, 9)
        assert first_of_recent_months(date(2027, 2, 1), 1) == (2027, 2)


# --- the command on the simulator ----------------------------------------------------
TODAY = timezone.localdate()
MONTHS = demo.demo_months(TODAY, 2)


@pytest.fixture(scope="module")
def cw_data():
    return generate_recent(today=TODAY, months=len(MONTHS), tickets_per_month=40, seed=3)


@pytest.fixture(scope="module")
def cw_sim(cw_data):
    yield from serving(ConnectWiseSimulator(cw_data))


@pytest.fixture
def hub(db, cw_sim, settings):
    """The hub pointed at the simulator, two clients, and a NinjaOne snapshot of today (seats, endpoints)."""
    point_at(cw_sim, settings, fast=False, CONNECTWISE_TIME_ZONE="UTC", QBR_CW_REACTIVE_BOARDS=["Help Desk"],
             QBR_CW_REACTIVE_STATUSES=[])
    for number in range(3):
        factories.snapshot(Vendor.NINJA, f"ACME-WS-{number}", day=TODAY, org="Acme Corp")
    factories.snapshot(Vendor.NINJA, "GLOBEX-SRV", day=TODAY, org="Globex", node_class="WINDOWS_SERVER")
    return cw_sim


def planted(data, month: Month) -> dict:
    """What the simulator planted for a month, as the collector rounds it."""
    start, end = month_bounds(month, "UTC")
    values = data.expected(start, end, ["Help Desk"])
    return {"reactive_tickets_created": Decimal(values["created"]),
            "reactive_tickets_closed": Decimal(values["closed"]),
            "total_time_reactive": values["hours"].quantize(HOURS_QUANTUM)}


def quarterly(client, organization_id: int, quarter: Quarter) -> dict:
    response = client.get("/api/qbr/metrics/quarterly", {"organization_id": organization_id, "period": str(quarter)})
    assert response.status_code == 200, response.content
    return {m["metric_name"]: Decimal(str(m["metric_value"])) for m in response.json()["data"]["metrics"]}


def quarters_of(months):
    return sorted({m.quarter for m in months})


def test_demo_qbr_fills_the_quarters_with_the_planted_tickets_and_the_sample_values(hub, cw_data, qbr_reader):
    call_command("demo_qbr", "--quarters", "2")
    assert len(quarters_of(MONTHS)) == 2
    for quarter in quarters_of(MONTHS):
        months = [m for m in MONTHS if m.quarter == quarter]
        msp = quarterly(qbr_reader, 1, quarter)
        for name in CW_METRICS:  # flow metrics: the quarter is the sum of its months
            expected = sum((planted(cw_data, m)[name] for m in months), Decimal(0))
            assert msp[name] == expected, name
            assert expected > 0
        for name in ("mrr", "total_revenue", "net_profit", "new_mrr"):
            assert msp[name] == sum(demo.msp_sample(m)[name] for m in months), name
        assert msp["technical_employees"] == demo.MSP_BASE["technical_employees"]  # stock: averaged
        acme = factories.organization("Acme Corp")
        csat = quarterly(qbr_reader, acme.id, quarter)["csat_score"]
        average = sum(demo.client_sample("Acme Corp", m)["csat_score"] for m in months) / len(months)
        assert csat == average.quantize(csat)

    # The page of the current quarter shows SmartNumbers computed from them, scored against the thresholds.
    current = MONTHS[-1].quarter
    response = qbr_reader.get("/qbr/", {"quarter": str(current)})
    assert response.status_code == 200
    numbers = {row["name"]: row for row in response.context["smart_numbers"]}
    for name in ("total_close_pct", "tickets_per_tech_per_month", "net_profit_pct", "rhem", "avg_aisp"):
        assert numbers[name]["value"] is not None, name
        assert numbers[name]["status"] in ("green", "yellow", "red"), name
    rows = {row["name"] for row in response.context["metric_rows"]}
    assert {"reactive_tickets_created", "mrr", "endpoints_managed", "seats_managed"} <= rows
    html = response.content.decode()
    created = planted(cw_data, MONTHS[-1])["reactive_tickets_created"]
    assert f">{created}<" in html.replace(" ", "")


def test_a_second_run_changes_nothing(hub):
    call_command("demo_qbr", "--quarters", "2")
    values = dict(MonthlyMetric.objects.values_list("id", "metric_value"))
    changes, thresholds = MetricChange.objects.count(), Threshold.objects.count()
    call_command("demo_qbr", "--quarters", "2")
    assert dict(MonthlyMetric.objects.values_list("id", "metric_value")) == values
    assert MetricChange.objects.count() == changes
    assert Threshold.objects.count() == thresholds


def test_no_connectwise_leaves_its_metrics_empty(hub, qbr_reader):
    call_command("demo_qbr", "--quarters", "2", "--no-connectwise")
    assert not MonthlyMetric.objects.filter(metric_name__in=CW_METRICS).exists()
    assert not MonthlyMetric.objects.filter(vendor_id=Vendor.CONNECTWISE).exists()
    msp = quarterly(qbr_reader, 1, MONTHS[-1].quarter)
    assert msp["mrr"] > 0 and not set(CW_METRICS) & set(msp)


def test_values_staff_entered_and_thresholds_they_edited_are_left_alone(hub):
    month = str(MONTHS[-1])
    record_manual_metric(month, 1, None, "mrr", 1234, actor="staff")
    Threshold.objects.filter(organization_id=1, metric_name="rhem").update(green_bound=2, yellow_bound=3,
                                                                           updated_by="staff")
    Threshold.objects.filter(organization_id=1, metric_name="avg_aisp").delete()
    call_command("demo_qbr", "--quarters", "1", "--no-connectwise")
    assert MonthlyMetric.objects.get(period=month, organization_id=1, metric_name="mrr").metric_value == 1234
    rhem = Threshold.objects.get(organization_id=1, metric_name="rhem")
    assert (rhem.green_bound, rhem.yellow_bound) == (2, 3)
    assert Threshold.objects.filter(organization_id=1, metric_name="avg_aisp").exists()  # the default is back


def test_connectwise_not_configured_fails_naming_it_after_the_rest(hub, settings):
    settings.CONNECTWISE_BASE_URL = ""
    with pytest.raises(CommandError, match="CONNECTWISE_BASE_URL"):
        call_command("demo_qbr", "--quarters", "1")
    assert MonthlyMetric.objects.filter(metric_name="mrr", updated_by="demo").exists()


def test_absurd_quarters_are_a_command_error(db):
    with pytest.raises(CommandError, match="--quarters"):
        call_command("demo_qbr", "--quarters", "0")
