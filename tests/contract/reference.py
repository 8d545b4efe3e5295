"""The dashboard contract, transcribed: every endpoint and example of the API integration guide.

The dashboard the hub serves was written against an API integration guide (v1.24.0, "API Integration
Guide for Dashboard AI"). This module is that guide turned into data, in the repository, so the
contract never depends on a file outside it: each `Case` is one endpoint or one example of the
guide, with the request as the guide shows it (method, path, query, body) and the response shape it
documents (field names and JSON types; nested objects and list items too; extra fields allowed).
`tests/contract/test_contract.py` runs every case against the app; docs/api-contract.md explains
the suite and lists every deliberate difference.

Shapes: `str`, `int`, `bool`, `NUMBER` (int or float), `DATE`, `DATETIME`, `{field: shape}` (an
object with at least those fields), `[shape]` (a list whose every item has that shape), `MapOf(shape)`
(an object keyed by names the data decides, e.g. organizations), `OneOf(...)` (a string from a
vocabulary), `Nullable(shape)` (the app answers null where the guide shows a value: a deliberate
difference, listed in docs/api-contract.md), `ANY` (the guide shows `null`: any value), `FILE(...)`
(a downloadable file, not JSON).

Cases the app does not satisfy yet are marked `pending="issue 13 <item>"`; the suite runs them as
strict xfails, so the day the feature lands they fail until the mark is removed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- shape vocabulary ------------------------------------------------------------------------


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return self.name


NUMBER = _Marker("NUMBER")  # a JSON number: int or float, never a bool
DATE = _Marker("DATE")  # "YYYY-MM-DD"
DATETIME = _Marker("DATETIME")  # ISO 8601 date and time ("...Z" or an offset)
ANY = _Marker("ANY")  # the guide shows null: the value's type is not part of the contract


@dataclass(frozen=True)
class MapOf:
    """An object whose keys the data decides (organization names, vendor names, type codes)."""

    value: Any


@dataclass(frozen=True)
class OneOf:
    """A string from a fixed vocabulary."""

    values: tuple

    def __init__(self, *values):
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Nullable:
    """The shape, or null: where the app has no value and says so (a deliberate difference)."""

    shape: Any


@dataclass(frozen=True)
class FILE:
    """A file download: the response's content type and the first bytes of a well-formed file."""

    content_type: str
    magic: bytes = b""


@dataclass(frozen=True)
class Case:
    """One endpoint or example of the guide.

    `doc` is the case's docstring: the section of the guide it transcribes (and anything the guide
    implies rather than shows). `client` is who calls: "dashboard" (a signed-in person with every
    grant the guide's dashboard needs) or "anonymous". `prepare` names a step in test_contract.py
    that makes what the request needs (an exception id, a batch id, a Microsoft sign-in) and returns
    values for `{name}` placeholders in the path and `Ref(name)` values in the body. `check` is a
    further assertion on the JSON body (behaviour the guide states in words). `settings` overrides
    Django settings for the call. `then` is a request made afterwards with its own expected shape.
    """

    id: str
    doc: str
    method: str
    path: str
    params: dict | None = None
    body: Any = None
    headers: dict = field(default_factory=dict)
    status: int | tuple = 200
    response: Any = None
    client: str = "dashboard"
    prepare: str | None = None
    check: Any = None
    settings: dict = field(default_factory=dict)
    then: tuple | None = None  # (method, path, status, response shape)
    redirect: str | None = None  # a 3xx's Location starts with this
    pending: str | None = None


@dataclass(frozen=True)
class Ref:
    """A body value filled in by the case's `prepare` step."""

    name: str


# --- shared shapes -----------------------------------------------------------------------------

DATA_STATUS = {"status": OneOf("current", "stale_data", "out_of_sync"), "message": str, "latest_date": DATE}
FRESHNESS = OneOf("current", "yesterday", "stale", "very_stale", "no_data")
VENDOR_STATUS = {"latest_date": DATE, "freshness_status": FRESHNESS, "freshness_message": str, "days_old": int}
BATCH_STATUS = OneOf("queued", "running", "completed", "failed", "cancelled")
ERROR = {"error": ANY}

# "Hostname Usage Guidelines": every device row of a variance report carries each vendor's hostname.
# The guide's example is a ThreatLocker-only device, whose NinjaOne side the app answers as null.
REPORT_DEVICE = {
    "hostname": str,
    "ninja_hostname": Nullable(str),
    "threatlocker_hostname": Nullable(str),
    "ninja_display_name": Nullable(str),
    "threatlocker_display_name": Nullable(str),
    "vendor": str,
    "display_name": str,
    "organization": str,
    "billing_status": Nullable(str),
    "action": str,
}
REPORT_SECTION = {"total_count": int, "by_organization": MapOf([REPORT_DEVICE])}
VARIANCE_REPORT = {
    "report_date": DATE,
    "data_status": DATA_STATUS,
    "summary": {"total_exceptions": int, "unresolved_count": int, "resolved_count": int},
    "missing_in_ninja": REPORT_SECTION,
    # The guide's VARIANCE_TYPES name these sections too.
    "threatlocker_duplicates": REPORT_SECTION,
    "ninja_duplicates": REPORT_SECTION,
    "display_name_mismatches": REPORT_SECTION,
}

WIN11_DEVICE = {
    "hostname": str,
    "organization": str,
    "cpu_model": str,
    "last_contact": DATETIME,
    "last_update": DATETIME,
    "assessment_date": DATETIME,
    "system_manufacturer": str,
    "system_model": str,
}
WIN11_INCOMPATIBLE = {
    "results": [{**WIN11_DEVICE, "deficiencies": [{"requirement": str, "remediation": str}]}],
    "by_organization": [{"organization": str}],
}
WIN11_COMPATIBLE = {"results": [{**WIN11_DEVICE, "passed_requirements": [str]}]}

QBR_METRIC = {
    "metric_name": str, "metric_value": NUMBER, "vendor_id": Nullable(int), "data_source": str,
    "notes": ANY, "updated_at": DATETIME,
}
SMART_NUMBERS = {
    "success": bool,
    "data": {
        "period": str,
        "organization_id": int,
        "smart_numbers": {
            "tickets_per_endpoint": NUMBER, "revenue_per_endpoint": NUMBER,
            "csat_score": NUMBER, "first_call_resolution": NUMBER,
        },
        "thresholds": {
            "tickets_per_endpoint": {"green_max": NUMBER, "yellow_max": NUMBER,
                                     "status": OneOf("green", "yellow", "red")},
            "revenue_per_endpoint": {"green_min": NUMBER, "yellow_min": NUMBER,
                                     "status": OneOf("green", "yellow", "red")},
        },
    },
}
COLLECTOR_RUN = {
    "batch_id": str,
    "status": BATCH_STATUS,
    "progress_percent": int,
    "collectors": [{"job_id": str, "status": BATCH_STATUS, "progress_percent": int, "message": str}],
}

# The guide's `VARIANCE_TYPES` for the CSV export.
VARIANCE_TYPES = ("all", "missing_in_ninja", "threatlocker_duplicates", "ninja_duplicates", "display_name_mismatches")

CSV = FILE("text/csv")
PDF = FILE("application/pdf", b"%PDF")
XLSX = FILE("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK")


# --- checks on values the guide states in words --------------------------------------------------


def hostname_example(body, values):
    """'Hostname Usage Guidelines': the guide's NOCHI device, each vendor's hostname ready for its API."""
    rows = [row for section in body.values() if isinstance(section, dict) and "by_organization" in section
            for org_rows in section["by_organization"].values() for row in org_rows
            if row["hostname"] == "nochi-002062482"]
    assert rows, "the guide's example device is in the report"
    for row in rows:
        assert row["ninja_hostname"] == "NOCHI-002062482"
        assert row["threatlocker_hostname"] == "NOCHI-002062482753"  # cleaned: no domain, no pipe, case kept
        assert row["ninja_display_name"] == "NOCHI-002062482753 | SPARE - was Maintenance (at ES)"
        assert row["threatlocker_display_name"] == "NOCHI-002062482753 | Maintenance"


def only_unresolved(body, values):
    """The filtered report is 'unresolved only': the exception resolved before the call is not in it."""
    ids = [row.get("id") for section in body.values() if isinstance(section, dict) and "by_organization" in section
           for rows in section["by_organization"].values() for row in rows]
    assert ids and values["resolved_id"] not in ids


def available_dates(body, values):
    assert body["available_dates"], "the seeded days are listed"


def authenticated(body, values):
    assert body["authenticated"] is True


def not_authenticated(body, values):
    assert body["authenticated"] is False


def limit_one_unresolved_missing_ninja(body, values):
    """`type`, `resolved=false`, `limit=1`: one open MISSING_NINJA exception (the seed has two)."""
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 1, f"limit=1 answered {len(rows)} rows"
    assert rows[0]["type"] == "MISSING_NINJA" and rows[0]["status"] != "resolved"


def offset_skips(body, values):
    """`limit=1&offset=1`: the second of the two open MISSING_NINJA exceptions."""
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 1 and rows[0]["type"] == "MISSING_NINJA", f"limit=1 answered {len(rows)} rows"


def resolved_only(body, values):
    rows = body["results"] if isinstance(body, dict) else body
    assert rows and all(row["status"] == "resolved" for row in rows), [row["status"] for row in rows]


def whole_msp_page(body, values):
    assert body["page_size"] == 10000


def default_thresholds(body, values):
    """The guide's values ship as defaults."""
    thresholds = body["data"]["thresholds"]
    tickets, revenue = thresholds["tickets_per_endpoint"], thresholds["revenue_per_endpoint"]
    assert (tickets["green_max"], tickets["yellow_max"]) == (1, 1.5)
    assert (revenue["green_min"], revenue["yellow_min"]) == (100, 80)


def success(body, values):
    assert body["success"] is True


# --- the guide, section by section ---------------------------------------------------------------

S_SYSTEM = "COMPLETE API ENDPOINTS REFERENCE > System Status & Health"
S_VARIANCE = "COMPLETE API ENDPOINTS REFERENCE > Variance Reports & Analysis"
S_EXPORT = "COMPLETE API ENDPOINTS REFERENCE > Export Functionality; DASHBOARD FUNCTIONALITY > 3. Export Report"
S_COLLECT = "COMPLETE API ENDPOINTS REFERENCE > Collector Management; DASHBOARD FUNCTIONALITY > 1. Run Collectors"
S_EXCEPTIONS = "COMPLETE API ENDPOINTS REFERENCE > Exception Management"
S_SEARCH = "COMPLETE API ENDPOINTS REFERENCE > Device Search; Hostname Usage Guidelines"
S_WIN11 = "COMPLETE API ENDPOINTS REFERENCE > Windows 11 24H2 Assessment; DASHBOARD FUNCTIONALITY > 4. Windows 11"
S_QBR = "COMPLETE API ENDPOINTS REFERENCE > QBR Metrics; DASHBOARD FUNCTIONALITY > 5. QBR Dashboard"
S_EXAMPLES = "RESPONSE EXAMPLES"
S_TESTING = "TESTING COMMANDS"
S_NOTES = "CRITICAL NOTES FOR DASHBOARD AI"

CASES: list[Case] = [
    # System status & health
    Case("health", f"{S_SYSTEM}: GET /api/health; {S_TESTING} > Basic Endpoints.", "get", "/api/health",
         response={"status": str}),
    Case("status", f"{S_EXAMPLES} > System Status Response (ENHANCED), with its 'New Fields' list.", "get",
         "/api/status", response={
             "data_status": DATA_STATUS,
             "device_counts": {"Ninja": int, "ThreatLocker": int},
             "vendor_status": {"Ninja": VENDOR_STATUS, "ThreatLocker": VENDOR_STATUS},
             "collector_health": {
                 "has_recent_failures": bool,
                 "recent_failures": [{"collector": str, "job_name": str, "status": str, "message": str,
                                      "error": ANY, "started_at": DATETIME, "ended_at": DATETIME}],
                 "total_failures_last_24h": int,
             },
             "warnings": [str],
             "has_warnings": bool,
             "exception_counts": MapOf(int),
             "total_exceptions": int,
         }),
    Case("status-anonymous", "Quick Start > Authentication: 'Variance/Status Endpoints: No authentication "
         "required' (the app: only with ESINV_ANONYMOUS_READ=true, see docs/api-contract.md).", "get", "/api/status",
         client="anonymous", settings={"ESINV_ANONYMOUS_READ": True}, response={"data_status": DATA_STATUS}),
    Case("variance-report-anonymous", "Quick Start > Authentication, as status-anonymous.", "get",
         "/api/variance-report/latest", client="anonymous", settings={"ESINV_ANONYMOUS_READ": True},
         response=VARIANCE_REPORT),
    Case("collectors-status", f"{S_SYSTEM}: GET /api/collectors/status (collector service status).", "get",
         "/api/collectors/status", response={}),
    Case("collectors-history", f"{S_SYSTEM}: GET /api/collectors/history (last 10 runs).", "get",
         "/api/collectors/history", response={}),
    Case("collectors-progress", f"{S_SYSTEM}: GET /api/collectors/progress, 'includes process_running status'.",
         "get", "/api/collectors/progress", response={"process_running": bool}),
    Case("collectors-cleanup-stale", f"{S_SYSTEM}: POST /api/collectors/cleanup-stale; {S_NOTES} > Stale Job "
         "Detection and Cleanup.", "post", "/api/collectors/cleanup-stale", response={}),

    # Variance reports & analysis
    Case("variance-report-latest", f"{S_VARIANCE}: GET /api/variance-report/latest; {S_EXAMPLES} > Variance "
         "Report Response; Hostname Usage Guidelines (example from Variance Report).", "get",
         "/api/variance-report/latest", response={**VARIANCE_REPORT, "spare_mismatches": REPORT_SECTION},
         check=hostname_example),
    Case("variance-report-date", f"{S_VARIANCE}: GET /api/variance-report/{{date}}.", "get",
         "/api/variance-report/2025-10-01", response=VARIANCE_REPORT),
    Case("variance-report-filtered", f"{S_VARIANCE}: GET /api/variance-report/filtered (unresolved only).", "get",
         "/api/variance-report/filtered", prepare="one_resolved", response=VARIANCE_REPORT,
         check=only_unresolved),
    Case("variances-available-dates", f"{S_VARIANCE}: GET /api/variances/available-dates; DASHBOARD FUNCTIONALITY "
         "> 2. Historical View (dates, range earliest-latest, data quality per date).", "get",
         "/api/variances/available-dates",
         response={"available_dates": [DATE], "date_range": {"earliest": DATE, "latest": DATE},
                   "data_quality": MapOf({})}, check=available_dates),
    Case("variances-historical", f"{S_VARIANCE}: GET /api/variances/historical/{{date}} ('same structure as latest "
         f"report'); {S_TESTING} > Enhanced Endpoints (2025-10-01).", "get", "/api/variances/historical/2025-10-01",
         response=VARIANCE_REPORT),
    Case("variances-trends", f"{S_VARIANCE}: GET /api/variances/trends.", "get", "/api/variances/trends",
         response={}),

    # Exports: the guide's dashboard reads every export with response.blob()
    *[Case(f"export-csv-{kind}", f"{S_EXPORT}: exportCSVByType(varianceType='{kind}', date='latest', "
           f"includeResolved=false); {S_TESTING} > Enhanced Endpoints (export with filtering).", "get",
           "/api/variances/export/csv", params={"date": "latest", "include_resolved": "false", "variance_type": kind},
           response=CSV) for kind in VARIANCE_TYPES],
    Case("export-pdf", f"{S_EXPORT}: GET /api/variances/export/pdf.", "get", "/api/variances/export/pdf",
         params={"variance_type": "missing_in_ninja"}, response=PDF),
    Case("export-excel", f"{S_EXPORT}: GET /api/variances/export/excel.", "get", "/api/variances/export/excel",
         params={"variance_type": "missing_in_ninja"}, response=XLSX),
    Case("export-pdf-large", f"{S_EXPORT}: a dashboard calling response.blob() always gets a file, however large "
         "the report (a job only on request: Prefer: respond-async or ?async=true).", "get",
         "/api/variances/export/pdf", response=PDF, settings={"VARIANCES_EXPORT_ASYNC_ROWS": 0}),
    Case("export-excel-large", f"{S_EXPORT}: as export-pdf-large, for Excel.", "get", "/api/variances/export/excel",
         response=XLSX, settings={"VARIANCES_EXPORT_ASYNC_ROWS": 0}),

    Case("export-excel-async", f"{S_EXPORT}: a background job on request (Prefer: respond-async, RFC 7240) for a "
         "large report: 202 with the job's id and where to poll.", "get", "/api/variances/export/excel",
         headers={"Prefer": "respond-async"}, status=202, response={"job_id": int, "status_url": str},
         settings={"VARIANCES_EXPORT_ASYNC_ROWS": 0}),
    Case("export-pdf-async-param", f"{S_EXPORT}: as export-excel-async, asked with ?async=true.", "get",
         "/api/variances/export/pdf", params={"async": "true"}, status=202,
         response={"job_id": int, "status_url": str}, settings={"VARIANCES_EXPORT_ASYNC_ROWS": 0}),

    # Collector management
    Case("collectors-run", f"{S_COLLECT}: POST /api/collectors/run with "
         "{collectors: ['ninja', 'threatlocker'], run_cross_vendor: true}; the usage example reads batch_id.",
         "post", "/api/collectors/run", body={"collectors": ["ninja", "threatlocker"], "run_cross_vendor": True},
         status=(200, 202), response=COLLECTOR_RUN),
    Case("collectors-run-legacy-body", f"{S_TESTING} > Collector Management: -d "
         "'{\"collector\": \"both\", \"run_cross_vendor\": true}'.", "post", "/api/collectors/run",
         body={"collector": "both", "run_cross_vendor": True}, status=(200, 202), response=COLLECTOR_RUN),
    Case("collectors-batch", f"{S_COLLECT}: pollStatus(batchId) GETs /api/collectors/runs/batch/{{batch_id}} and "
         "reads status, progress_percent, collectors[].job_id/progress_percent/message.", "get",
         "/api/collectors/runs/batch/{batch_id}", prepare="collector_batch", response=COLLECTOR_RUN),

    # Exception management
    Case("exceptions", f"{S_EXCEPTIONS}: GET /api/exceptions (with filtering).", "get", "/api/exceptions",
         response={"results": [{"id": int, "type": str, "hostname": str, "status": str}]}),
    Case("exceptions-type-filter", f"{S_EXCEPTIONS}: GET /api/exceptions?type=.", "get", "/api/exceptions",
         params={"type": "MISSING_NINJA"}, response={"results": [{"type": OneOf("MISSING_NINJA")}]}),
    Case("exceptions-older-params", f"{S_EXCEPTIONS}: the older parameters type, resolved=false, limit, offset.",
         "get", "/api/exceptions", params={"type": "MISSING_NINJA", "resolved": "false", "limit": "1", "offset": "0"},
         check=limit_one_unresolved_missing_ninja),
    Case("exceptions-offset", f"{S_EXCEPTIONS}: the older parameters limit and offset page through the list.",
         "get", "/api/exceptions", params={"type": "MISSING_NINJA", "limit": "1", "offset": "1"},
         check=offset_skips),
    Case("exceptions-resolved-true", f"{S_EXCEPTIONS}: the older parameter resolved=true (resolved exceptions).",
         "get", "/api/exceptions", params={"resolved": "true"}, prepare="one_resolved", check=resolved_only),
    Case("exceptions-status-summary", f"{S_EXCEPTIONS}: GET /api/exceptions/status-summary.", "get",
         "/api/exceptions/status-summary", response={}),
    Case("exception-resolve", f"{S_EXCEPTIONS}: POST /api/exceptions/{{id}}/resolve.", "post",
         "/api/exceptions/{id}/resolve", prepare="open_exception", body={"notes": "Agent installed"}, response={}),
    Case("exception-mark-manually-fixed", f"{S_EXCEPTIONS}: POST /api/exceptions/{{id}}/mark-manually-fixed.",
         "post", "/api/exceptions/{id}/mark-manually-fixed", prepare="open_exception",
         body={"notes": "Fixed by hand"}, response={}),
    Case("exceptions-bulk-update", f"{S_EXCEPTIONS}: POST /api/exceptions/bulk-update.", "post",
         "/api/exceptions/bulk-update", prepare="open_exception",
         body={"action": "resolve", "ids": [Ref("id")], "notes": "Bulk"}, response={}),

    # Device search
    Case("devices-search", f"{S_SEARCH}: GET /api/devices/search?q={{hostname}}; each result with the hostname "
         "for each vendor's API.", "get", "/api/devices/search", params={"q": "NOCHI-002062482"},
         response={"results": [{"hostname": str, "ninja_hostname": str, "threatlocker_hostname": str}]}),

    # Windows 11 24H2
    Case("windows11-status", f"{S_WIN11}: GET /api/windows-11-24h2/status; {S_EXAMPLES} > Windows 11 24H2 Status "
         "Response.", "get", "/api/windows-11-24h2/status", response={
             "total_windows_devices": int, "compatible_devices": int, "incompatible_devices": int,
             "not_assessed_devices": int, "compatibility_rate": NUMBER, "last_assessment": DATETIME}),
    Case("windows11-incompatible", f"{S_WIN11}: GET /api/windows-11-24h2/incompatible (deficiencies with "
         "remediation, grouped by organization; Date Field Distinctions).", "get", "/api/windows-11-24h2/incompatible",
         response=WIN11_INCOMPATIBLE),
    Case("windows11-compatible", f"{S_WIN11}: GET /api/windows-11-24h2/compatible (passed requirements).", "get",
         "/api/windows-11-24h2/compatible", response=WIN11_COMPATIBLE),
    Case("windows11-run", f"{S_WIN11}: POST /api/windows-11-24h2/run (synchronous; status, message, output, "
         f"timestamp); {S_EXAMPLES} > Manual Trigger Response.", "post", "/api/windows-11-24h2/run",
         response={"status": str, "message": str, "output": str, "timestamp": DATETIME}),
    Case("windows11-incompatible-whole-msp", f"{S_WIN11}: a list holds a whole MSP in one page (page_size up to "
         "10,000).", "get", "/api/windows-11-24h2/incompatible", params={"page_size": "10000"},
         response=WIN11_INCOMPATIBLE, check=whole_msp_page),
    Case("windows11-compatible-whole-msp", f"{S_WIN11}: as windows11-incompatible-whole-msp.", "get",
         "/api/windows-11-24h2/compatible", params={"page_size": "10000"}, response=WIN11_COMPATIBLE,
         check=whole_msp_page),

    # QBR: authentication
    Case("auth-status", f"{S_QBR}: checkAuth() reads data.authenticated; {S_EXAMPLES} > QBR Authentication Status "
         "Response.", "get", "/api/auth/status",
         response={"authenticated": bool, "user": {"email": str, "name": str}}, check=authenticated),
    Case("auth-status-anonymous", f"{S_QBR}: checkAuth() before signing in ('no auth required').", "get",
         "/api/auth/status", client="anonymous", response={"authenticated": bool}, check=not_authenticated),
    Case("auth-microsoft-login", f"{S_QBR}: GET /api/auth/microsoft/login 'redirects to Microsoft'.", "get",
         "/api/auth/microsoft/login", client="anonymous", prepare="microsoft", status=302,
         redirect="https://login.microsoftonline.com/"),
    Case("auth-microsoft-callback", f"{S_QBR}: GET /api/auth/microsoft/callback completes the sign-in Microsoft "
         "redirects back to (the Entra app's redirect URI); afterwards /api/auth/status is authenticated.", "get",
         "/api/auth/microsoft/callback?{query}", client="anonymous", prepare="microsoft_authorized",
         status=302, then=("get", "/api/auth/status", 200, {"authenticated": OneOf(True)})),
    Case("auth-logout", f"{S_QBR}: POST /api/auth/logout (logout and clear session).", "post", "/api/auth/logout",
         then=("get", "/api/auth/status", 200, {"authenticated": OneOf(False)})),
    Case("qbr-anonymous-401", f"{S_QBR}: getDevicesByClient(): 'if (response.status === 401)' redirect to login.",
         "get", "/api/qbr/metrics/devices-by-client", params={"period": "2025-11"}, client="anonymous", status=401,
         response=ERROR),

    # QBR: metrics
    Case("qbr-monthly", f"{S_QBR}: GET /api/qbr/metrics/monthly?period=2025-11&organization_id=1; {S_EXAMPLES} > "
         "QBR Monthly Metrics Response.", "get", "/api/qbr/metrics/monthly",
         params={"period": "2025-11", "organization_id": "1"},
         response={"success": bool, "data": {"period": str, "organization_id": int, "metrics": [QBR_METRIC]}}),
    Case("qbr-monthly-filters", f"{S_QBR}: monthly with the optional vendor_id and metric_name filters.", "get",
         "/api/qbr/metrics/monthly", params={"period": "2025-11", "organization_id": "1", "vendor_id": "1",
                                             "metric_name": "seats_managed"},
         response={"success": bool, "data": {"metrics": [{**QBR_METRIC, "metric_name": OneOf("seats_managed")}]}}),
    Case("qbr-quarterly", f"{S_QBR}: GET /api/qbr/metrics/quarterly?period=2025-Q4&organization_id=1.", "get",
         "/api/qbr/metrics/quarterly", params={"period": "2025-Q4", "organization_id": "1"},
         response={"success": bool, "data": {"period": str, "organization_id": int,
                                             "metrics": [{"metric_name": str, "metric_value": NUMBER}]}}),
    Case("qbr-devices-by-client", f"{S_QBR}: GET /api/qbr/metrics/devices-by-client?period=2025-11; {S_EXAMPLES} > "
         "QBR Devices by Client Response.", "get", "/api/qbr/metrics/devices-by-client", params={"period": "2025-11"},
         response={"success": bool, "data": {
             "period": str, "organization_id": int, "snapshot_date": DATE,
             "clients": [{"client_name": str, "seats": int, "endpoints": int}],
             "total_seats": int, "total_endpoints": int}}),
    Case("qbr-smartnumbers", f"{S_QBR}: GET /api/qbr/smartnumbers?period=2025-Q4&organization_id=1; {S_EXAMPLES} > "
         "QBR SmartNumbers Response (the four KPIs, thresholds in green_max/yellow_max or green_min/yellow_min form "
         "with status, the guide's values as defaults).", "get", "/api/qbr/smartnumbers",
         params={"period": "2025-Q4", "organization_id": "1"}, response=SMART_NUMBERS, check=default_thresholds),
    Case("qbr-thresholds", f"{S_QBR}: GET /api/qbr/thresholds?organization_id=1.", "get", "/api/qbr/thresholds",
         params={"organization_id": "1"}, response={"success": bool, "data": {}}),
    Case("qbr-thresholds-post", f"{S_QBR}: POST /api/qbr/thresholds (today's form: direction, green, yellow).",
         "post", "/api/qbr/thresholds", body={"metric_name": "tickets_per_endpoint_per_month", "direction": "lower",
                                              "green": 1.0, "yellow": 1.5},
         response={"success": bool}, check=success),
    Case("qbr-thresholds-post-max", f"{S_QBR}: POST /api/qbr/thresholds in the form GET returns "
         "(green_max/yellow_max: lower is better).", "post", "/api/qbr/thresholds",
         body={"metric_name": "tickets_per_endpoint", "green_max": 1.0, "yellow_max": 1.5},
         response={"success": bool}, check=success),
    Case("qbr-thresholds-post-min", f"{S_QBR}: POST /api/qbr/thresholds in the form GET returns "
         "(green_min/yellow_min: higher is better).", "post", "/api/qbr/thresholds",
         body={"metric_name": "revenue_per_endpoint", "green_min": 100, "yellow_min": 80},
         response={"success": bool}, check=success),
    Case("qbr-manual", f"{S_QBR}: POST /api/qbr/metrics/manual (manually enter or update metrics).", "post",
         "/api/qbr/metrics/manual", body={"period": "2025-11", "metric_name": "seats_managed", "metric_value": 525},
         response={"success": bool}, check=success),

    # Error handling
    Case("error-json", f"{S_NOTES} > Error Handling: JSON, a 4xx status, an `error` field.", "get",
         "/api/variances/historical/2025-13-40", status=400, response=ERROR),
]
