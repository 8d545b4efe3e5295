"""Server-rendered dashboard: the sign-in page and the Overview (`/`). The access rules every page shares are
`esinv.page_access` (the apps' pages import them from there: this module is the project's top).

Pages read through the apps' own read functions (the same ones the JSON API
answers from) and act through the JSON API with small `fetch` calls
(static/esinv/dashboard.js), so a page never has rules of its own.
"""
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme

from collectors.models import CollectorBatch, CollectorJob
from esinv import charts
from esinv.access import user_access
from esinv.accounts import microsoft_configured
from esinv.choices import RunStatus
from esinv.page_access import SIGN_IN_PATH, inventory_page, no_access, refused, requires  # noqa: F401
from esinv.status import build_status
from inventory.freshness import Freshness, ReportStatus
from inventory.models import Vendor
from variances import reports
from variances import types as T
from variances.devices import kind_label

RECENT_BATCHES = 5


FAVICON = "esinv/favicon.svg"


def favicon(request):
    """`/favicon.ico`, which browsers ask for on every page (the API's and the admin's too): the hub's SVG icon.
    A temporary redirect (its target is a hashed name that changes when the icon does), cached for a day."""
    response = HttpResponseRedirect(static(FAVICON))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def safe_next(request) -> str:
    candidate = request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure())
    return candidate if allowed and candidate.startswith("/") else "/"


def sign_in(request):
    """Two ways in: the Microsoft sign-in and a password account staff created (allauth's form)."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    return render(request, "pages/sign_in.html", {
        "title": "Sign in",
        "microsoft_ready": microsoft_configured(request),
        "microsoft_url": f"/api/auth/microsoft/login?{urlencode({'next': next_url})}",
        "password_url": f"/accounts/login/?{urlencode({'next': next_url})}",
    })




def recent_batches(limit: int = RECENT_BATCHES) -> list[CollectorBatch]:
    # The jobs of every listed batch in one prefetch query, not one per batch.
    jobs = Prefetch("jobs", queryset=CollectorJob.objects.order_by("id"))
    batches = list(CollectorBatch.objects.prefetch_related(jobs)[:limit])
    for batch in batches:
        batch.badge = RunStatus.colour(batch.status)
        for job in batch.jobs.all():
            job.badge = RunStatus.colour(job.status)
            # Refused for a sudden drop in device count: staff may re-run accepting it.
            job.drop_refused = job.status == "failed" and job.error.startswith("SuddenDrop:")
    return batches


def trend_chart(days: list[dict]):
    """30-day exceptions-by-type line chart from `variances.reports.trends` rows (types that ever occur)."""
    if not days:
        return ""
    names = [kind.api_name for kind in T.KINDS if any(day["counts"].get(kind.api_name) for day in days)]
    series = {T.BY_API_NAME[name].label: [day["counts"].get(name, 0) for day in days] for name in names}
    colours = {T.BY_API_NAME[name].label: T.BY_API_NAME[name].colour for name in names}
    if not series:
        series = {"All exceptions": [day["total"] for day in days]}
    return charts.line_chart([day["date"] for day in days], series, label="Exceptions by type, last 30 days",
                             colours=colours)


def triage_link(**params) -> str:
    """A link to the triage list (`/variances/`) with these filters (blank ones left out)."""
    query = urlencode({key: value for key, value in params.items() if value})
    return f"/variances/?{query}" if query else "/variances/"


def changes_rows(status: dict) -> list[dict]:
    """Per type with anything to show: open now, new since the previous report, gone since it, each with the
    link to the triage list that shows exactly those exceptions."""
    latest, previous = status["report_date"], status["previous_report_date"]
    rows = []
    for kind in T.KINDS:
        opened = status["exception_counts"].get(kind.code, 0)
        new = status["new_since_previous"].get(kind.code, 0)
        gone = status["gone_since_previous"].get(kind.code, 0)
        if not (opened or new or gone):
            continue
        rows.append({
            "code": kind.code, "label": kind.label, "colour": kind.colour,
            "open": opened, "open_url": triage_link(type=kind.code, status="open"),
            "new": new, "new_url": triage_link(type=kind.code, new_since=latest, status="all"),
            "gone": gone,
            "gone_url": triage_link(type=kind.code, date=previous, last_seen_before=latest, status="all")
            if previous else "",
        })
    return rows


def home_page(access) -> str | None:
    """Where an account that may not read client inventory lands instead of the overview (a page it may read,
    not a 403): the QBR page for QBR readers, else the billing page for billing readers; None: the overview
    (or its refusal, for an account granted nothing)."""
    if access.inventory_read:
        return None
    if access.qbr_read:
        return "qbr-page"
    if access.billing_read:
        return "billing-page"
    return None


def _partial_readers_home(view):
    """The overview sends accounts without inventory access to their own home page (`home_page`)."""
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            target = home_page(user_access(request.user))
            if target:
                return redirect(target)
        return view(request, *args, **kwargs)

    return wrapper


@_partial_readers_home
@inventory_page
def overview(request):
    status = build_status()
    names = dict(Vendor.objects.values_list("api_label", "name"))
    vendors = [
        {"label": label, "name": names.get(label, label), **info,
         "badge": Freshness.colour(info["freshness_status"]),
         "devices": status["device_counts"].get(label, 0)}
        for label, info in status["vendor_status"].items()
    ]
    codes = list(status["exception_counts"])
    counts = [(kind_label(code), status["exception_counts"][code]) for code in codes]
    latest, previous = status["report_date"], status["previous_report_date"]
    batches = recent_batches()
    running = next((b for b in batches if b.active_slot), None)
    trend = reports.trends(None, None)["trends"]
    return render(request, "pages/overview.html", {
        "title": "Overview",
        "nav": "overview",
        "status": status,
        "vendors": vendors,
        "exception_counts": counts,
        "counts_chart": charts.bar_chart(counts, label="Open exceptions by type", table_id="exception-counts",
                                         colours=[T.VarianceType.colour(code, "#555555") for code in codes],
                                         links=[triage_link(type=code, status="open") for code in codes]),
        "changes": changes_rows(status),
        "new_total": sum(status["new_since_previous"].values()),
        "gone_total": sum(status["gone_since_previous"].values()),
        "new_url": triage_link(new_since=latest, status="all") if latest else "",
        "gone_url": triage_link(date=previous, last_seen_before=latest, status="all") if previous else "",
        "data_status_badge": ReportStatus.colour(status["data_status"]["status"]),
        "trend_chart": trend_chart(trend),
        "batches": batches,
        "running_batch": running,
        "has_data": any(v["devices"] for v in vendors),
        "can_run": user_access(request.user).inventory_write,
    })
