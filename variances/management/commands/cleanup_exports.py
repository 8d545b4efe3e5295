"""Remove variance export files older than VARIANCES_EXPORT_KEEP_DAYS (their jobs become expired)."""
from django.core.management.base import BaseCommand

from variances.export_jobs import cleanup_exports


class Command(BaseCommand):
    help = "Remove export files older than VARIANCES_EXPORT_KEEP_DAYS days (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Keep files this many days (default: setting).")

    def handle(self, *args, days=None, **options):
        result = cleanup_exports(days)
        self.stdout.write(f"Expired {result['expired_jobs']} job(s); removed {result['removed_files']} other file(s).")
