from django.core.management.base import BaseCommand, CommandError

from qbr.periods import Month, parse_month
from qbr.schedules import ensure_schedule
from qbr.services import collect_month


class Command(BaseCommand):
    help = (
        "Collect QBR seats_managed/endpoints_managed from the NinjaOne snapshot of a month "
        "(default: the previous month) and make sure the monthly schedule exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: the previous month)")
        parser.add_argument("--schedule-only", action="store_true", help="Only create/update the monthly schedule.")

    def handle(self, *args, period=None, schedule_only=False, **options):
        schedule = ensure_schedule()
        self.stdout.write(f"schedule: {'next run ' + str(schedule.next_run) if schedule else 'disabled'}")
        if schedule_only:
            return
        if period:
            try:
                month = parse_month(period)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            from django.utils import timezone

            month = Month.of(timezone.localdate()).previous()
        summary = collect_month(month)
        if summary["snapshot_date"] is None:
            self.stdout.write(self.style.WARNING(f"{summary['period']}: no NinjaOne snapshot in that month."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary['period']}: snapshot {summary['snapshot_date']}, {summary['clients']} clients, "
                f"{summary['total_seats']} seats, {summary['total_endpoints']} endpoints, "
                f"{summary['written']} values written."
            )
        )
