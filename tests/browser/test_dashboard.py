"""The dashboard in a real browser: sign in, overview = /api/status, collector progress, resolving an exception,
exports, QBR access."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collectors.models import CollectorBatch, CollectorJob
from tests.browser.chromium import DESKTOP, PHONE
from tests.browser.conftest import PASSWORD, make_user
from variances.models import ExceptionEvent, ExceptionRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_in_with_a_password_and_overview_equals_api_status(new_page, demo_data, staff_user, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {"TENANT": "contoso.example", "APPS": [
        {"client_id": "client-123", "secret": "s3cret", "settings": {"tenant": "contoso.example"}}]}}
    page = new_page()
    page.goto("/variances/")
    assert page.url.endswith("/sign-in/?next=%2Fvariances%2F")
    assert page.get_by_role("link", name="Sign in with Microsoft").get_attribute("href").startswith(
        "/api/auth/microsoft/login?next=")
    page.get_by_role("link", name="Sign in with a password").click()
    page.fill("#id_login", "tech")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/variances/$"))
    assert page.title() == "Variances · ES Inventory Hub"

    page.get_by_role("link", name="Overview").click()
    page.wait_for_url(re.compile(r"/$"))
    api = page.request.get("/api/status").json()  # the same session
    assert api["total_exceptions"] > 0
    assert page.get_by_test_id("total-exceptions").inner_text() == str(api["total_exceptions"])
    for label, count in api["device_counts"].items():
        assert count > 0 and page.get_by_test_id(f"devices-{label}").inner_text() == str(count)
    rows = page.locator("#exception-counts tr")
    assert rows.count() == len(api["exception_counts"])
    shown = sum(int(rows.nth(i).locator("td.num").inner_text()) for i in range(rows.count()))
    assert shown == api["total_exceptions"]
    assert page.locator("svg.line-chart polyline").count() >= 1


def test_run_collectors_shows_progress_until_done(new_page, sims, staff_user):
    page = new_page(staff_user)
    page.goto("/")
    assert page.get_by_text("No data yet: run the collectors.").is_visible()
    page.get_by_role("button", name="Run collectors").click()
    panel = page.locator("#run-progress")
    page.wait_for_selector('#run-progress[data-status="completed"]')
    assert "Collection completed" in panel.locator("#run-message").inner_text()
    assert page.locator('#run-jobs li[data-status="completed"]').count() == 2
    assert page.locator('[role="progressbar"]').get_attribute("aria-valuenow") == "100"
    page.get_by_role("link", name="Refresh the page to see the new numbers").click()
    assert page.get_by_test_id("total-exceptions").inner_text() != "0"


def test_run_collectors_ends_in_the_vendors_error(new_page, sims, staff_user, settings):
    settings.COLLECTORS_HTTP_RETRIES = 0
    sims.ninja.inject("server_error", count=-1, path="organizations")
    try:
        page = new_page(staff_user)
        page.goto("/")
        page.get_by_role("button", name="Run collectors").click()
        page.wait_for_selector('#run-progress[data-status="failed"]')
        failed = page.locator('#run-jobs li[data-job="ninja"]').inner_text()
        assert "NinjaOne GET /v2/organizations failed: server error (HTTP 500" in failed
    finally:
        sims.ninja.faults.clear()


def test_run_while_a_batch_runs_follows_that_batch(new_page, staff_user, live_server):
    now = timezone.now()
    batch = CollectorBatch.objects.create(status="running", snapshot_date=now.date(), active_slot=1, started_at=now,
                                          message="Collecting")
    job = CollectorJob.objects.create(batch=batch, name="ninja", job_name="ninja-collector", status="running",
                                      snapshot_date=now.date(), started_at=now, heartbeat_at=now,
                                      progress_percent=40, message="Page 3")
    page = new_page(staff_user)
    page.goto("/")
    # The page follows the running batch on its own; pressing the button gets 409 and follows it too.
    page.wait_for_selector('#run-jobs li[data-status="running"]')
    assert "40%" in page.locator("#run-jobs").inner_text()
    CollectorJob.objects.filter(pk=job.pk).update(status="completed", progress_percent=100, ended_at=timezone.now())
    CollectorBatch.objects.filter(pk=batch.pk).update(status="completed", progress_percent=100, active_slot=None,
                                                       ended_at=timezone.now())
    page.wait_for_selector('#run-progress[data-status="completed"]')

    second = CollectorBatch.objects.create(status="running", snapshot_date=now.date(), active_slot=1, started_at=now)
    CollectorJob.objects.create(batch=second, name="threatlocker", job_name="threatlocker-collector",
                                status="running", snapshot_date=now.date(), started_at=now, heartbeat_at=now)
    with page.expect_response(lambda response: response.url.endswith("/api/collectors/run")) as answer:
        page.get_by_role("button", name="Run collectors").click()
    assert answer.value.status == 409
    page.wait_for_selector('#run-jobs li[data-job="threatlocker"][data-status="running"]')
    assert page.locator("#run-message").inner_text().startswith("A collection was already running; following it.")


def test_resolve_an_exception_with_a_note(new_page, demo_data, staff_user):
    record = ExceptionRecord.objects.filter(status="open").order_by("id").first()
    page = new_page(staff_user)
    page.goto("/variances/")
    row = page.locator(f'tr[data-exception-id="{record.id}"]')
    assert row.is_visible()
    # Each vendor's hostname is one click from the clipboard.
    copy = row.locator("button.copy").first
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    expect(copy).to_have_text("Copy")  # the page's script is ready before the click
    # "Copied" shows for 1.5 s once the clipboard promise resolves. A MutationObserver armed before the click
    # keeps the first text the button turns to in `data-turned-to`, and expect() waits for that attribute: a slow
    # machine can neither race the promise nor miss the short window. (No string predicates: the page's content
    # security policy refuses eval.)
    copy.evaluate("""button => {
        new MutationObserver((changes, observer) => {
            if (button.textContent !== "Copy") { button.dataset.turnedTo = button.textContent; observer.disconnect(); }
        }).observe(button, {childList: true, characterData: true, subtree: true});
    }""")
    copy.click()
    expect(copy).to_have_attribute("data-turned-to", re.compile(".+"))
    assert copy.get_attribute("data-turned-to") == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-copy")
    before = int(page.get_by_test_id("match-count").inner_text())
    row.get_by_role("button", name="Resolve…").click()
    dialog = page.locator("#action-dialog")
    assert dialog.is_visible()
    page.keyboard.type("Agent reinstalled by the morning check")  # the notes field has the focus
    dialog.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#flash:not([hidden])")
    assert page.locator("#flash").inner_text() == f"Resolved {record.canonical_key}."
    assert page.locator(f'tr[data-exception-id="{record.id}"]').count() == 0  # gone from the unresolved list
    assert int(page.get_by_test_id("match-count").inner_text()) == before - 1

    page.select_option('select[name="status"]', "resolved")
    page.get_by_role("button", name="Apply filters").click()
    row = page.locator(f'tr[data-exception-id="{record.id}"]')
    row.locator("summary").click()
    history = row.locator("details.history").inner_text()
    assert "Resolved by staff by tech" in history and "Agent reinstalled by the morning check" in history
    assert ExceptionEvent.objects.filter(exception=record, action="resolved", actor="tech").exists()


def test_bulk_mark_manually_fixed(new_page, demo_data, staff_user):
    page = new_page(staff_user)
    page.goto("/variances/?type=MISSING_NINJA")
    picks = page.locator("input.pick")
    count = picks.count()
    assert count >= 1
    page.check("#select-all")
    assert page.locator("#bulk-count").inner_text() == str(count)
    page.select_option("#bulk-action", "mark_manually_fixed")
    page.fill("#bulk-notes", "Agents pushed")
    page.get_by_role("button", name=re.compile("Apply to selected")).click()
    page.wait_for_selector("#flash:not([hidden])")
    assert page.locator("#flash").inner_text() == f"Updated {count} exception{'' if count == 1 else 's'}."
    assert ExceptionRecord.objects.filter(type="MISSING_NINJA", variance_status="manually_fixed").count() == count


def test_qbr_member_reads_qbr_and_a_non_member_is_refused(new_page, demo_data):
    member = make_user("quinn", groups=["QBR"])
    outsider = make_user("olive", groups=["Viewers"])  # reads inventory, not QBR
    page = new_page(member)
    page.goto("/qbr/")
    assert page.title().startswith("QBR ")
    assert page.get_by_role("heading", name="SmartNumbers").is_visible()
    assert page.get_by_test_id("total-seats").inner_text() != "0"

    page = new_page(outsider)
    response = page.goto("/qbr/")
    assert response.status == 403
    assert page.title() == "QBR: not allowed · ES Inventory Hub"
    assert page.get_by_role("alert").inner_text().count('"QBR" group') == 1


def test_phone_width_has_no_horizontal_scroll_and_keyboard_reaches_controls(new_page, demo_data, staff_user):
    key = ExceptionRecord.objects.values_list("canonical_key", flat=True).first()
    page = new_page(staff_user, viewport=PHONE)
    for path in ("/", "/variances/", f"/devices/?q={key[:-1]}", "/windows-11/", "/qbr/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at phone width"
    page.goto("/variances/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(12):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in {"A", "BUTTON", "SELECT", "INPUT", "SUMMARY"}


def test_export_each_format_with_the_current_filters_and_open_the_files(new_page, demo_data, staff_user):
    import csv
    import io

    from django.urls import reverse
    from openpyxl import load_workbook
    from pypdf import PdfReader

    # The routes must exist: a missing one fails here (NoReverseMatch), it is never skipped.
    assert [reverse(f"variances-export-{fmt}") for fmt in ("csv", "excel", "pdf")] == [
        "/api/variances/export/csv", "/api/variances/export/excel", "/api/variances/export/pdf"]

    page = new_page(staff_user)
    page.goto("/variances/?status=all")
    expected = int(page.get_by_test_id("match-count").inner_text())
    assert expected > 0
    files = {}
    for fmt in ("csv", "excel", "pdf"):
        with page.expect_download() as download:
            page.locator(f'a[data-export="{fmt}"]').click()
        files[fmt] = (download.value.suggested_filename, open(download.value.path(), "rb").read())

    name, raw = files["csv"]
    assert name.startswith("variances_") and name.endswith(".csv")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))  # the first line is the header
    rows = list(reader)
    assert len(rows) == expected
    assert {"hostname", "ninja_hostname", "threatlocker_hostname", "ninja_organization",
            "threatlocker_organization"} <= set(reader.fieldnames)

    name, raw = files["excel"]
    assert name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(raw), read_only=True)
    assert "Summary" in workbook.sheetnames and len(workbook.sheetnames) > 1

    name, raw = files["pdf"]
    assert name.endswith(".pdf") and raw.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(raw)).pages[0].extract_text()
    assert "device inventory report" in text.lower()

    # The filters travel with the links: one type only.
    page.goto("/variances/?type=MISSING_THREATLOCKER")
    only = int(page.get_by_test_id("match-count").inner_text())
    with page.expect_download() as download:
        page.locator('a[data-export="csv"]').click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), "rb").read().decode("utf-8-sig"), newline="")))
    assert len(rows) == only and {row["variance_type"] for row in rows} == {"missing_in_threatlocker"}


def test_no_page_asks_for_a_missing_file_and_each_shows_the_icon(new_page, demo_data, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    record = ExceptionRecord.objects.filter(type__startswith="DUPLICATE").first() or ExceptionRecord.objects.first()
    missing = []
    signed_in = ["/", "/variances/", "/admin/", "/admin/variances/exceptionrecord/",
                 f"/admin/variances/exceptionrecord/{record.pk}/change/", "/admin/qbr/threshold/"]
    for user, paths in ((None, ["/sign-in/", "/admin/login/"]), (staff_user, signed_in)):
        page = new_page(user)
        page.on("response", lambda response: response.status >= 400 and missing.append(response.url))
        for path in paths:
            assert page.goto(path).status == 200, path
            page.wait_for_load_state("networkidle")
            icon = page.locator('link[rel="icon"]').get_attribute("href")
            assert icon.endswith(".svg"), path
            assert page.request.get(icon).status == 200
        # What a browser asks for when a page names no icon (the API's JSON, the docs): answered too.
        answer = page.request.get("/favicon.ico")
        assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert missing == []


def test_admin_exception_and_threshold_lists_fit_a_1366_px_screen(new_page, demo_data, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    page = new_page(staff_user)  # DESKTOP: 1366 px wide
    # The admin scrolls a wide list inside its own box (.results): that box must not scroll either.
    sideways = """() => [document.documentElement, document.querySelector('.results')]
                       .map(box => box.scrollWidth - box.clientWidth)"""
    for path, columns in (("/admin/variances/exceptionrecord/", 6), ("/admin/qbr/threshold/", 5)):
        page.goto(path)
        assert page.locator("#result_list thead th").count() == columns + 1, path  # and the checkbox
        list_box = page.locator("#result_list").bounding_box()
        filter_box = page.locator("#changelist-filter").bounding_box()
        assert filter_box["x"] >= list_box["x"] + list_box["width"] - 1, path  # the filters, on the right
        assert max(page.evaluate(sideways)) <= 1, f"{path} scrolls sideways at 1366 px: {page.evaluate(sideways)}"
    # Every editable bound of a threshold is on screen.
    for field in ("direction", "green_bound", "yellow_bound"):
        box = page.locator(f'[name="form-0-{field}"]').bounding_box()
        assert box and box["x"] + box["width"] <= 1366, field




def _row_ids(page) -> list[int]:
    return [int(i) for i in page.locator("tr[data-exception-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.exceptionId)")]


def _api_ids(browser_page, **params) -> list[int]:
    """The same list from GET /api/exceptions (where no status means all: the page's `status=all`)."""
    query = "&".join(f"{key}={value}" for key, value in params.items() if (key, value) != ("status", "all"))
    body = browser_page.request.get(f"/api/exceptions?page_size={PAGE}&{query}").json()
    return [row["id"] for row in body["results"]]


def _no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


PAGE = 3  # rows per page in these tests (the demo's few exceptions make several pages)


def test_a_duplicate_shows_its_copies_with_their_vendor_ids_and_last_contacts(new_page, demo_data, staff_user):
    page = new_page(staff_user)
    page.goto("/variances/?type=DUPLICATE_TL")
    copies = page.locator("details.copies").first
    copies.locator("summary").click()
    rows = copies.locator("table.copies-table tbody tr")
    assert rows.count() == 2
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert {row[0] for row in cells} == {"ThreatLocker"}
    assert cells[0][1] != cells[1][1]  # the vendor's device ids tell the copies apart
    assert cells[0][4] != cells[1][4]  # and so do their last contacts (the newest first)
    assert "stale" not in cells[0][4] and "stale" in cells[1][4] and cells[1][4].count("UTC") == 1
    assert rows.nth(1).get_attribute("class") == "stale"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_triage_table_sorts_and_pages_on_the_server(new_page, demo_data, staff_user, width, settings):
    settings.ESINV_TRIAGE_PAGE_SIZE = PAGE
    page = new_page(staff_user, viewport=PHONE if width == "phone" else DESKTOP)
    page.goto("/variances/?status=all")
    total = int(page.get_by_test_id("match-count").inner_text())
    assert total > 2 * PAGE, "the demo needs more than two pages of exceptions"
    assert page.locator('[data-testid="triage-table"]').count() == 1  # one table, not one per client and type
    assert len(_row_ids(page)) == PAGE
    if width == "desktop":
        page.locator('a[data-sort="hostname"]').click()  # the column heading
    else:  # the headings are hidden on a phone (rows are cards): the form's "Sort by" does it
        page.select_option("#ordering", "hostname")
        page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"ordering=hostname"))
    assert "status=all" in page.url  # the filters travel with the sort
    assert _row_ids(page) == _api_ids(page, status="all", ordering="hostname")
    if width == "desktop":
        assert page.locator('th[aria-sort="ascending"] a[data-sort="hostname"]').count() == 1
        page.locator('a[data-sort="hostname"]').click()  # again: descending
        page.wait_for_url(re.compile(r"ordering=-hostname"))
        assert _row_ids(page) == _api_ids(page, status="all", ordering="-hostname")
    first_page = _row_ids(page)
    ordering = "-hostname" if width == "desktop" else "hostname"
    page.locator('a[data-page="next"]').click()
    page.wait_for_url(re.compile(r"page=2"))
    assert f"ordering={ordering}" in page.url and "status=all" in page.url
    second_page = _row_ids(page)
    assert second_page == _api_ids(page, status="all", ordering=ordering, page=2)
    assert second_page and not set(second_page) & set(first_page)
    assert page.get_by_test_id("page-range").inner_text().startswith(f"Showing {PAGE + 1}–")
    _no_sideways_scroll(page)
    # A duplicate's copies open in its row; the small table scrolls in its own box, never the page.
    page.goto("/variances/?type=DUPLICATE_TL")
    copies = page.locator("details.copies").first
    copies.locator("summary").click()
    assert copies.locator("table.copies-table tbody tr").count() >= 2
    assert copies.locator("table.copies-table").is_visible()
    _no_sideways_scroll(page)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_new_since_yesterday_link_from_the_overview_lands_on_the_filtered_list(new_page, demo_data, staff_user,
                                                                               width, settings):
    from variances.dates import latest_report_date

    settings.ESINV_TRIAGE_PAGE_SIZE = PAGE
    latest = latest_report_date()
    page = new_page(staff_user, viewport=PHONE if width == "phone" else DESKTOP)
    page.goto("/")
    link = page.get_by_test_id("new-since-previous")
    new = int(link.inner_text().split()[0])
    status = page.request.get("/api/status").json()
    assert new == sum(status["new_since_previous"].values()) > 0
    link.click()
    page.wait_for_url(re.compile(rf"/variances/\?new_since={latest.isoformat()}"))
    assert page.locator('input[name="new_since"]').input_value() == latest.isoformat()  # the form shows the filter
    assert int(page.get_by_test_id("match-count").inner_text()) == new
    expected = set(ExceptionRecord.objects.filter(date_found=latest, last_seen__gte=latest)
                   .values_list("id", flat=True))
    assert set(_row_ids(page)) <= expected and len(_row_ids(page)) == min(new, PAGE)
    _no_sideways_scroll(page)
