"""The daily e-mail digest: new exceptions by client with links to the device pages, collector health; sent through
Django's mail settings as a delivery (retried when the mail server fails)."""
from datetime import date
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django_q.conf import Conf
from django_q.models import Schedule

from collectors.models import CollectorBatch, CollectorJob
from inventory.models import Vendor
from notifications.delivery import attempt
from notifications.digest import send_daily_digest
from notifications.models import Channel, Delivery, DeliveryStatus
from notifications.schedules import DIGEST_FUNC, DIGEST_SCHEDULE
from tests import factories as f
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 23)


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("mail server went away")


@pytest.fixture
def day_with_exceptions(settings):
    settings.ALLOWED_HOSTS = ["hub.example.com"]
    for host in ("WS-1", "WS-2"):
        f.snapshot(Vendor.NINJA, host, day=DAY)
    f.snapshot(Vendor.NINJA, "OTHER-1", day=DAY, org="Other Inc")
    for host in ("WS-1", "TL-ONLY"):
        f.snapshot(Vendor.THREATLOCKER, host, day=DAY)
    reconcile_day(DAY)
    batch = CollectorBatch.objects.create(snapshot_date=DAY, status="failed")
    from django.utils import timezone

    CollectorJob.objects.create(batch=batch, name="threatlocker", job_name="threatlocker-collector",
                                snapshot_date=DAY, status="failed", ended_at=timezone.now(),
                                message="ThreatLocker GET computers failed: HTTP 503")


@pytest.fixture
def inline_tasks():
    original = Conf.SYNC
    Conf.SYNC = True
    yield
    Conf.SYNC = original


def email_channel(**fields):
    defaults = {"name": "staff mail", "kind": "email", "recipients": "ops@example.com, boss@example.com",
                "events": ["digest.daily"]}
    return Channel.objects.create(**{**defaults, **fields})


def test_the_digest_lists_new_exceptions_by_client_with_links_and_collector_health(
        day_with_exceptions, inline_tasks, django_capture_on_commit_callbacks):
    email_channel()
    Channel.objects.create(name="hook", url="http://127.0.0.1:9/", events=["reconciliation.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digest() == "digest queued for 1 channel(s)"
    (message,) = mail.outbox
    assert message.to == ["ops@example.com", "boss@example.com"]
    assert message.subject.endswith(": 3 new exception(s)")
    body = message.body
    assert "Acme Corp (2)" in body and "Other Inc (1)" in body
    assert "MISSING_NINJA  TL-ONLY  https://hub.example.com/devices/?q=TL-ONLY" in body
    assert "https://hub.example.com/devices/?q=OTHER-1" in body
    assert "failed collector jobs in the last 24 h: 1" in body and "HTTP 503" in body
    assert "Full report: https://hub.example.com/variances/" in body
    assert message.extra_headers["X-ESInv-Event"] == "digest.daily"
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_client_filter_narrows_the_digest(day_with_exceptions, inline_tasks, django_capture_on_commit_callbacks):
    channel = email_channel()
    channel.organizations.add(f.organization("Other Inc"))
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digest()
    body = mail.outbox[0].body
    assert "Other Inc (1)" in body and "Acme Corp" not in body and mail.outbox[0].subject.endswith(": 1 new "
                                                                                                   "exception(s)")


def test_a_failing_mail_server_is_retried(day_with_exceptions, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_digest.FailingBackend"
    email_channel()
    send_daily_digest()
    delivery = Delivery.objects.get()
    assert attempt(delivery.pk) == DeliveryStatus.PENDING
    assert "SMTPServerDisconnected: mail server went away" in delivery.attempt_log.get().error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert attempt(delivery.pk) == DeliveryStatus.DELIVERED and len(mail.outbox) == 1


def test_the_digest_has_a_daily_schedule():
    schedule = Schedule.objects.get(name=DIGEST_SCHEDULE)
    assert schedule.func == DIGEST_FUNC and schedule.schedule_type == Schedule.DAILY
    assert (schedule.next_run.hour, schedule.next_run.minute) == (7, 0)
