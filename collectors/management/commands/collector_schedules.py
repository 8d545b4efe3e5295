"""Create the daily collection batch and the stale-job cleanup schedules if they are missing (the migrations do
it once; this is idempotent)."""
from django.core.management.base import BaseCommand

from collectors.schedules import ensure_daily_schedules


class Command(BaseCommand):
    help = ("Create the daily collection batch (collect-daily) and the stale-job cleanup (collectors-cleanup-stale) "
            "django-q2 schedules unless they exist (edit times in the admin).")

    def add_arguments(self, parser):
        parser.add_argument("--at", help="HH:MM (UTC) for a new daily schedule (default COLLECTORS_DAILY_TIME).")

    def handle(self, *args, **options):
        created = ensure_daily_schedules(at=options.get("at"))
        self.stdout.write(f"Created: {', '.join(created)}" if created else "All daily schedules already exist.")
