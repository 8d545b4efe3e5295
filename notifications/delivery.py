"""Sending a delivery on a django-q2 worker: one attempt per task; a failed attempt (timeout, connection error,
5xx, 429) schedules the next after an exponential backoff, until NOTIFY_MAX_ATTEMPTS. Never called inside a
request or a collection."""
import logging
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from esinv.request_context import logging_context
from notifications import messages
from notifications.models import ChannelKind, Delivery, DeliveryAttempt, DeliveryStatus, Event

log = logging.getLogger(__name__)
TASK = "notifications.delivery.attempt"


def backoff(attempt_number: int) -> float:
    """Seconds to wait after failed attempt `attempt_number` (1-based)."""
    return min(settings.NOTIFY_BACKOFF_SECONDS * 2 ** (attempt_number - 1), settings.NOTIFY_BACKOFF_MAX_SECONDS)


def enqueue(delivery: Delivery, *, delay: float = 0) -> None:
    """Queue an attempt once the surrounding transaction commits (or now, outside one)."""
    from django_q.models import Schedule
    from django_q.tasks import async_task

    def queue():
        if delay <= 0:
            async_task(TASK, delivery.pk, task_name=f"notify-{delivery.delivery_id}"[:100])
        else:
            Schedule.objects.create(func=TASK, args=repr((delivery.pk,)), schedule_type=Schedule.ONCE, repeats=1,
                                    next_run=timezone.now() + timedelta(seconds=delay),
                                    name=f"notify-retry-{delivery.delivery_id}-{delivery.attempts}"[:100])

    transaction.on_commit(queue)


def _mail(delivery: Delivery) -> tuple[int | None, str]:
    from django.core.mail import EmailMessage

    from notifications.digest import render

    channel = delivery.channel
    if delivery.event == Event.DIGEST:
        subject, body = render(delivery.payload)
    else:
        subject, body = messages.summary(delivery.event, delivery.payload)
    to = [address.strip() for address in channel.recipients.split(",") if address.strip()]
    try:
        EmailMessage(subject, body, to=to, headers={"X-ESInv-Event": delivery.event,
                                                    "X-ESInv-Delivery": str(delivery.delivery_id)}).send()
    except Exception as exc:  # SMTP and network errors: retried like an HTTP failure
        return None, f"{exc.__class__.__name__}: {exc}"[:500]
    return 250, ""


def _send(delivery: Delivery) -> tuple[int | None, str]:
    channel = delivery.channel
    if channel.kind == ChannelKind.EMAIL:
        return _mail(delivery)
    body, headers = messages.build(channel.kind, event=delivery.event, delivery_id=str(delivery.delivery_id),
                                   occurred_at=delivery.created_at.isoformat(), data=delivery.payload,
                                   secret=channel.secret)
    try:
        response = requests.post(channel.url, data=body, headers=headers, timeout=settings.NOTIFY_TIMEOUT_SECONDS,
                                 allow_redirects=False)
    except requests.RequestException as exc:
        return None, f"{exc.__class__.__name__}: {exc}"[:500]
    return response.status_code, "" if response.ok else f"HTTP {response.status_code}: {response.text[:200]}"


def attempt(delivery_pk: int) -> str:
    """One attempt (the django-q2 task)."""
    delivery = Delivery.objects.select_related("channel").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "nothing to send"
    with logging_context(delivery_id=str(delivery.delivery_id)):
        started = time.perf_counter()
        code, error = _send(delivery)
        number = delivery.attempts + 1
        ok = code is not None and (200 <= code < 300 or code == 250)  # 250: the mail server took it
        DeliveryAttempt.objects.create(delivery=delivery, at=timezone.now(), number=number, response_code=code,
                                       duration_ms=int((time.perf_counter() - started) * 1000), error=error,
                                       success=ok)
        delivery.attempts = number
        retryable = code is None or code >= 500 or code == 429
        if ok or not retryable or number >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.DELIVERED if ok else DeliveryStatus.FAILED
            delivery.finished_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "finished_at"])
        if delivery.status == DeliveryStatus.PENDING:
            log.warning("notification %s to %s failed (attempt %d): %s; retrying", delivery.event,
                        delivery.channel.name, number, error)
            enqueue(delivery, delay=backoff(number))
        elif not ok:
            log.error("notification %s to %s failed for good after %d attempt(s): %s", delivery.event,
                      delivery.channel.name, number, error)
        return delivery.status


def redeliver(delivery: Delivery) -> Delivery:
    """A new delivery of the same event and data to the same channel (the admin's action)."""
    copy = Delivery.objects.create(channel=delivery.channel, event=delivery.event, payload=delivery.payload)
    enqueue(copy)
    return copy
