"""Dashboard pages of billing reconciliation: `/billing/` (the report of a day, clients by money at stake) and
`/billing/clients/<id>/` (one client's products, variances and the devices or users behind each measured count).

Readers only (esinv.page_access.billing_page: staff, superusers, the "Billing" group). The pages read through
billing.reports, the functions the JSON API answers from, so they carry no rules of their own; the words beside
the numbers (SKU product names, bought / assigned, labels) are the exports' (billing.exports). Device keys link
to /devices/<key>/ only for readers who may open device pages (the template checks `access.inventory_read`).
"""
import re
from datetime import date

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from billing import reports
from billing.exports import product_text, quantity_labels
from billing.m365.sku_names import product_names
from billing.measures import NINJA_ENDPOINTS, NINJA_SEATS, NINJA_SERVERS, THREATLOCKER_DEVICES, code_label
from billing.models import BillingVarianceStatus, BillingVarianceType, MeasuredQuantity
from esinv.page_access import billing_page
from esinv.params import is_plain_int
from inventory.models import Organization

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDay(ValueError):
    """A `?date=` the page cannot show: answered with a 400 page naming it."""


def pick_day(raw: str) -> date | None:
    """The requested day (YYYY-MM-DD), else the latest measured (reconciled) day (None when there is none)."""
    raw = raw or ""
    if not raw.strip():
        return reports.latest_day()
    if not ISO_DAY.match(raw):
        raise BadDay("date: expected YYYY-MM-DD.")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadDay("date: not a calendar day.") from None


DEVICE_CODES = frozenset((NINJA_SEATS, NINJA_ENDPOINTS, NINJA_SERVERS, THREATLOCKER_DEVICES))


def is_device_code(code: str | None) -> bool:
    """Measured codes counting devices (canonical keys, linked to /devices/<key>/); every other code (Microsoft
    365 users and licences, whatever their prefix) counts users."""
    return code in DEVICE_CODES


def at_stake(client: dict) -> object:
    return client["monthly_revenue_leak"] + client["monthly_over_billing"]


def decorate_variance(v: dict, names: dict[str, str]) -> dict:
    """A variance with what the page shows beside it: labels, badge colours, its subject's name (a SKU's product
    name), what its two numbers are (billed / measured, or bought / assigned for unused licences), devices or
    users, ids not listed."""
    first, second = quantity_labels(v["type"])
    return {**v, "type_label": BillingVarianceType.label(v["type"]),
            "subject_text": product_text(v["subject"], names.get(v["subject"])) or v["subject"],
            "first_label": first, "second_label": second,
            "type_colour": BillingVarianceType.colour(v["type"]),
            "status_label": BillingVarianceStatus.label(v["status"]),
            "status_colour": BillingVarianceStatus.colour(v["status"]), "devices": is_device_code(v["code"]),
            "ids_more": max(v["ids_total"] - len(v["ids"]), 0)}


def _bad(request, exc: Exception):
    return render(request, "pages/error.html", {"title": "Not a day", "message": str(exc),
                                                "back_url": "/billing/", "back_label": "Back to billing"},
                  status=400)


@billing_page
def billing(request):
    try:
        day = pick_day(request.GET.get("date", ""))
    except BadDay as exc:
        return _bad(request, exc)
    report = reports.billing_report(day)
    status = reports.day_status(day, requested=bool(request.GET.get("date", "").strip()))
    names, labels = product_names(), {}
    for client in report["clients"]:
        client["at_stake"] = at_stake(client)
        for product in client["products"]:
            decorate_product(product, names, labels)
        client["open_variances"] = [decorate_variance(v, names) for v in client["variances"]
                                    if v["status"] != BillingVarianceStatus.RESOLVED]
    listed = sum(len(client["open_variances"]) for client in report["clients"])
    return render(request, "pages/billing.html", {"title": "Billing", "nav": "billing", "report": report,
                                                  "day": day, "status": status, "listed": listed,
                                                  "currency": settings.ESINV_CURRENCY})


def decorate_product(product: dict, names: dict[str, str], labels: dict[str, str]) -> dict:
    """A billed product with its name (a SKU's product name) and its measured code's label (once per code)."""
    code = product["code"]
    if code and code not in labels:
        labels[code] = code_label(code)
    product["label"] = labels.get(code, "") if code else ""
    product["product_text"] = product_text(product["product"], names.get(product["product"]))
    return product


@billing_page
def client(request, organization_id):
    if not is_plain_int(str(organization_id)) or len(str(organization_id)) > 18:
        raise Http404("No such client.")
    organization = Organization.objects.filter(id=int(organization_id)).first()
    if organization is None:
        raise Http404("No such client.")
    try:
        day = pick_day(request.GET.get("date", ""))
    except BadDay as exc:
        return _bad(request, exc)
    detail = reports.client_detail(organization, day)
    behind = {}
    if day is not None:
        for code, detail_json in MeasuredQuantity.objects.filter(
                organization=organization, snapshot_date=day).values_list("code", "detail"):
            behind[code] = {"ids": list((detail_json or {}).get("ids", [])),
                            "total": (detail_json or {}).get("total")}
    names, labels = product_names(), {}
    for product in detail["products"]:
        measured = behind.get(product["code"], {"ids": [], "total": None})
        decorate_product(product, names, labels)
        product["devices"] = is_device_code(product["code"])
        product["ids"] = measured["ids"]
        product["ids_more"] = max((measured["total"] or 0) - len(measured["ids"]), 0)
    variances = [decorate_variance(v, names) for v in detail["variances"]]
    return render(request, "pages/billing_client.html", {
        "title": f"Billing: {organization.name}", "nav": "billing", "detail": detail, "day": day,
        "variances": variances, "currency": settings.ESINV_CURRENCY})
