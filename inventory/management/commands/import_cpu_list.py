"""Load one of Microsoft's supported-processor lists into the CPU override table."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.models import CpuOverride
from inventory.windows11.cpu_list import CpuListError, decode, parse_cpu_list


class Command(BaseCommand):
    help = ("Import a Microsoft Windows 11 supported-processor list (CSV with Manufacturer, Series, Model columns) "
            "as CPU overrides. Existing overrides with the same pattern are left as they are.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 with or without BOM, or Windows-1252)")
        parser.add_argument("--unsupported", action="store_true",
                            help="Mark the listed processors unsupported instead of supported.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report without saving.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        try:
            cpu_list = parse_cpu_list(decode(raw))
        except CpuListError as exc:
            raise CommandError(f"{path}: {exc}.") from None

        supported = not options["unsupported"]
        patterns = [entry.pattern for entry in cpu_list.entries]
        # One query for what is already there, then one batched insert for the rest.
        existing = set(
            CpuOverride.objects.filter(match_type=CpuOverride.CONTAINS, pattern__in=patterns)
            .values_list("pattern", flat=True)
        ) if patterns else set()
        new = [
            CpuOverride(pattern=e.pattern, match_type=CpuOverride.CONTAINS, supported=supported,
                        source=CpuOverride.IMPORT, note=f"Microsoft list: {e.manufacturer} {e.series} {e.model}"[:255])
            for e in cpu_list.entries if e.pattern not in existing
        ]
        if not options["dry_run"]:
            with transaction.atomic():
                CpuOverride.objects.bulk_create(new, batch_size=500)
        verb = "would add" if options["dry_run"] else "added"
        self.stdout.write(
            f"{path.name}: {cpu_list.rows_read} rows read, {len(cpu_list.entries)} processors, {verb} {len(new)}, "
            f"{len(cpu_list.entries) - len(new)} already present, {cpu_list.duplicates} duplicate rows, "
            f"{cpu_list.skipped_blank} rows without a model skipped."
        )
