"""esinv.ordering: one declaration of a list's sort orders gives the allowed values, the 400 and the ORDER BY
(GET /api/exceptions, the /variances/ page, GET /api/billing/variances). Plain, no database."""
import pytest
from django.db.models import F

from esinv.errors import BadRequest
from esinv.ordering import Orderings

ORDERS = Orderings({"name": ("name", "-id"), "money": ("amount", "name", "-id")}, default="name",
                   nulls_last=frozenset({"amount"}))


def test_values_are_each_name_both_ways():
    assert ORDERS.values == ["-money", "-name", "money", "name"]


@pytest.mark.parametrize("raw, parsed", [("name", "name"), (" -money ", "-money"), ("", None), (None, None)])
def test_parse(raw, parsed):
    assert ORDERS.parse(raw) == parsed


@pytest.mark.parametrize("raw", ["nope", "--name", "name,money", "-", "amount", "id"])
def test_unknown_is_a_400_naming_the_field_and_listing_the_values(raw):
    with pytest.raises(BadRequest) as caught:
        ORDERS.parse(raw, "sort")
    assert caught.value.details == {"field": "sort", "value": raw, "allowed": ORDERS.values}


def test_descending_flips_every_column_and_nulls_stay_last():
    assert ORDERS.columns(None) == ["name", "-id"]
    assert ORDERS.columns("-name") == ["-name", "id"]
    assert ORDERS.columns("money") == [F("amount").asc(nulls_last=True), "name", "-id"]
    assert ORDERS.columns("-money") == [F("amount").desc(nulls_last=True), "-name", "id"]
