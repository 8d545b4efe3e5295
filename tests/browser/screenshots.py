"""Screenshots of every dashboard page at desktop and phone width, with demo data.

    .venv/bin/python -m tests.browser.screenshots [--out screenshots] [--devices 300] [--days 7]

Builds a throwaway SQLite database in a temporary folder, collects the last N days from the bundled vendor
simulators (reconciled, Windows 11 assessed, a few QBR metrics), serves the app on 127.0.0.1 (a free port)
and has headless Chromium (/usr/bin/chromium, through Playwright) save `<page>-desktop.png` (1366x850) and
`<page>-phone.png` (390x844), full page, into the output folder. Nothing outside the temporary folder and
the output folder is touched; the servers stop at the end.
"""
import argparse
import os
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

PAGES = [
    ("sign-in", "/sign-in/?next=/", None),
    ("overview", "/", "staff"),
    ("variances", "/variances/", "staff"),
    ("devices", "/devices/?q={device_query}", "staff"),
    ("devices-empty", "/devices/", "staff"),
    ("device", "/devices/{device_key}/", "staff"),
    ("windows-11", "/windows-11/", "staff"),
    ("qbr", "/qbr/", "staff"),
    ("qbr-refused", "/qbr/", "outsider"),
    ("billing", "/billing/", "staff"),
    ("billing-refused", "/billing/", "outsider"),
    ("no-access", "/", "newcomer"),
    ("admin-index", "/admin/", "staff"),
    ("admin-exceptions", "/admin/variances/exceptionrecord/", "staff"),
    ("admin-duplicate", "/admin/variances/exceptionrecord/{duplicate_id}/change/", "staff"),
    ("admin-thresholds", "/admin/qbr/threshold/", "staff"),
]
SIZES = {"desktop": {"width": 1366, "height": 850}, "phone": {"width": 390, "height": 844}}


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def setup_django(workdir: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "esinv.settings_test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'screens.sqlite3'}"
    os.environ["ESINV_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares this thread with ORM calls
    import django

    django.setup()
    from django.conf import settings

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "Lax"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_demo(devices: int, days: int):
    from decimal import Decimal

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from collectors import runs
    from collectors.simulators import VendorSimulators, generate_msp, install_aliases
    from inventory.windows11.service import run_assessment
    from qbr.models import Threshold
    from qbr.periods import Month
    from qbr.services import collect_month, record_manual_metric

    dataset = generate_msp(devices=devices, seed=1)
    sims = VendorSimulators(dataset).start()
    for name, value in sims.settings().items():
        setattr(settings, name, value)
    install_aliases(dataset)
    today = timezone.localdate()
    try:
        for offset in range(days - 1, -1, -1):
            sims.set_day(offset)
            batch = runs.start_batch(None, run_cross_vendor=True, snapshot_date=today - timedelta(days=offset),
                                     trigger="command", enqueue=False)
            for job in list(batch.jobs.order_by("id")):
                runs.run_job(job.job_id)
    finally:
        sims.stop()
    run_assessment()
    month = Month.of(today)
    try:
        collect_month(month)
    except Exception as exc:  # ConnectWise is not simulated here: the NinjaOne metrics are enough
        print(f"collect_month: {exc}", file=sys.stderr)
    for name, value in (("employees", 14), ("technical_employees", 8), ("agreements", 40), ("mrr", 52000),
                        ("total_revenue", 90000), ("net_profit", 9000), ("product_revenue", 20000)):
        record_manual_metric(str(month), 1, None, name, Decimal(value), actor="screenshots")
    Threshold.objects.get_or_create(organization_id=1, metric_name="net_profit_pct", defaults=dict(
        direction="higher", green_bound=Decimal(15), yellow_bound=Decimal(8)))
    staff = User.objects.create_user("demo", "demo@example.com", "demo-pass-123", is_staff=True, is_superuser=True,
                                     first_name="Dana", last_name="Demo")
    staff.groups.add(*Group.objects.filter(name__in=["QBR", "QBR editors"]))
    outsider = User.objects.create_user("outsider", "outsider@example.com", "demo-pass-123")
    outsider.groups.add(*Group.objects.filter(name="Viewers"))  # reads inventory, not QBR
    newcomer = User.objects.create_user("newcomer", "newcomer@example.com", "demo-pass-123")  # granted nothing
    return {"staff": staff, "outsider": outsider, "newcomer": newcomer}


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", help="Output folder (default: screenshots/).")
    parser.add_argument("--devices", type=int, default=300, help="Simulated devices (default 300).")
    parser.add_argument("--days", type=int, default=7, help="Days collected, today included (default 7).")
    parser.add_argument("--chromium", default=os.environ.get("ESINV_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    from tests.browser.chromium import CHROMIUM_ARGS

    with tempfile.TemporaryDirectory(prefix="esinv-screens-") as tmp:
        setup_django(Path(tmp))
        users = build_demo(args.devices, args.days)
        cookies = {role: session_cookie(user) for role, user in users.items()}
        from variances.models import ExceptionRecord

        # A search that finds a handful of devices, some with exceptions: the first key's prefix.
        key = ExceptionRecord.objects.order_by("canonical_key").values_list("canonical_key", flat=True).first() or "ws"
        device_query = key[:-1]
        duplicate = ExceptionRecord.objects.filter(type__startswith="DUPLICATE").order_by("id").first()
        duplicate_id = duplicate.pk if duplicate else 0

        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.wsgi import get_wsgi_application
        from playwright.sync_api import sync_playwright

        server = make_server("127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()),
                             server_class=ThreadingServer, handler_class=QuietHandler)
        base = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
                for size, viewport in SIZES.items():
                    for name, path, role in PAGES:
                        context = browser.new_context(viewport=viewport, base_url=base)
                        if role:
                            context.add_cookies([{"name": "sessionid", "value": cookies[role], "url": base}])
                        page = context.new_page()
                        page.goto(path.format(device_query=device_query, device_key=key,
                                              duplicate_id=duplicate_id))
                        target = out / f"{name}-{size}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target)
                        context.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
