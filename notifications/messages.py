"""What each kind of channel receives for an event: (body bytes, headers). Plain functions, no I/O."""
import hashlib
import hmac
import json

from notifications.models import ChannelKind, Event

# Events about something that went wrong (Teams shows them in red).
FAILURES = (Event.COLLECTOR_FAILED, Event.BATCH_STUCK, Event.WINDOWS11_FAILED)


def signature(secret: str, body: bytes) -> str:
    """The X-ESInv-Signature header: `sha256=` and the hex HMAC-SHA256 of the exact body with the channel secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _duration(seconds) -> str:
    """`45 s`, `12 min`, `3.5 h` for people."""
    seconds = int(seconds or 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"


def summary(event: str, data: dict) -> tuple[str, str]:
    """(title, text) for people reading a chat message."""
    if event == Event.RECONCILIATION_FINISHED:
        lines = [f"{kind}: {c.get('new', 0)} new, {c.get('gone', 0)} gone, {c.get('open', 0)} open"
                 for kind, c in sorted(data.get("by_type", {}).items()) if any(c.values())]
        title = (f"Reconciliation {data.get('report_date')}: {data.get('new', 0)} new, {data.get('gone', 0)} gone, "
                 f"{data.get('open', 0)} open exceptions")
        return title, "\n".join(lines) or "No exceptions."
    if event == Event.COLLECTOR_FAILED:
        return (f"Collector {data.get('collector')} failed ({data.get('snapshot_date')})",
                str(data.get("message", "")))
    if event == Event.VENDOR_STALE:
        return f"{data.get('vendor')} data is {data.get('freshness_status')}", str(data.get("message", ""))
    if event == Event.WINDOWS11_FINISHED:
        return (f"Windows 11 assessment: {data.get('incompatible')} incompatible of {data.get('total')}",
                f"{data.get('compatible')} compatible, {data.get('not_assessed')} not assessed, "
                f"{data.get('already_on_24h2')} already on 24H2")
    if event == Event.BATCH_STUCK:
        jobs = [f"{job.get('collector')}: {job.get('message')}" for job in data.get("jobs") or []]
        return (f"Collection batch {data.get('batch_id')} was stuck ({data.get('reason')}, "
                f"{_duration(data.get('stuck_seconds'))}) and was cleaned up",
                "\n".join([str(data.get("reason_text", "")), *jobs]))
    if event == Event.WINDOWS11_FAILED:
        return "Windows 11 assessment failed", str(data.get("message", ""))
    if event == Event.EXPORT_READY:
        return (f"Export ready: {data.get('file_name')}",
                f"{data.get('rows')} rows for {data.get('requested_by')}: {data.get('download_url')}")
    return "ES Inventory Hub test notification", "If you read this, the channel works."


def build(kind: str, *, event: str, delivery_id: str, occurred_at: str, data: dict, secret: str = ""):
    if kind == ChannelKind.SLACK:
        title, text = summary(event, data)
        body = {"text": f"*{title}*\n{text}"}
    elif kind == ChannelKind.TEAMS:
        title, text = summary(event, data)
        body = {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": title,
                "themeColor": "C0392B" if event in FAILURES else "2E86C1", "title": title,
                "text": text.replace("\n", "<br>")}
    else:
        body = {"event": event, "delivery_id": delivery_id, "occurred_at": occurred_at, "data": data}
    raw = json.dumps(body, sort_keys=True, default=str).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "esinv-notifications/1",
               "X-ESInv-Event": event, "X-ESInv-Delivery": delivery_id}
    if kind == ChannelKind.WEBHOOK and secret:
        headers["X-ESInv-Signature"] = signature(secret, raw)
    return raw, headers
