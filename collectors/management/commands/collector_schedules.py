"""Create the daily collection schedules if they are missing (the migration does it once; this is idempotent)."""
from django.core.management.base import BaseCommand

from collectors.schedules import ensure_daily_schedules


class Command(BaseCommand):
    help = "Create each collector's daily django-q2 schedule unless it exists (edit times in the admin)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="HH:MM (UTC) for new schedules (default COLLECTORS_DAILY_TIME).")

    def handle(self, *args, **options):
        created = ensure_daily_schedules(at=options.get("at"))
        self.stdout.write(f"Created: {', '.join(created)}" if created else "All daily schedules already exist.")
