"""The triage list: one ordering/filter definition for GET /api/exceptions and /variances/, new and gone since the
previous report date (report endpoints, /api/status, overview), and the page's one table with paging and sorting."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Organization
from variances import types as T
from variances.filtersets import ORDERINGS, ExceptionFilter, filter_exceptions, order_exceptions, parse_ordering
from variances.models import ExceptionRecord, ExceptionStatus, ReconciliationRun, VarianceStatus
from variances.reports import changes_since_previous, variance_report

from ..pages.conftest import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
P, D = TODAY - timedelta(days=1), TODAY  # the previous and the latest report dates
URL = "/api/exceptions"


def run(day):
    now = timezone.now()
    ReconciliationRun.objects.create(report_date=day, started_at=now, finished_at=now, duration_seconds=0.1)


def record(type_, key, found, seen, *, org=None, hostname=None, status=ExceptionStatus.OPEN, details=None):
    return ExceptionRecord.objects.create(
        type=type_, canonical_key=key, hostname=hostname or key.upper(), organization=org, date_found=found,
        last_seen=seen, status=status,
        variance_status=VarianceStatus.ACTIVE if status == ExceptionStatus.OPEN else VarianceStatus.RESOLVED,
        details=details or {"ninja_hostname": (hostname or key.upper())})


@pytest.fixture
def staff(db, django_user_model):
    return signed_in_client(django_user_model, "tech", staff=True)


@pytest.fixture
def days(db):
    """Two reconciled dates; on D: `new` (first found on D), `kept` (since P), `old` (since 5 days);
    gone since P: `gone`; gone long before: `ancient` (not counted)."""
    run(P - timedelta(days=5))
    run(P)
    run(D)
    acme, zeta = Organization.objects.create(name="Acme"), Organization.objects.create(name="Zeta")
    return {
        "new": record(T.MISSING_NINJA, "new-pc", D, D, org=zeta, hostname="Alpha-PC"),
        "kept": record(T.MISSING_NINJA, "kept-pc", P, D, org=acme, hostname="Charlie-PC"),
        "old": record(T.SPARE_MISMATCH, "old-pc", P - timedelta(days=5), D, org=acme, hostname="Bravo-PC"),
        "gone": record(T.MISSING_THREATLOCKER, "gone-pc", P - timedelta(days=2), P, org=zeta,
                       status=ExceptionStatus.RESOLVED),
        "ancient": record(T.MISSING_THREATLOCKER, "ancient-pc", P - timedelta(days=9), P - timedelta(days=5),
                          status=ExceptionStatus.RESOLVED),
    }


def ids(days, *names):
    return [days[name].id for name in names]


def listed(queryset):
    return list(queryset.values_list("id", flat=True))


# --- plain functions ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ordering, expected", [
    (None, ["kept", "new", "old"]),  # the default: type (MISSING_NINJA < SPARE_MISMATCH), then the key
    ("type", ["kept", "new", "old"]),
    ("-type", ["old", "new", "kept"]),
    ("organization", ["kept", "old", "new"]),
    ("-organization", ["new", "old", "kept"]),
    ("hostname", ["new", "old", "kept"]),
    ("-hostname", ["kept", "old", "new"]),
    ("date_found", ["old", "kept", "new"]),
    ("-date_found", ["new", "kept", "old"]),
    ("days_open", ["new", "kept", "old"]),
    ("-days_open", ["old", "kept", "new"]),
])
def test_each_ordering_sorts_the_rows_of_the_day(days, ordering, expected):
    queryset, day = filter_exceptions(ExceptionFilter(), ExceptionRecord.objects.all())
    assert day == D
    assert listed(order_exceptions(queryset, parse_ordering(ordering))) == ids(days, *expected)


@pytest.mark.parametrize("raw", ["nope", "--type", "type,hostname", "id", "-", "details"])
def test_unknown_orderings_are_refused_naming_the_field(raw):
    from esinv.errors import BadRequest

    with pytest.raises(BadRequest) as caught:
        parse_ordering(raw)
    assert caught.value.details["field"] == "ordering" and "type" in caught.value.details["allowed"]


def test_every_ordering_ends_with_a_unique_tie_breaker():
    for columns in ORDERINGS.values():
        assert columns[-2:] == ("canonical_key", "-id")


def test_new_since_and_last_seen_before_filter_by_first_and_last_seen(days):
    queryset, _ = filter_exceptions(ExceptionFilter.parse({"new_since": P.isoformat()}), ExceptionRecord.objects)
    assert sorted(listed(queryset)) == sorted(ids(days, "new", "kept"))
    queryset, _ = filter_exceptions(ExceptionFilter.parse({"new_since": D.isoformat()}), ExceptionRecord.objects)
    assert listed(queryset) == ids(days, "new")
    gone, _ = filter_exceptions(ExceptionFilter.parse({"date": P.isoformat(), "last_seen_before": D.isoformat()}),
                                ExceptionRecord.objects)
    assert listed(gone) == ids(days, "gone")


def test_new_and_gone_since_the_previous_report_per_type(days):
    changes = changes_since_previous(D)
    assert changes["previous_report_date"] == P
    assert changes["new_since_previous"] == {**dict.fromkeys(T.BY_CODE, 0), T.MISSING_NINJA: 1}
    assert changes["gone_since_previous"] == {**dict.fromkeys(T.BY_CODE, 0), T.MISSING_THREATLOCKER: 1}
    # On P, compared with the run five days earlier: kept is not there yet (found on P), gone was found after it.
    earlier = changes_since_previous(P)
    assert earlier["previous_report_date"] == P - timedelta(days=5)
    assert earlier["new_since_previous"][T.MISSING_NINJA] == 1  # kept, first found on P
    assert earlier["gone_since_previous"][T.MISSING_THREATLOCKER] == 1  # ancient, last seen that day


def test_the_first_report_has_everything_new_and_nothing_gone(db):
    run(D)
    record(T.DUPLICATE_TL, "dup-pc", D, D)
    changes = changes_since_previous(D)
    assert changes["previous_report_date"] is None
    assert changes["new_since_previous"][T.DUPLICATE_TL] == 1 and sum(changes["gone_since_previous"].values()) == 0
    assert changes_since_previous(None)["previous_report_date"] is None


# --- API ---------------------------------------------------------------------------------------------------------

def keys_of(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_api_orders_and_filters_new_since(reader, days):
    assert keys_of(reader.get(URL, {"ordering": "-days_open"})) == ids(days, "old", "kept", "new")
    assert keys_of(reader.get(URL, {"ordering": "hostname"})) == ids(days, "new", "old", "kept")
    assert keys_of(reader.get(URL, {"ordering": "organization", "new_since": P.isoformat()})) == ids(
        days, "kept", "new")
    assert keys_of(reader.get(URL)) == ids(days, "kept", "new", "old")  # the default order is unchanged
    body = reader.get(URL, {"date": P.isoformat(), "last_seen_before": D.isoformat(), "status": "resolved"}).json()
    assert [row["id"] for row in body["results"]] == ids(days, "gone") and body["count"] == 1


@pytest.mark.parametrize("params, field", [
    ({"ordering": "nope"}, "ordering"),
    ({"ordering": "-"}, "ordering"),
    ({"ordering": "type;drop"}, "ordering"),
    ({"new_since": "2026-13-01"}, "new_since"),
    ({"new_since": "yesterday"}, "new_since"),
    ({"last_seen_before": "1/2/2026"}, "last_seen_before"),
])
def test_api_refuses_bad_ordering_and_dates_naming_the_field(reader, days, params, field):
    response = reader.get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False and body["error"]["details"]["field"] == field


@pytest.mark.parametrize("name", ["ordering", "new_since"])
def test_api_refuses_a_nul_byte(reader, days, name):
    response = reader.get(f"{URL}?{name}=type%00")
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False


def test_reports_and_status_carry_new_and_gone_per_type(reader, days):
    report = reader.get("/api/variance-report/latest").json()
    assert report["previous_report_date"] == P.isoformat()
    assert report["summary"]["new_since_previous"]["missing_in_ninja"] == 1
    assert report["summary"]["gone_since_previous"]["missing_in_threatlocker"] == 1
    assert report["missing_in_ninja"]["total_count"] == 2  # the existing fields are kept
    dated = reader.get(f"/api/variance-report/{P.isoformat()}").json()
    assert dated["previous_report_date"] == (P - timedelta(days=5)).isoformat()
    assert dated["summary"]["new_since_previous"]["missing_in_ninja"] == 1
    status = reader.get("/api/status").json()
    assert status["previous_report_date"] == P.isoformat()
    assert status["new_since_previous"][T.MISSING_NINJA] == 1
    assert status["gone_since_previous"][T.MISSING_THREATLOCKER] == 1
    assert variance_report(D)["summary"]["new_since_previous"] == report["summary"]["new_since_previous"]


# --- the page --------------------------------------------------------------------------------------------------

def many(n, day=D):
    run(day)
    org = Organization.objects.create(name="Many Corp")
    for i in range(n):
        record(T.MISSING_NINJA if i % 2 else T.MISSING_THREATLOCKER, f"pc-{i:03d}", day - timedelta(days=i % 7),
               day, org=org, hostname=f"PC-{i:03d}")


def row_ids(html):
    return [int(x) for x in re.findall(r'<tr data-exception-id="(\d+)"', html)]


def test_page_is_one_table_paged_by_50_with_the_total(staff):
    many(60)
    html = staff.get("/variances/").content.decode()
    assert html.count('data-testid="triage-table"') == 1
    assert len(row_ids(html)) == 50
    assert 'data-testid="match-count">60<' in html and "Showing 1–50 of 60" in html
    second = staff.get("/variances/?page=2").content.decode()
    assert len(row_ids(second)) == 10 and not set(row_ids(second)) & set(row_ids(html))
    assert "Showing 51–60 of 60" in second
    assert len(row_ids(staff.get("/variances/?page=99").content.decode())) == 10  # past the end: the last page


def test_page_sort_links_keep_the_filters_and_sort_on_the_server(staff):
    many(12)
    html = staff.get("/variances/?type=MISSING_NINJA&new_since=" + (D - timedelta(days=6)).isoformat()
                     + "&ordering=hostname").content.decode()
    links = {name: link for link, name in re.findall(r'<a href="([^"]+)" data-sort="(\w+)"', html)}
    assert len(links) == 5
    for link in links.values():
        assert "type=MISSING_NINJA" in link and "new_since=" in link, link
    assert "ordering=-hostname" in links["hostname"].replace("&amp;", "&")  # the current column flips
    assert 'aria-sort="ascending"' in html
    hostnames = re.findall(r'<span class="host">(PC-\d+)</span>', html)
    assert hostnames == sorted(hostnames) and len(hostnames) == 6
    desc = staff.get("/variances/?type=MISSING_NINJA&ordering=-hostname").content.decode()
    assert re.findall(r'<span class="host">(PC-\d+)</span>', desc) == sorted(hostnames, reverse=True)


def test_page_device_column_shows_the_vendors_hostnames_then_the_key(staff, days):
    ExceptionRecord.objects.filter(pk=days["kept"].pk).update(details={
        "ninja_hostname": "Charlie-PC", "threatlocker_hostname": "Charlie-PC.corp.local"})
    html = staff.get("/variances/").content.decode()
    cell = html[html.index(f'data-exception-id="{days["kept"].id}"'):]
    cell = cell[cell.index('class="device"'):cell.index("</td>", cell.index('class="device"'))]
    assert cell.index("Charlie-PC") < cell.index("Charlie-PC.corp.local") < cell.index("kept-pc")
    assert '<div class="muted small key" title="Canonical key">kept-pc</div>' in cell


def test_page_duplicate_shows_its_copies_and_tolerates_old_entries(staff, db):
    run(D)
    record(T.DUPLICATE_TL, "twin-pc", D, D, details={"count": 2, "entries": [
        {"vendor": "threatlocker", "vendor_device_id": "tl-new", "hostname": "TWIN-PC", "organization": "Acme",
         "last_contact": "2026-12-05T08:00:00+00:00", "stale": False},
        {"hostname": "TWIN-PC", "display_name": "TWIN-PC | old", "organization": "Acme"},  # written before
    ]})
    html = staff.get("/variances/").content.decode()
    assert "<summary>2 copies</summary>" in html
    assert "tl-new" in html and "2026-12-05 08:00 UTC" in html and "TWIN-PC | old" in html
    table = html[html.index('class="copies-table"'):html.index("</table>", html.index('class="copies-table"'))]
    assert table.count("<tr") == 3 and "–" in table  # header + two copies; missing keys show a dash


def test_page_refuses_an_unknown_ordering_with_a_400_naming_it(staff, days):
    response = staff.get("/variances/?ordering=secret")
    assert response.status_code == 400 and "Unknown ordering" in response.content.decode()


def test_overview_figures_link_to_the_filtered_triage_list(staff, days):
    html = staff.get("/").content.decode().replace("&amp;", "&")
    assert f'href="/variances/?new_since={D.isoformat()}&status=all" data-testid="new-since-previous"' in html
    assert (f'href="/variances/?type=MISSING_THREATLOCKER&date={P.isoformat()}&last_seen_before={D.isoformat()}'
            f'&status=all" data-testid="gone-MISSING_THREATLOCKER"') in html
    assert 'href="/variances/?type=MISSING_NINJA&status=open"' in html
    # The links' lists hold exactly the counted exceptions.
    new = staff.get(f"/variances/?new_since={D.isoformat()}&status=all").content.decode()
    assert row_ids(new) == ids(days, "new")
    gone = staff.get(f"/variances/?type=MISSING_THREATLOCKER&date={P.isoformat()}"
                     f"&last_seen_before={D.isoformat()}&status=all").content.decode()
    assert row_ids(gone) == ids(days, "gone")


def test_pages_show_the_time_zone(staff, days, settings):
    assert "Times in UTC" in staff.get("/variances/").content.decode()
    settings.TIME_ZONE = "Europe/Amsterdam"
    assert "Times in Europe/Amsterdam" in staff.get("/").content.decode()

