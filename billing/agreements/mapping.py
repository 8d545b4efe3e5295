"""ConnectWise agreement and addition rows -> snapshot values. Plain functions over plain data.

Wire format (docs/vendors.md, "ConnectWise Manage agreements"): an agreement is `{id, name, type: {name},
company: {id, identifier, name}, agreementStatus, startDate, endDate, cancelledFlag, billingCycle: {name}}`; an
addition is `{id, product: {id, identifier}, description, quantity, lessIncluded, unitPrice, unitCost,
billCustomer, effectiveDate, cancelledDate, agreementId}`. The billed quantity of an addition is
`quantity - lessIncluded` when `billCustomer` is "Billable", else 0.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from billing.models import BillCustomer, CWAgreement, CWAgreementAddition
from collectors.mapping import iso_datetime, storable

AGREEMENT_FIELDS = ("company_id", "company_identifier", "company_name", "agreement_id", "name", "agreement_type",
                    "status", "start_date", "end_date", "billing_cycle")
ADDITION_FIELDS = ("agreement_id", "addition_id", "product_id", "product_identifier", "description", "quantity",
                   "less_included", "billed_quantity", "unit_price", "unit_cost", "bill_customer", "effective_date",
                   "cancelled_date")
_LENGTHS = {f.attname: f.max_length for model in (CWAgreement, CWAgreementAddition)
            for f in model._meta.concrete_fields if getattr(f, "max_length", None)}
# Decimal columns: (largest absolute value, places).
_QUANTITY = (Decimal("999999999999.99"), Decimal("0.01"))
_PRICE = (Decimal("9999999999.9999"), Decimal("0.0001"))
_BILL_CUSTOMER = {value.casefold(): value for value, _ in BillCustomer}


def text(value, field: str) -> str:
    return storable(value).strip()[: _LENGTHS[field]]


def ref(value, key: str = "name"):
    """`{"id", "name"}` reference -> one of its keys; a bare string is taken as it is (unconfirmed shapes)."""
    if isinstance(value, dict):
        return value.get(key)
    return value if key == "name" and isinstance(value, str) else None


def integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -2**31 <= number < 2**31 else None


def number(value, kind=_QUANTITY) -> Decimal:
    """A vendor number as a Decimal for its column (0 when missing or unreadable, clamped to the column)."""
    limit, places = kind
    if isinstance(value, bool) or value in (None, ""):
        return Decimal(0)
    try:
        parsed = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    if not parsed.is_finite():
        return Decimal(0)
    return max(-limit, min(limit, parsed)).quantize(places)


def day_of(value) -> date | None:
    """ConnectWise dates (`2025-01-01T00:00:00Z`, sometimes a bare `2025-01-01`) -> the calendar day."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    moment = iso_datetime(value)
    return moment.date() if moment else None


def bill_customer(value) -> str:
    return _BILL_CUSTOMER.get(storable(value).strip().casefold(), "")


def billed_quantity(quantity: Decimal, less_included: Decimal, bill: str) -> Decimal:
    """What the client is billed for: `quantity - lessIncluded` for a Billable line (never below 0), else 0."""
    if bill != BillCustomer.BILLABLE:
        return Decimal(0)
    return max(Decimal(0), quantity - less_included).quantize(_QUANTITY[1])


def agreement_active(agreement: dict) -> bool:
    """Served as Active and not flagged cancelled (the listing asks for active ones; this guards the answer)."""
    status = storable(agreement.get("agreementStatus")).strip().casefold()
    return status in ("", "active") and agreement.get("cancelledFlag") is not True


def addition_current(addition: dict, day: date) -> bool:
    """Not cancelled on `day`: no cancelledDate, or one after the day (still billed until then)."""
    cancelled = day_of(addition.get("cancelledDate"))
    return cancelled is None or cancelled > day


def company(agreement: dict) -> tuple[int | None, str, str]:
    """(company id, identifier, name) of an agreement."""
    block = agreement.get("company") if isinstance(agreement.get("company"), dict) else {}
    return (integer(block.get("id")), text(block.get("identifier"), "company_identifier"),
            text(block.get("name"), "company_name"))


def agreement_values(agreement: dict) -> tuple:
    """An agreement as values in AGREEMENT_FIELDS order (its id None when it has none)."""
    company_id, identifier, name = company(agreement)
    return (company_id, identifier, name, integer(agreement.get("id")), text(agreement.get("name"), "name"),
            text(ref(agreement.get("type")), "agreement_type"), text(agreement.get("agreementStatus"), "status"),
            day_of(agreement.get("startDate")), day_of(agreement.get("endDate")),
            text(ref(agreement.get("billingCycle")), "billing_cycle"))


def addition_values(addition: dict, agreement_id: int) -> tuple:
    """An addition as values in ADDITION_FIELDS order (its id None when it has none)."""
    product = addition.get("product") if isinstance(addition.get("product"), dict) else {}
    quantity, less = number(addition.get("quantity")), number(addition.get("lessIncluded"))
    bill = bill_customer(addition.get("billCustomer"))
    return (agreement_id, integer(addition.get("id")), integer(product.get("id")),
            text(product.get("identifier"), "product_identifier"), text(addition.get("description"), "description"),
            quantity, less, billed_quantity(quantity, less, bill), number(addition.get("unitPrice"), _PRICE),
            number(addition.get("unitCost"), _PRICE), bill, day_of(addition.get("effectiveDate")),
            day_of(addition.get("cancelledDate")))
