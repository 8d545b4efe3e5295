"""SmartNumbers against hand-computed values (formulas in docs/qbr.md), missing and zero inputs."""
from decimal import Decimal

import pytest

from qbr.smartnumbers import SMART_NUMBERS, compute_smart_numbers

QUARTER = {
    "reactive_tickets_created": 300,
    "reactive_tickets_closed": 270,
    "total_time_reactive": 450,
    "technical_employees": 5,
    "employees": 10,
    "endpoints_managed": 600,
    "seats_managed": 500,
    "total_revenue": 600000,
    "net_profit": 90000,
    "mrr": 360000,
    "nrr": 120000,
    "agreements": 40,
    "new_mrr": 12000,
    "lost_mrr": 3000,
    "telemarketing_dials": 900,
    "first_time_appointments": 12,
    "new_agreements": 3,
    "reactive_tickets_closed_first_contact": 189,
    "csat_score": Decimal("4.3333"),
}

# Worked by hand from the formulas.
EXPECTED = {
    "tickets_per_tech_per_month": "18",  # 270 / 5 / 3
    "total_close_pct": "90",  # 270 / 300
    "tickets_per_endpoint_per_month": "0.1667",  # 300 / 600 / 3
    "rhem": "0.25",  # 450 / 600 / 3
    "avg_resolution_time": "1.6667",  # 450 / 270
    "reactive_service_pct": "17.9641",  # (450 / 3) / (5 * 167)
    "net_profit_pct": "15",  # 90000 / 600000
    "revenue_from_services_pct": "80",  # (120000 + 360000) / 600000
    "services_from_mrr_pct": "75",  # 360000 / 480000
    "annual_service_rev_per_employee": "192000",  # 480000 / 10 * 4
    "annual_service_rev_per_tech": "384000",  # 480000 / 5 * 4
    "avg_aisp": "240",  # 360000 / 500 / 3
    "avg_mrr_per_agreement": "3000",  # 360000 / 40 / 3
    "new_mrr_added": "12000",
    "lost_mrr": "3000",
    "net_mrr_gain": "9000",  # 12000 - 3000
    "dials_per_appointment": "75",  # 900 / 12
    "sales_call_close_pct": "25",  # 3 / 12
    # The seed contract's four.
    "tickets_per_endpoint": "0.1667",  # 300 / 600 / 3
    "revenue_per_endpoint": "333.3333",  # 600000 / 600 / 3
    "csat_score": "4.3333",  # the quarter's average, as aggregated
    "first_call_resolution": "70",  # 189 / 270 x 100
}


def test_every_design_smart_number_is_computed():
    assert set(SMART_NUMBERS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hand_computed_values(name):
    assert compute_smart_numbers(QUARTER)[name] == Decimal(EXPECTED[name])


def test_no_inputs_gives_all_null_not_an_error():
    assert set(compute_smart_numbers({}).values()) == {None}


@pytest.mark.parametrize(
    "missing, affected",
    [
        ("technical_employees", {"tickets_per_tech_per_month", "reactive_service_pct", "annual_service_rev_per_tech"}),
        ("endpoints_managed", {"tickets_per_endpoint_per_month", "rhem", "tickets_per_endpoint",
                               "revenue_per_endpoint"}),
        ("total_revenue", {"net_profit_pct", "revenue_from_services_pct", "revenue_per_endpoint"}),
        ("csat_score", {"csat_score"}),
        ("reactive_tickets_closed_first_contact", {"first_call_resolution"}),
        ("nrr", {"revenue_from_services_pct", "services_from_mrr_pct", "annual_service_rev_per_employee",
                 "annual_service_rev_per_tech"}),
        ("lost_mrr", {"lost_mrr", "net_mrr_gain"}),
    ],
)
def test_a_missing_input_nulls_exactly_the_numbers_that_use_it(missing, affected):
    inputs = {k: v for k, v in QUARTER.items() if k != missing}
    result = compute_smart_numbers(inputs)
    assert {name for name, value in result.items() if value is None} == affected


def test_none_counts_as_missing():
    assert compute_smart_numbers({**QUARTER, "mrr": None})["avg_aisp"] is None


@pytest.mark.parametrize(
    "zero, nulled",
    [
        ("technical_employees", ["tickets_per_tech_per_month", "reactive_service_pct", "annual_service_rev_per_tech"]),
        ("reactive_tickets_created", ["total_close_pct"]),
        ("reactive_tickets_closed", ["avg_resolution_time", "first_call_resolution"]),
        ("endpoints_managed", ["tickets_per_endpoint_per_month", "rhem", "tickets_per_endpoint",
                               "revenue_per_endpoint"]),
        ("total_revenue", ["net_profit_pct", "revenue_from_services_pct"]),
        ("seats_managed", ["avg_aisp"]),
        ("agreements", ["avg_mrr_per_agreement"]),
        ("first_time_appointments", ["dials_per_appointment", "sales_call_close_pct"]),
        ("employees", ["annual_service_rev_per_employee"]),
    ],
)
def test_a_zero_divisor_is_null(zero, nulled):
    result = compute_smart_numbers({**QUARTER, zero: 0})
    for name in nulled:
        assert result[name] is None, name


def test_zero_service_revenue_nulls_the_mrr_share_but_not_the_services_share():
    result = compute_smart_numbers({**QUARTER, "mrr": 0, "nrr": 0})
    assert result["services_from_mrr_pct"] is None  # 0 / 0
    assert result["revenue_from_services_pct"] == Decimal("0")  # 0 / 600000


def test_a_zero_numerator_is_a_real_zero():
    result = compute_smart_numbers({**QUARTER, "reactive_tickets_closed": 0, "lost_mrr": 0})
    assert result["total_close_pct"] == 0
    assert result["lost_mrr"] == 0
    assert result["net_mrr_gain"] == Decimal("12000")


def test_negative_profit_gives_a_negative_margin():
    assert compute_smart_numbers({**QUARTER, "net_profit": -30000})["net_profit_pct"] == Decimal("-5")


def test_tech_hours_are_a_parameter():
    result = compute_smart_numbers(QUARTER, hours_per_tech=150)
    assert result["reactive_service_pct"] == Decimal("20")  # 150 / (5 * 150)


def test_decimal_and_string_like_inputs_agree():
    as_decimals = {k: Decimal(str(v)) for k, v in QUARTER.items()}
    assert compute_smart_numbers(as_decimals) == compute_smart_numbers(QUARTER)


class TestFirstCallResolution:
    def test_the_connectwise_figure_wins_over_the_manual_one(self):
        result = compute_smart_numbers({"reactive_tickets_closed": 200, "reactive_tickets_closed_first_contact": 150,
                                        "first_call_resolution_pct": 40})
        assert result["first_call_resolution"] == Decimal("75")  # 150 / 200

    def test_the_manual_figure_when_connectwise_has_none(self):
        result = compute_smart_numbers({"reactive_tickets_closed": 200, "first_call_resolution_pct": Decimal("62.5")})
        assert result["first_call_resolution"] == Decimal("62.5")

    def test_the_manual_figure_when_nothing_was_closed(self):
        result = compute_smart_numbers({"reactive_tickets_closed": 0, "reactive_tickets_closed_first_contact": 0,
                                        "first_call_resolution_pct": 55})
        assert result["first_call_resolution"] == Decimal("55")

    def test_neither_is_null_not_zero(self):
        assert compute_smart_numbers({"reactive_tickets_closed": 200})["first_call_resolution"] is None


def test_the_contract_kpis_are_computed_beside_the_eighteen():
    from qbr.smartnumbers import CONTRACT_KPIS

    assert len(SMART_NUMBERS) == 22 and set(CONTRACT_KPIS) <= set(SMART_NUMBERS)


def test_missing_revenue_or_csat_is_null_not_zero():
    result = compute_smart_numbers({"endpoints_managed": 100})
    assert result["revenue_per_endpoint"] is None and result["csat_score"] is None
    assert compute_smart_numbers({"endpoints_managed": 100, "total_revenue": 0})["revenue_per_endpoint"] == 0
