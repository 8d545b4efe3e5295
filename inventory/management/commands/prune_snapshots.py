from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inventory.models import Vendor
from inventory.retention import prune_snapshots


class Command(BaseCommand):
    help = (
        "Delete daily snapshot rows older than ESINV_SNAPSHOT_RETENTION_DAYS, keeping each month's last "
        "snapshot (QBR reads it); the same for the tables other apps register (billing's daily tables). Runs in "
        "batches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=None, help="Override the retention window.")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, keep_days, batch_size, dry_run, **options):
        keep_days = settings.ESINV_SNAPSHOT_RETENTION_DAYS if keep_days is None else keep_days
        if keep_days < 31:
            raise CommandError("--keep-days must be at least 31 so the current month stays whole.")
        if batch_size < 1:
            raise CommandError("--batch-size must be positive.")
        summary = prune_snapshots(timezone.localdate(), keep_days, batch_size=batch_size, dry_run=dry_run)
        names = dict(Vendor.objects.values_list("id", "name"))
        verb = "Would delete" if dry_run else "Deleted"
        for vendor_id, count in summary["deleted"].items():
            days = summary["dates"][vendor_id]
            self.stdout.write(f"{verb} {count} {names.get(vendor_id, vendor_id)} rows from {len(days)} day(s).")
        for label, table in summary["tables"].items():
            self.stdout.write(f"{verb} {table['deleted']} {label} rows from {len(table['dates'])} day(s).")
