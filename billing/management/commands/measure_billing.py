"""Compute (again) the measured quantities of a day (billing/measures.py); batches do it after they complete."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.measures import measure_day


class Command(BaseCommand):
    help = "Compute and store the billing measured quantities of a day (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD)") from None
        self.stdout.write(f"Measured quantities of {day}: {measure_day(day)} rows.")
