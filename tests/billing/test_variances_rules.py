"""The billing variance engine and billed quantities as plain functions (no database)."""
from decimal import Decimal

import pytest

from billing.actions import refusal
from billing.billed import cycle_months, cycle_note, monthly_price, unknown_cycle
from billing.models import BillingVariance
from billing.variances import Billed, find_variances, fold_billed, money

D = Decimal


def test_billed_quantities_are_summed_with_a_quantity_weighted_price():
    billed = fold_billed([("MANAGED-WS", D(10), D(100), D(40)), ("MANAGED-WS", D(5), D(70), D(40)),
                          ("THREATLOCKER", D(3), D(9.5), D(4))])
    assert billed["MANAGED-WS"] == Billed(D(15), D(90), D(40))
    assert billed["THREATLOCKER"].unit_price == D("9.5")
    assert fold_billed([("X", D(0), D(12), D(0))])["X"] == Billed(D(0), D(12), D(0))


def test_money_is_rounded_to_cents_and_null_without_a_price():
    assert money(D(3), D("33.3333")) == D("100.00")
    assert money(D(3), None) is None


def engine(measured_seats=10, billed_seats=10, tolerance=0, **kwargs):
    return find_variances(
        billed={1: {"MANAGED-WS": Billed(D(billed_seats), D(100), D(0)), "UNMAPPED": Billed(D(1), D(5), D(0))}},
        measured={1: {"ninja_seats": (measured_seats, ["a", "b"], measured_seats)}},
        mappings={1: {"managed-ws": ("ninja_seats", D(tolerance))}}, skus=kwargs.get("skus", {}),
        disabled=kwargs.get("disabled", {}), sku_costs=kwargs.get("sku_costs"))


def test_under_and_over_billing_with_the_money_at_stake():
    [under] = engine(measured_seats=13, billed_seats=10)
    assert (under.variance_type, under.subject, under.amount, under.ids) == ("UNDER_BILLED", "MANAGED-WS",
                                                                             D("300.00"), ["a", "b"])
    [over] = engine(measured_seats=8, billed_seats=10)
    assert (over.variance_type, over.amount, over.billed, over.measured) == ("OVER_BILLED", D("200.00"), D(10), D(8))
    assert engine() == [] and engine(measured_seats=12, tolerance=2) == []
    assert [f.variance_type for f in engine(measured_seats=13, tolerance=2)] == ["UNDER_BILLED"]


def test_unused_licences_and_disabled_licensed_users():
    found = engine(skus={1: [("SPB", 12, 10), ("POWER_BI_PRO", 3, 3)]}, disabled={1: ["z@x", "y@x"], 2: []},
                   sku_costs={1: {"SPB": (D("15.5"), "")}})
    unused = next(f for f in found if f.variance_type == "UNUSED_LICENCES")
    assert (unused.subject, unused.billed, unused.measured, unused.amount) == ("SPB", D(12), D(10), D("31.00"))
    disabled = next(f for f in found if f.variance_type == "DISABLED_USER_LICENSED")
    assert (disabled.organization_id, disabled.measured, disabled.ids) == (1, D(2), ["y@x", "z@x"])
    assert len(found) == 2
    [unknown_cost] = [f for f in engine(skus={1: [("SPB", 5, 4)]})]
    assert unknown_cost.amount is None


@pytest.mark.parametrize("status, action, refused", [
    ("open", "resolve", None), ("open", "accept", None),
    ("accepted", "resolve", None), ("accepted", "accept", "already accepted"),
    ("resolved", "resolve", "already resolved"), ("resolved", "accept", "already resolved"),
])
def test_which_action_a_variance_can_take(status, action, refused):
    """As the device exceptions' `refusal`: a resolved one takes no action, an accepted one is not accepted again."""
    assert refusal(BillingVariance(status=status), action) == refused


# --- money is monthly: the agreement's billing cycle ------------------------------------------------------------


@pytest.mark.parametrize("name, months", [
    ("Monthly", 1), ("monthly", 1), (" MONTHLY ", 1), ("Quarterly", 3), ("Semi-Annual", 6), ("Semi Annual", 6),
    ("SemiAnnually", 6), ("semi_annual", 6), ("Annual", 12), ("Annually", 12), ("Yearly", 12),
    ("", None), (None, None), ("Weekly", None), ("One Time", None), ("Bi-Monthly", None), ("Monthly\x00", None),
])
def test_cycle_months_by_connectwise_name(name, months):
    assert cycle_months(name) == months
    assert unknown_cycle(name) is (months is None)


def test_a_price_per_cycle_is_a_price_per_month():
    assert monthly_price(D("120"), "Annual") == D("10.0000")
    assert monthly_price(D("100"), "Quarterly") == D("33.3333")
    assert monthly_price(D("60"), "Semi-Annual") == D("10.0000")
    assert monthly_price(D("95"), "Monthly") == D("95.0000")
    assert monthly_price(D("95"), "Fortnightly") == D("95.0000")  # unknown: counted as monthly (and flagged)
    assert monthly_price(None, "Annual") == D("0.0000")


def test_an_unknown_cycle_is_flagged_never_silent():
    assert cycle_note(["Monthly", "Annual"]) == ""
    assert cycle_note(["Monthly", "Fortnightly", "Fortnightly"]) == \
        'Billing cycle not known ("Fortnightly"): counted as monthly.'
    assert cycle_note([None]) == "Billing cycle not known (none): counted as monthly."


def test_billed_lines_fold_to_monthly_prices_and_the_money_follows():
    billed = fold_billed([("MANAGED-WS", D(10), D(300), D(90), "Quarterly"),
                          ("M365-BP", D(5), D(312), D(264), "Annual"),
                          ("THREATLOCKER", D(4), D(12.5), D(6), "Fortnightly")])
    assert billed["MANAGED-WS"] == Billed(D(10), D(100), D(30))
    assert (billed["M365-BP"].unit_price, billed["M365-BP"].unit_cost) == (D(26), D(22))
    assert billed["THREATLOCKER"].unit_price == D("12.5") and "Fortnightly" in billed["THREATLOCKER"].cycle_note
    # Mixed cycles of one product: each line's monthly price, weighted by quantity.
    mixed = fold_billed([("X", D(1), D(120), D(0), "Annual"), ("X", D(1), D(30), D(0), "Monthly")])["X"]
    assert (mixed.unit_price, mixed.cycle_note) == (D(20), "")
    [under] = find_variances(billed={1: billed}, measured={1: {"ninja_seats": (13, [], 13)}},
                             mappings={1: {"MANAGED-WS": ("ninja_seats", D(0))}}, skus={}, disabled={})
    assert (under.amount, under.cycle_note) == (D("300.00"), "")  # 3 seats x 300.00 a quarter = 300.00 a month
    [flagged] = find_variances(billed={1: billed}, measured={1: {"threatlocker_devices": (6, [], 6)}},
                               mappings={1: {"THREATLOCKER": ("threatlocker_devices", D(0))}}, skus={}, disabled={})
    assert flagged.amount == D("25.00") and "counted as monthly" in flagged.cycle_note
