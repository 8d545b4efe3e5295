"""The daily e-mail digest: new exceptions of the last day by client, with links to the device pages, and
collector health. A django-q2 schedule calls `send_daily_digest` (created by migration 0002); each e-mail
channel subscribed to `digest.daily` gets one delivery, sent like any other (retries, attempt log)."""
from collections import defaultdict
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from collectors.health import collector_health
from inventory.freshness import vendor_freshness
from inventory.models import Vendor
from inventory.queries import latest_snapshot_dates
from notifications.models import Channel, ChannelKind, Event


def base_url() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "localhost", "127.0.0.1", "[::1]")]
    return (settings.ESINV_BASE_URL or (f"https://{hosts[0]}" if hosts else "http://localhost:5400")).rstrip("/")


def digest_data(now=None, organizations: set[str] | None = None) -> dict:
    from variances.models import ExceptionRecord, ExceptionStatus

    now = now or timezone.now()
    new = (ExceptionRecord.objects.filter(created_at__gte=now - timedelta(days=1), status=ExceptionStatus.OPEN)
           .select_related("organization").order_by("organization__name", "type", "hostname"))
    by_client = defaultdict(list)
    root = base_url()
    for record in new:
        client = record.organization.name if record.organization_id else "(no client)"
        if organizations and client not in organizations:
            continue
        by_client[client].append({"type": record.type, "hostname": record.hostname,
                                  "url": f"{root}/devices/?q={quote(record.hostname or record.canonical_key)}"})
    latest = latest_snapshot_dates((Vendor.NINJA, Vendor.THREATLOCKER))
    labels = dict(Vendor.objects.values_list("id", "name"))
    today = timezone.localdate(now)
    health = collector_health(now)
    return {
        "date": today.isoformat(),
        "new_exceptions": sum(len(rows) for rows in by_client.values()),
        "by_client": dict(by_client),
        "freshness": {labels.get(v, str(v)): vendor_freshness(day, today).freshness_message
                      for v, day in latest.items()},
        "collector_failures_24h": health["total_failures_last_24h"],
        "recent_failures": [f"{f['collector']}: {f['message']}" for f in health["recent_failures"]],
        "report_url": f"{root}/variances/",
    }


def render(data: dict) -> tuple[str, str]:
    """(subject, plain-text body)."""
    subject = f"ES Inventory Hub {data['date']}: {data['new_exceptions']} new exception(s)"
    lines = [subject, ""]
    for client, rows in data["by_client"].items():
        lines.append(f"{client} ({len(rows)})")
        lines.extend(f"  {row['type']}  {row['hostname']}  {row['url']}" for row in rows)
        lines.append("")
    if not data["by_client"]:
        lines += ["No new exceptions.", ""]
    lines.append("Collector health")
    lines.extend(f"  {vendor}: {message}" for vendor, message in data["freshness"].items())
    lines.append(f"  failed collector jobs in the last 24 h: {data['collector_failures_24h']}")
    lines.extend(f"    {failure}" for failure in data["recent_failures"])
    lines += ["", f"Full report: {data['report_url']}"]
    return subject, "\n".join(lines)


def check_stale_vendors(now=None) -> list[dict]:
    """vendor.stale for each vendor whose latest data is stale, very stale or missing (run with the digest)."""
    from notifications.events import emit

    today = timezone.localdate(now or timezone.now())
    labels = dict(Vendor.objects.values_list("id", "name"))
    stale = []
    for vendor_id, day in latest_snapshot_dates((Vendor.NINJA, Vendor.THREATLOCKER)).items():
        freshness = vendor_freshness(day, today)
        if freshness.freshness_status in ("stale", "very_stale", "no_data"):
            data = {"vendor": labels.get(vendor_id, str(vendor_id)), "latest_date": freshness.latest_date,
                    "freshness_status": freshness.freshness_status, "days_old": freshness.days_old,
                    "message": freshness.freshness_message}
            emit(Event.VENDOR_STALE, data)
            stale.append(data)
    return stale


def send_daily_digest() -> str:
    """The daily schedule: vendor.stale events, then the digest to each subscribed e-mail channel."""
    from notifications.delivery import enqueue
    from notifications.models import Delivery

    check_stale_vendors()
    sent = 0
    for channel in Channel.objects.filter(enabled=True, kind=ChannelKind.EMAIL).prefetch_related("organizations"):
        if Event.DIGEST in (channel.events or []):
            clients = {org.name for org in channel.organizations.all()} or None
            enqueue(Delivery.objects.create(channel=channel, event=Event.DIGEST, payload=digest_data(
                organizations=clients)))
            sent += 1
    return f"digest queued for {sent} channel(s)"
