"""The ConnectWise Manage collector: QBR reactive ticket metrics for one month.

Per month (organization 1, the MSP; vendor 2), written through
`qbr.services.record_collected_metrics` (a manual value stays in place):

- `reactive_tickets_created`: tickets on a reactive board (and status, when
  statuses are set) whose `dateEntered` is in the month (one count call);
- `reactive_tickets_closed`: the same tickets filtered on `closedDate` in the month;
- `total_time_reactive`: hours of the time entries whose `timeStart` is in the
  month, charged to a service ticket (`chargeToType="ServiceTicket"`) that is
  on a reactive board/status. Time entries are paged, then their distinct
  ticket ids are checked with `service/tickets?conditions=id in (...) AND
  <reactive>` in chunks: a time entry does not carry its ticket's board.
  Hours are `actualHours`, else timeEnd - timeStart - hoursDeducted.

Which month: the month of the batch's snapshot date, except on its first
CONNECTWISE_PREVIOUS_MONTH_DAYS days (default 1), when the previous month is
finalised instead. A month is bounded by midnights in CONNECTWISE_TIME_ZONE
(default TIME_ZONE), sent to ConnectWise in UTC.
"""
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from collectors import connectwise_settings as cw_settings
from collectors.clients.base import VendorError
from collectors.clients.connectwise import ConnectWiseClient, all_of, any_of, id_in, in_range
from collectors.context import RunContext
from qbr.periods import Month

log = logging.getLogger(__name__)

VENDOR_ID = 2  # inventory.models.Vendor.CONNECTWISE
MSP_ORGANIZATION_ID = 1  # inventory.models.Organization.MSP_ID
ACTOR = "collector:connectwise"
METRICS = ("reactive_tickets_created", "reactive_tickets_closed", "total_time_reactive")
HOURS_QUANTUM = Decimal("0.01")


# --- rules (plain functions) -----------------------------------------------------
def reporting_month(day: date, previous_month_days: int) -> Month:
    """The month a run on `day` collects: the previous one during its first N days, else its own."""
    month = Month.of(day)
    return month.previous() if day.day <= max(0, previous_month_days) else month


def month_bounds(month: Month, zone_name: str) -> tuple[datetime, datetime]:
    """[first midnight, next month's first midnight) in the zone, as aware datetimes."""
    zone = ZoneInfo(zone_name or "UTC")
    following = Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
    return (datetime.combine(month.first_day, time(), tzinfo=zone),
            datetime.combine(following.first_day, time(), tzinfo=zone))


@dataclass(frozen=True)
class ReactiveFilter:
    boards: tuple[str, ...]
    statuses: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls) -> "ReactiveFilter":
        boards = tuple(b for b in getattr(settings, "QBR_CW_REACTIVE_BOARDS", ["Help Desk"]) if b.strip())
        statuses = tuple(s for s in getattr(settings, "QBR_CW_REACTIVE_STATUSES", []) if s.strip())
        if not boards:
            raise VendorError("ConnectWise", "configuration", "QBR_CW_REACTIVE_BOARDS is empty: no board is reactive")
        return cls(boards, statuses)

    def conditions(self, prefix: str = "") -> str:
        """`(board/name="A" OR ...) AND (status/name="S" OR ...)`; `prefix` e.g. "ticket/" for nested paths."""
        return all_of(any_of(f"{prefix}board/name", self.boards), any_of(f"{prefix}status/name", self.statuses))

    def describe(self) -> str:
        return f"boards: {', '.join(self.boards)}; statuses: {', '.join(self.statuses) or 'all'}"


def created_conditions(reactive: ReactiveFilter, start: datetime, end: datetime) -> str:
    return all_of(in_range("dateEntered", start, end), reactive.conditions())


def closed_conditions(reactive: ReactiveFilter, start: datetime, end: datetime) -> str:
    return all_of(in_range("closedDate", start, end), reactive.conditions())


def time_conditions(start: datetime, end: datetime) -> str:
    return all_of('chargeToType="ServiceTicket"', in_range("timeStart", start, end))


def entry_hours(entry: dict) -> Decimal | None:
    """Hours of a time entry: `actualHours`, else timeEnd - timeStart - hoursDeducted; None when unknowable."""
    actual = entry.get("actualHours")
    if actual is not None:
        try:
            return Decimal(str(actual))
        except ArithmeticError:
            return None
    try:
        start = datetime.fromisoformat(str(entry["timeStart"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(entry["timeEnd"]).replace("Z", "+00:00"))
        deducted = Decimal(str(entry.get("hoursDeducted") or 0))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None
    worked = Decimal(str(round((end - start).total_seconds() / 3600, 4))) - deducted
    return max(Decimal(0), worked)


def chunks(items: list, size: int):
    size = max(1, size)
    for index in range(0, len(items), size):
        yield items[index:index + size]


# --- the collection --------------------------------------------------------------
def collect_month(client: ConnectWiseClient, month: Month, reactive: ReactiveFilter, *, zone: str,
                  progress=lambda percent, message: None, id_chunk: int = 200) -> dict:
    """The three metric values for a month, with what was read to get them (no database)."""
    start, end = month_bounds(month, zone)
    progress(5, f"ConnectWise: counting reactive tickets entered in {month}")
    created = client.count_tickets(created_conditions(reactive, start, end),
                                   call=f"GET service/tickets/count (entered in {month})")
    progress(15, f"ConnectWise: counting reactive tickets closed in {month}")
    closed = client.count_tickets(closed_conditions(reactive, start, end),
                                  call=f"GET service/tickets/count (closed in {month})")
    hours_by_ticket: dict[int, Decimal] = {}
    entries = unreadable = 0
    for page in client.time_entries(time_conditions(start, end), call=f"GET time/entries ({month})"):
        for entry in page:
            entries += 1
            hours = entry_hours(entry)
            ticket_id = entry.get("chargeToId")
            if hours is None or not isinstance(ticket_id, int):
                unreadable += 1
                continue
            hours_by_ticket[ticket_id] = hours_by_ticket.get(ticket_id, Decimal(0)) + hours
        progress(25 + min(40, entries / 200), f"ConnectWise: {entries} time entries read for {month}")
    ticket_ids = sorted(hours_by_ticket)
    reactive_ids: set[int] = set()
    batches = list(chunks(ticket_ids, id_chunk))
    for number, batch in enumerate(batches, 1):
        reactive_ids |= client.ticket_ids(all_of(id_in("id", batch), reactive.conditions()),
                                          call=f"GET service/tickets (reactive among time entries, {month})")
        progress(65 + 25 * number / len(batches), f"ConnectWise: {len(reactive_ids)} reactive tickets with time")
    hours = sum((hours_by_ticket[t] for t in reactive_ids), Decimal(0)).quantize(HOURS_QUANTUM)
    return {
        "period": str(month), "from": start.isoformat(), "to": end.isoformat(),
        "reactive_tickets_created": created, "reactive_tickets_closed": closed, "total_time_reactive": hours,
        "time_entries": entries, "time_entries_unreadable": unreadable, "tickets_with_time": len(ticket_ids),
        "reactive_tickets_with_time": len(reactive_ids),
    }


def write_metrics(result: dict, reactive: ReactiveFilter) -> dict:
    from qbr.services import record_collected_metrics

    notes = f"ConnectWise Manage ({reactive.describe()})"
    writes = record_collected_metrics(
        result["period"], VENDOR_ID, {(MSP_ORGANIZATION_ID, name): result[name] for name in METRICS},
        notes=notes, actor=ACTOR,
    )
    return {"written": sum(w.changed for w in writes), "kept_manual": [w.metric.metric_name for w in writes
                                                                        if w.kept_manual]}


def configured_zone() -> str:
    """The zone whose midnights bound a month: CONNECTWISE_TIME_ZONE, else TIME_ZONE."""
    return cw_settings.value("CONNECTWISE_TIME_ZONE") or settings.TIME_ZONE


def run(ctx: RunContext) -> dict:
    """Registered as `connectwise`: collect the reporting month of the batch's date and write the metrics."""
    month = reporting_month(ctx.snapshot_date, cw_settings.value("CONNECTWISE_PREVIOUS_MONTH_DAYS"))
    reactive = ReactiveFilter.from_settings()
    zone = configured_zone()
    client = ConnectWiseClient(sleep=ctx.sleep)
    try:
        result = collect_month(client, month, reactive, zone=zone, progress=ctx.progress,
                               id_chunk=cw_settings.value("CONNECTWISE_TICKET_ID_CHUNK"))
        ctx.checkpoint(95, f"ConnectWise: writing QBR metrics for {month}")
        outcome = write_metrics(result, reactive)
    finally:
        client.close()
    counts = {key: (float(value) if isinstance(value, Decimal) else value) for key, value in result.items()}
    counts.update(outcome, http_calls=client.calls)
    counts["summary"] = (
        f"ConnectWise {month}: {result['reactive_tickets_created']} reactive tickets created, "
        f"{result['reactive_tickets_closed']} closed, {result['total_time_reactive']} h"
        + (f" (manual values kept: {', '.join(outcome['kept_manual'])})" if outcome["kept_manual"] else "")
    )
    log.info(counts["summary"])
    return counts
