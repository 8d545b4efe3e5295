"""Server-rendered dashboard: access rules shared by every page, the sign-in page and the Overview (`/`).

Pages read through the apps' own read functions (the same ones the JSON API
answers from) and act through the JSON API with small `fetch` calls
(static/esinv/dashboard.js), so a page never has rules of its own.
"""
from functools import wraps
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from collectors.models import CollectorBatch, CollectorJob
from esinv import charts
from esinv.access import user_access
from esinv.choices import RunStatus
from esinv.status import build_status
from inventory.freshness import Freshness, ReportStatus
from inventory.models import Vendor
from variances import reports
from variances import types as T

SIGN_IN_PATH = "/sign-in/"
RECENT_BATCHES = 5


def requires(grant: str, refusal, *, title: str = "Not allowed"):
    """Page decorator: anonymous visitors go to the sign-in page (and come back afterwards); signed-in
    users need `grant` (an attribute of esinv.access.Access). Accounts granted nothing yet get the
    polite no-access page, others without this grant a refusal (`refusal`: text, or a function of
    nothing giving it); both answer 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(f"{SIGN_IN_PATH}?{urlencode({'next': request.get_full_path()})}")
            access = user_access(request.user)
            if not access.anything:
                return no_access(request)
            if not getattr(access, grant):
                return refused(request, refusal() if callable(refusal) else refusal, title=title)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# The overview, variances, devices and Windows 11 pages show client inventory data.
inventory_page = requires(
    "inventory_read",
    "This page shows client inventory data, which your account may not see. "
    "Ask an administrator if you need it.",
)


def no_access(request):
    """Signed in, but granted nothing yet (a new Microsoft sign-in, an invited account without a group)."""
    return render(request, "pages/no_access.html", {"title": "No access yet"}, status=403)


def safe_next(request) -> str:
    candidate = request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure())
    return candidate if allowed and candidate.startswith("/") else "/"


def microsoft_configured(request) -> bool:
    """Whether the Microsoft sign-in has an app registration (else its endpoint answers 503)."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        return bool(get_adapter().get_provider(request, "microsoft").app.client_id)
    except Exception:  # no SocialApp / provider configured
        return False


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


def refused(request, message: str, *, title: str = "Not allowed"):
    """A clear refusal page (403) instead of a blank or an error."""
    return render(request, "pages/refused.html", {"title": title, "message": message}, status=403)


def kind_label(code: str) -> str:
    kind = T.kind_for(code)
    return kind.label if kind else code


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
                                         colours=[T.VarianceType.colour(code, "#555555") for code in codes]),
        "data_status_badge": ReportStatus.colour(status["data_status"]["status"]),
        "trend_chart": trend_chart(trend),
        "batches": batches,
        "running_batch": running,
        "has_data": any(v["devices"] for v in vendors),
        "can_run": user_access(request.user).inventory_write,
    })
