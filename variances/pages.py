"""The triage page (`/variances/`): one table of exceptions, sorted and paged on the server, filters in the
query string (a GET form: the URL can be shared), row actions, exports.

Reads with the exceptions API's own filter and ordering functions (`variances.filtersets.filter_exceptions`,
`order_exceptions`), so the page and GET /api/exceptions agree on every filter, status word and sort
order. Actions go to the JSON API from the browser; without JavaScript the bulk form posts to the page
itself, which applies it through the same service (`variances.services.bulk_action`) and shows what happened.
"""
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render

from esinv.access import user_access
from esinv.auth import actor_label
from esinv.errors import APIError
from esinv.page_access import inventory_page, refused
from esinv.params import is_plain_int
from inventory.hostnames import clean_hostname
from inventory.models import Organization
from variances import dates, duplicates, reports
from variances import types as T
from variances.filtersets import (
    ExceptionFilter,
    exception_queryset,
    filter_exceptions,
    order_exceptions,
    parse_ordering,
)
from variances.models import ExceptionStatus, VarianceStatus
from variances.models_exports import ExportFormat
from variances.services import bulk_action, check_action

# The sortable columns: (ordering name, heading). The API's `ordering` accepts the same names.
SORT_COLUMNS = [("type", "Type"), ("organization", "Client"), ("hostname", "Device"), ("date_found", "First seen"),
                ("days_open", "Days open")]
# The hub's status words (variances.filtersets.STATUS_FILTERS; docs/variances.md), plus `all`.
STATUS_CHOICES = [
    ("open", "Open (not resolved)"), ("all", "All"), ("resolved", "Resolved"),
    ("active", "Active (open, not marked fixed)"),
    ("manually_fixed", "Manually fixed (awaiting verification)"), ("collector_verified", "Verified by collector"),
]


def page_filters(query) -> dict:
    """The page's query string -> its filters (blank = not filtered; status defaults to unresolved)."""
    status = (query.get("status") or "open").strip().lower()
    return {
        "type": (query.get("type") or "").strip(),
        "organization": (query.get("organization") or "").strip(),
        "status": status if status in dict(STATUS_CHOICES) else "open",
        "date": (query.get("date") or "").strip(),
        "hostname": (query.get("hostname") or "").strip(),
        "new_since": (query.get("new_since") or "").strip(),
        "last_seen_before": (query.get("last_seen_before") or "").strip(),
        "ordering": (query.get("ordering") or "").strip(),
    }


def api_params(filters: dict) -> dict:
    """The same filters as GET /api/exceptions parameters (the ordering is not a filter)."""
    params = {key: value for key, value in filters.items() if value and key not in ("status", "ordering")}
    if filters["status"] != "all":
        params["status"] = filters["status"]
    return params


def export_links(filters: dict, report_date: date | None) -> list[tuple[str, str]]:
    """Links to the export endpoints with the current filters (the contract's parameter names)."""
    kind = T.kind_for(filters["type"])
    params = {
        "variance_type": kind.api_name if kind else "all",
        "date": filters["date"] or "latest",
        "include_resolved": "false" if filters["status"] in ("open", "active", "manually_fixed") else "true",
    }
    if filters["organization"]:
        params["organization"] = filters["organization"]
    return [(label, f"/api/variances/export/{fmt}?{urlencode(params)}") for fmt, label in ExportFormat]


def _shown(entry: dict) -> dict:
    """A duplicate's copy as the page shows it: the vendor's name, and the last contact as a time (shown in the
    hub's time zone with its name)."""
    return entry | {"vendor_label": duplicates.vendor_name(entry["vendor"]),
                    "last_contact_at": duplicates.last_contact(entry["last_contact"])}


def row_for(record, day: date | None = None) -> dict:
    details = record.details or {}
    return {
        "id": record.id,
        "record": record,
        "key": record.canonical_key,
        "type_label": T.BY_CODE[record.type].label if record.type in T.BY_CODE else record.type,
        "ninja_hostname": details.get("ninja_hostname") or "",
        "threatlocker_hostname": clean_hostname(details.get("threatlocker_hostname")) or "",
        "ninja_display_name": details.get("ninja_display_name") or "",
        "threatlocker_display_name": details.get("threatlocker_display_name") or "",
        "ninja_organization": details.get("ninja_organization") or "",
        "threatlocker_organization": details.get("threatlocker_organization") or "",
        "orgs_differ": bool(details.get("ninja_organization") and details.get("threatlocker_organization")
                            and details["ninja_organization"] != details["threatlocker_organization"]),
        "is_open": record.status == ExceptionStatus.OPEN,
        "can_mark": record.status == ExceptionStatus.OPEN and record.variance_status == VarianceStatus.ACTIVE,
        "badge": VarianceStatus.colour(record.variance_status),
        "status_label": VarianceStatus.label(record.variance_status),
        "history": list(record.events.all()),  # prefetched by exception_queryset
        # As each vendor has it (details); the canonical key is shown second, muted.
        "ninja_vendor_hostname": details.get("ninja_hostname") or "",
        "threatlocker_vendor_hostname": details.get("threatlocker_hostname") or "",
        "organization": record.organization.name if record.organization_id else (
            details.get("organization") or reports.UNKNOWN_ORG),
        "days_open": (day - record.date_found).days if day else None,
        "entries": [_shown(entry) for entry in duplicates.entries(details, record.type)] if "count" in details else [],
        "copies": details.get("count") or len(details.get("entries") or []),
    }


def query_link(filters: dict, **changes) -> str:
    """`?…` of the page with the current filters and some changed (blank values left out)."""
    params = {key: value for key, value in {**filters, **changes}.items() if value not in ("", None)}
    if params.get("status") == "open":
        params.pop("status")  # the default
    return "?" + urlencode(params)


def sort_headers(filters: dict) -> list[dict]:
    """Each sortable column's link (same filters, back to page 1) and its aria-sort state."""
    current = filters["ordering"] or "type"
    headers = []
    for name, label in SORT_COLUMNS:
        state = "ascending" if current == name else "descending" if current == f"-{name}" else "none"
        target = f"-{name}" if state == "ascending" else name
        headers.append({"name": name, "label": label, "state": state,
                        "url": query_link(filters, ordering="" if target == "type" else target)})
    return headers


def page_links(filters: dict, page) -> list[dict]:
    """Numbered links around the current page (first, last, two either side), with gaps as None."""
    numbers = sorted({1, page.paginator.num_pages, *range(page.number - 2, page.number + 3)})
    links, last = [], 0
    for number in numbers:
        if not 1 <= number <= page.paginator.num_pages:
            continue
        if number > last + 1:
            links.append(None)
        links.append({"number": number, "current": number == page.number,
                      "url": query_link(filters, page=number if number > 1 else "")})
        last = number
    return links


def reconciled_dates() -> list[str]:
    """The report dates the page offers: the dates with a reconciliation run (what `dates.is_reconciled` accepts)."""
    return [day.isoformat() for day in dates.reconciled_dates()]


def apply_bulk_form(request) -> str:
    """The bulk form posted without JavaScript: apply it, or say why not. Returns the success message;
    raises APIError (400 bogus action or ids, 409 an exception the action cannot take) with nothing changed."""
    action = check_action(request.POST.get("action", ""))
    raw_ids = request.POST.getlist("ids")
    bad = [raw for raw in raw_ids if not is_plain_int(raw.strip())]
    if bad:
        raise APIError(f"Not exception ids: {', '.join(repr(b[:20]) for b in bad[:10])}. Nothing was changed.",
                       code="invalid_parameter")
    if not raw_ids:
        raise APIError("Select at least one exception first. Nothing was changed.", code="missing_parameter")
    results = bulk_action(action, ids=[int(raw) for raw in raw_ids],
                          notes=request.POST.get("notes", ""), actor=actor_label(request), user=request.user)
    return f"Updated {len(results)} exception{'' if len(results) == 1 else 's'}."


@inventory_page
def variances(request):
    action_error, action_status = "", 200
    if request.method == "POST":
        if not user_access(request.user).inventory_write:
            return refused(request, "Only staff may resolve exceptions.")
        try:
            messages.success(request, apply_bulk_form(request))
            return redirect(request.get_full_path())
        except APIError as exc:
            action_error, action_status = str(exc.detail), exc.status_code
            if exc.error_code == "conflict":
                action_error += " Some of the selected exceptions cannot take this action; nothing was changed."
    filters = page_filters(request.GET)
    error, rows, counts, total, day, status_code, page = "", [], [], 0, None, 200, None
    try:
        ordering = parse_ordering(filters["ordering"])
        queryset, day = filter_exceptions(ExceptionFilter.parse(api_params(filters)), exception_queryset())
        if day is not None and not dates.is_reconciled(day):
            error, queryset, status_code = (
                f"No variance report for {day.isoformat()}: pick one of the available dates.", None, 404)
    except APIError as exc:
        error, queryset, status_code = str(exc.detail), None, exc.status_code
    if queryset is not None:
        by_type = dict(queryset.order_by().values_list("type").annotate(n=Count("id")))
        counts = [(kind.label, by_type.get(kind.code, 0), kind.code, query_link(filters, type=kind.code))
                  for kind in T.KINDS]
        total = sum(by_type.values())
        paginator = Paginator(order_exceptions(queryset, ordering), settings.ESINV_TRIAGE_PAGE_SIZE)
        paginator.count = total  # already counted by type: no second COUNT
        page = paginator.get_page(request.GET.get("page"))
        rows = [row_for(record, day) for record in page.object_list]
    organizations = Organization.objects.none()
    if day is not None:
        organizations = Organization.objects.filter(
            id__in=reports.present_on(day).values("organization_id")).order_by("name").only("id", "name")
    return render(request, "pages/variances.html", {
        "title": "Variances",
        "nav": "variances",
        "filters": filters,
        "report_date": day,
        "has_reports": dates.latest_report_date() is not None,
        "error": error,
        "rows": rows,
        "page": page,
        "page_links": page_links(filters, page) if page else [],
        "previous_url": query_link(filters, page=page.previous_page_number()) if page and page.has_previous() else "",
        "next_url": query_link(filters, page=page.next_page_number()) if page and page.has_next() else "",
        "sort_headers": sort_headers(filters),
        "total": total,
        "counts": counts,
        "type_choices": [(kind.code, kind.label) for kind in T.KINDS],
        "status_choices": STATUS_CHOICES,
        "date_choices": reconciled_dates(),
        "organizations": organizations,
        "exports": export_links(filters, day),
        "can_act": user_access(request.user).inventory_write,
        "action_error": action_error,
    }, status=action_status if action_error else status_code)
