"""Notifications against a local HTTP receiver: signed webhooks, Slack and Teams messages, retries with backoff on
5xx and timeouts, nothing for disabled or filtered channels, and a failing receiver never touching a collection."""
import hashlib
import hmac
import json
import re
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.signals import post_execute

from collectors.models import CollectorBatch, CollectorJob
from inventory.models import Vendor
from notifications.admin import ChannelAdmin, DeliveryAdmin
from notifications.delivery import attempt, backoff
from notifications.events import emit
from notifications.models import Channel, Delivery, DeliveryStatus
from tests import factories as f
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 23)


class Receiver:
    """A local HTTP endpoint that records what it gets and answers from a script of (status, delay) replies."""

    def __init__(self):
        self.requests, self.replies = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status, delay = receiver.replies.pop(0) if receiver.replies else (200, 0)
                time.sleep(delay)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def json(self, index=-1):
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def run_tasks_inline():
    original = Conf.SYNC
    Conf.SYNC = True
    yield
    Conf.SYNC = original


def channel(receiver, **fields):
    defaults = {"name": "ops", "url": receiver.url, "secret": "s3cret", "events": ["reconciliation.finished"]}
    return Channel.objects.create(**{**defaults, **fields})


def planted_day():
    for host in ("WS-1", "WS-2", "WS-3"):
        f.snapshot(Vendor.NINJA, host, day=DAY)
    for host in ("WS-1", "TL-ONLY"):
        f.snapshot(Vendor.THREATLOCKER, host, day=DAY)


def test_reconciliation_sends_a_signed_webhook(receiver, run_tasks_inline, django_capture_on_commit_callbacks):
    channel(receiver)
    planted_day()
    with django_capture_on_commit_callbacks(execute=True):
        run = reconcile_day(DAY)
    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-ESInv-Signature"], expected)
    delivery = Delivery.objects.get()
    assert headers["X-ESInv-Event"] == "reconciliation.finished"
    assert headers["X-ESInv-Delivery"] == str(delivery.delivery_id)
    sent = json.loads(body)
    assert sent["event"] == "reconciliation.finished" and sent["delivery_id"] == str(delivery.delivery_id)
    data = sent["data"]
    assert data["report_date"] == "2026-11-23" and data["open"] == run.total and data["new"] == run.total
    assert data["by_type"]["MISSING_NINJA"] == {"new": 1, "gone": 0, "open": 1}
    assert data["by_type"]["MISSING_THREATLOCKER"]["new"] == 2
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    (logged,) = delivery.attempt_log.all()
    assert logged.success and logged.response_code == 200 and logged.duration_ms >= 0


def test_slack_and_teams_messages(receiver, run_tasks_inline, django_capture_on_commit_callbacks):
    channel(receiver, name="slack", kind="slack")
    channel(receiver, name="teams", kind="teams")
    planted_day()
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_day(DAY)
    by_kind = {"teams" if "@type" in json.loads(r["body"]) else "slack": json.loads(r["body"])
               for r in receiver.requests}
    assert by_kind["slack"]["text"].startswith("*Reconciliation 2026-11-23: 3 new, 0 gone, 3 open exceptions*")
    assert "MISSING_THREATLOCKER: 2 new, 0 gone, 2 open" in by_kind["slack"]["text"]
    teams = by_kind["teams"]
    assert teams["@type"] == "MessageCard" and teams["title"].startswith("Reconciliation 2026-11-23: 3 new")
    assert "MISSING_NINJA: 1 new, 0 gone, 1 open" in teams["text"]
    assert all("X-ESInv-Signature" not in r["headers"] for r in receiver.requests)  # no secret sent to chats


def test_retries_with_backoff_on_5xx_and_timeouts_then_delivers(receiver, settings):
    settings.NOTIFY_TIMEOUT_SECONDS = 0.3
    receiver.replies = [(500, 0), (200, 1.0)]  # a server error, then an answer too slow
    delivery = emit("reconciliation.finished", {"report_date": "2026-11-23", "by_type": {}})[0] if channel(
        receiver) else None
    assert attempt(delivery.pk) == DeliveryStatus.PENDING
    assert attempt(delivery.pk) == DeliveryStatus.PENDING
    assert attempt(delivery.pk) == DeliveryStatus.DELIVERED
    codes = [(a.response_code, a.success, a.error[:16]) for a in delivery.attempt_log.all()]
    assert codes[0] == (500, False, "HTTP 500: ok") and codes[1][0] is None and "Timeout" in codes[1][2]
    assert codes[2] == (200, True, "")
    assert [backoff(1), backoff(2), backoff(20)] == [30, 60, 3600]


def test_a_retry_is_scheduled_after_the_backoff(receiver, django_capture_on_commit_callbacks):
    receiver.replies = [(503, 0)]
    (delivery,) = emit("reconciliation.finished", {"by_type": {}}) if channel(receiver) else ()
    with django_capture_on_commit_callbacks(execute=True):
        attempt(delivery.pk)
    retry = Schedule.objects.get(func="notifications.delivery.attempt")
    assert retry.schedule_type == Schedule.ONCE and retry.args == f"({delivery.pk},)"
    wait = (retry.next_run - timezone.now()).total_seconds()
    assert 25 < wait <= 30


def test_gives_up_after_the_last_attempt_and_on_a_4xx(receiver, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    receiver.replies = [(500, 0), (500, 0), (404, 0)]
    chan = channel(receiver)
    (first,) = emit("reconciliation.finished", {"by_type": {}})
    attempt(first.pk)
    assert attempt(first.pk) == DeliveryStatus.FAILED
    (second,) = emit("reconciliation.finished", {"by_type": {}})
    assert attempt(second.pk) == DeliveryStatus.FAILED and second.attempt_log.count() == 1
    assert attempt(second.pk) == "nothing to send" and chan.deliveries.count() == 2


def test_nothing_is_sent_for_disabled_unsubscribed_or_filtered_channels(receiver):
    channel(receiver, name="off", enabled=False)
    channel(receiver, name="failures only", events=["collector.failed"])
    channel(receiver, name="duplicates only", exception_types=["DUPLICATE_TL"])
    wanted = channel(receiver, name="missing", exception_types=["MISSING_NINJA"])
    deliveries = emit("reconciliation.finished", {"by_type": {"MISSING_NINJA": {"new": 1, "gone": 0, "open": 1},
                                                              "DUPLICATE_TL": {"new": 0, "gone": 0, "open": 0}}})
    assert [d.channel for d in deliveries] == [wanted]
    clients = channel(receiver, name="acme only", events=["collector.failed"])
    clients.organizations.add(f.organization("Acme Corp"))
    # The client filter keeps "acme only" quiet about another client; "failures only" has no client filter.
    assert [d.channel.name for d in emit("collector.failed", {"organizations": ["Other Inc"]})] == ["failures only"]
    assert [d.channel.name for d in emit("collector.failed", {"organizations": ["Acme Corp"]})] == [
        "acme only", "failures only"]


def test_a_failing_receiver_leaves_the_reconciliation_untouched(receiver, run_tasks_inline,
                                                                django_capture_on_commit_callbacks):
    channel(receiver, url="http://127.0.0.1:9/refused")
    planted_day()
    with django_capture_on_commit_callbacks(execute=True):
        run = reconcile_day(DAY)
    assert run.total == 3
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "ConnectionError" in delivery.attempt_log.get().error


def test_a_failed_collector_task_notifies(receiver):
    channel(receiver, events=["collector.failed"])
    batch = CollectorBatch.objects.create(snapshot_date=DAY, status="failed")
    job = CollectorJob.objects.create(batch=batch, name="ninja", job_name="ninja-collector", snapshot_date=DAY,
                                      status="failed", message="NinjaOne GET /v2/devices failed: HTTP 500")
    post_execute.send(sender="django_q", task={"func": "collectors.tasks.run_collector_job", "args": (job.job_id,),
                                               "result": f"{job.job_id}: failed"})
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "collector.failed" and delivery.payload["batch_id"] == batch.batch_id
    assert delivery.payload["message"].endswith("HTTP 500")


def test_admin_send_test_and_redeliver(receiver, run_tasks_inline, django_capture_on_commit_callbacks, admin_user):
    chan = channel(receiver)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    with django_capture_on_commit_callbacks(execute=True):
        ChannelAdmin(Channel, site).send_test(request, Channel.objects.filter(pk=chan.pk))
    assert receiver.json()["event"] == "test"
    original = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        DeliveryAdmin(Delivery, site).redeliver_selected(request, Delivery.objects.filter(pk=original.pk))
    assert Delivery.objects.count() == 2 and len(receiver.requests) == 2
    assert receiver.requests[1]["headers"]["X-ESInv-Delivery"] != str(original.delivery_id)
    assert timezone.now() - original.created_at < timedelta(minutes=1)


def test_admin_pages_show_channels_deliveries_and_attempts(receiver, admin_client):
    chan = channel(receiver)
    (delivery,) = emit("reconciliation.finished", {"by_type": {}})
    attempt(delivery.pk)
    assert admin_client.get("/admin/notifications/channel/").status_code == 200
    assert admin_client.get(f"/admin/notifications/channel/{chan.pk}/change/").status_code == 200
    assert admin_client.get("/admin/notifications/delivery/?status=delivered").status_code == 200
    page = admin_client.get(f"/admin/notifications/delivery/{delivery.pk}/change/")
    assert page.status_code == 200 and str(delivery.delivery_id) in page.content.decode()
    assert re.search(r'field-response_code">\s*(<p>)?200', page.content.decode())
