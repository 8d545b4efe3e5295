"""Compute (again) the measured quantities of a day (billing/measures.py) and its billing variances
(billing/variances.py); batches do both after they complete."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.measures import measure_day
from billing.variances import reconcile_billing


class Command(BaseCommand):
    help = "Compute and store the billing measured quantities of a day (default: today) and its billing variances."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD)") from None
        self.stdout.write(f"Measured quantities of {day}: {measure_day(day)} rows.")
        counts = reconcile_billing(day)
        self.stdout.write(f"Billing variances of {day}: {counts['found']} found, {counts['reopened']} reopened, "
                          f"{counts['auto_resolved']} resolved automatically, {counts['open']} open.")
