"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's Python package) against the app on
loopback (pytest-django's live_server), with demo data collected from the bundled vendor simulators.

Never downloads a browser: without /usr/bin/chromium (apt-get install chromium) or the playwright package, every
test here is skipped with the reason.
"""
import os
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import timezone

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, DESKTOP, unavailable_reason
from tests.simulators import point_at, serving


class SerialWSGIServer(WSGIServer):
    """The live server, one request at a time, saying when it is idle.

    On SQLite the server shares the tests' in-memory connection, so two requests at once (or a request still running
    when the next test flushes the tables) would use one connection from two threads and break its transaction. A
    page's JavaScript can leave a slow request behind (a synchronous collector run), so `new_page` waits for `idle`
    before the test ends."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override
        self.idle = threading.Event()
        self.idle.set()

    def process_request(self, request, client_address):
        self.idle.clear()
        try:
            super().process_request(request, client_address)
        finally:
            self.idle.set()


LiveServerThread.server_class = SerialWSGIServer  # pytest-django builds its LiveServerThread from this class

DEMO = {"devices": 180, "seed": 5}  # small: every exception type, a few organizations, collected in ~1 s a day
PASSWORD = "pw-Strong-123"


def pytest_collection_modifyitems(config, items):
    reason = unavailable_reason()
    for item in items:
        if "browser" in item.keywords and reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser(migrated_rows):
    """One Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the tests' own ORM calls are still plain
    # synchronous calls, so Django's async-safety check is relaxed while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup, django_db_blocker):
    """The rows the migrations made (vendors, organization 1, groups, schedules), as Django serialized them when it
    created the test database. Read before Playwright starts: its event loop runs the tests in another context,
    where Django hands out a new connection object that no longer carries them."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def keep_migrated_rows(migrated_rows, transactional_db):
    """live_server needs committed data, so each test here ends with a flush of every table. Put the migrated rows
    back when they are gone (what serialized_rollback does on the original connection): empty the tables without
    Django's post-migrate rows, then load the serialized ones."""
    from django.core.management import call_command
    from django.db import connection

    from inventory.models import Vendor

    if migrated_rows and not Vendor.objects.exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_rows)


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    """The live server speaks plain HTTP on loopback: session and CSRF cookies without the Secure flag."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SAMESITE = "Lax"
    settings.CSRF_COOKIE_SAMESITE = "Lax"


@pytest.fixture(scope="session")
def simulators():
    from collectors.simulators import VendorSimulators, generate_msp

    yield from serving(VendorSimulators(generate_msp(**DEMO)))


@pytest.fixture
def sims(simulators, settings):
    """The vendor simulators with the hub pointing at them; django-q2 runs tasks in-process (sync)."""
    from django_q.conf import Conf

    point_at(simulators, settings, fast=False, COLLECTORS_HEARTBEAT_SECONDS=0)
    original = Conf.SYNC
    Conf.SYNC = True
    yield simulators
    Conf.SYNC = original
    simulators.set_day(0)


def collect_day(offset: int):
    """One day from the simulators through the real collectors, reconciled (what `demo_collect` does)."""
    from collectors import runs

    day = timezone.localdate() - timedelta(days=offset)
    batch = runs.start_batch(None, run_cross_vendor=True, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == "completed", batch.message
    return batch


@pytest.fixture
def demo_data(sims):
    """Yesterday and today collected and reconciled, and a Windows 11 assessment."""
    from collectors.simulators import install_aliases
    from inventory.windows11.service import run_assessment

    install_aliases(sims.ninja.dataset)
    for offset in (1, 0):
        sims.set_day(offset)
        collect_day(offset)
    sims.set_day(0)
    run_assessment()
    return sims


def make_user(username: str, *, staff=False, groups=()):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, is_staff=staff)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def staff_user(db):
    return make_user("tech", staff=True)


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts; `new_page(user)` starts signed in as that user (a session cookie, as
    after the Microsoft sign-in), `new_page()` anonymous."""
    contexts = []

    def open_page(user=None, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, accept_downloads=True)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    # A request the page started may still run on the server (the browser does not wait for it): let it end before
    # the next test empties the tables under it.
    assert live_server.thread.httpd.idle.wait(120), "the live server is still busy with a request after the test"
