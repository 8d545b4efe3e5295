"""python manage.py reconcile [--date YYYY-MM-DD]"""
from django.core.management.base import BaseCommand, CommandError

from esinv.errors import APIError
from esinv.params import parse_date
from variances.services import reconcile_day


class Command(BaseCommand):
    help = "Reconcile NinjaOne and ThreatLocker for a date (default: the latest date both have) and store exceptions."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Report date, YYYY-MM-DD (default: the latest common snapshot date).")

    def handle(self, *args, **options):
        try:
            day = parse_date(options.get("date"), "date")
            run = reconcile_day(day, triggered_by="manage.py reconcile")
        except APIError as exc:
            raise CommandError(str(exc.detail)) from exc
        counts = ", ".join(f"{code}={n}" for code, n in run.counts.items()) or "none"
        self.stdout.write(self.style.SUCCESS(
            f"{run.report_date}: {run.total} exceptions ({counts}); created {run.created_count}, "
            f"refreshed {run.refreshed_count}, resolved {run.resolved_count} "
            f"(verified {run.verified_count}), reopened {run.reopened_count}; "
            f"{run.ninja_devices} NinjaOne / {run.threatlocker_devices} ThreatLocker devices "
            f"in {run.duration_seconds:.2f}s"
        ))
