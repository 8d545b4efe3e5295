"""Refresh Microsoft's Windows 11 supported-processor lists (or load staff's list of refused parts)."""
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.models import CpuOverride
from inventory.windows11.cpu_list import CpuListError, decode, parse_cpu_list
from inventory.windows11.list_store import manufacturer_name, replace_entries
from inventory.windows11.microsoft_list import DATA_DIR, SHIPPED_FILES, ListEntry, MicrosoftList


class Command(BaseCommand):
    help = ("Refresh Microsoft's Windows 11 supported-processor lists from CSV files (Manufacturer, Series, Model "
            "columns, as Microsoft publishes them): the rows of each manufacturer in a file replace that "
            "manufacturer's rows. --shipped reloads the lists shipped with the hub. --unsupported instead loads "
            "the file as 'contains' overrides marking the processors unsupported.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="CSV file(s) (UTF-8 with or without BOM, or Windows-1252)")
        parser.add_argument("--shipped", action="store_true",
                            help="Reload the lists shipped in inventory/windows11/data/.")
        parser.add_argument("--date", help="Date of Microsoft's list (YYYY-MM-DD) when the file does not say.")
        parser.add_argument("--unsupported", action="store_true",
                            help="Load the listed processors as overrides marked unsupported (staff's own list).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report without saving.")

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["files"]]
        if options["shipped"]:
            paths += [DATA_DIR / name for name in SHIPPED_FILES]
        if not paths:
            raise CommandError("Name a CSV file, or use --shipped to reload the lists shipped with the hub.")
        list_date = options["date"]
        if list_date:
            try:
                date.fromisoformat(list_date)
            except ValueError:
                raise CommandError(f"--date {list_date!r} is not a YYYY-MM-DD date.") from None
        for path in paths:
            cpu_list = self._read(path)
            if options["unsupported"]:
                self._overrides(path, cpu_list, options["dry_run"])
            else:
                self._refresh(path, cpu_list, list_date or cpu_list.list_date or "", options["dry_run"])

    def _read(self, path: Path):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        try:
            return parse_cpu_list(decode(raw))
        except CpuListError as exc:
            raise CommandError(f"{path}: {exc}.") from None

    def _refresh(self, path: Path, cpu_list, list_date: str, dry_run: bool):
        entries = [ListEntry(manufacturer_name(e.manufacturer), e.series, e.model, path.name, list_date)
                   for e in cpu_list.entries]
        unmatched = MicrosoftList(entries).unmatched
        by_maker = {}
        for entry in entries:
            by_maker[entry.manufacturer] = by_maker.get(entry.manufacturer, 0) + 1
        makers = ", ".join(f"{maker} {n}" for maker, n in sorted(by_maker.items())) or "none"
        if dry_run:
            action = f"would replace the rows of {', '.join(sorted(by_maker)) or 'no manufacturer'}"
        else:
            deleted, inserted = replace_entries(entries)
            action = f"replaced {deleted} rows with {inserted}"
        self.stdout.write(
            f"{path.name}: {cpu_list.rows_read} rows read, {len(entries)} processors ({makers}), "
            f"list of {list_date or 'an unknown date'}, {cpu_list.duplicates} duplicate rows, "
            f"{cpu_list.skipped_blank} rows without a model skipped; {action}."
        )
        if unmatched:
            names = "; ".join(e.name for e in unmatched[:10])
            self.stdout.write(f"  {len(unmatched)} rows match no brand-string family and will never match: {names}")

    def _overrides(self, path: Path, cpu_list, dry_run: bool):
        # One override per pattern (two list rows can reduce to the same pattern).
        entries = list({entry.pattern: entry for entry in reversed(cpu_list.entries)}.values())[::-1]
        patterns = [entry.pattern for entry in entries]
        # One query for what is already there, then one batched insert for the rest.
        existing = set(
            CpuOverride.objects.filter(match_type=CpuOverride.CONTAINS, pattern__in=patterns)
            .values_list("pattern", flat=True)
        ) if patterns else set()
        new = [
            CpuOverride(pattern=e.pattern, match_type=CpuOverride.CONTAINS, supported=False,
                        source=CpuOverride.IMPORT, note=f"Imported as unsupported: {e.manufacturer} {e.series} "
                        f"{e.model}"[:255])
            for e in entries if e.pattern not in existing
        ]
        if not dry_run:
            with transaction.atomic():
                CpuOverride.objects.bulk_create(new, batch_size=500)
        verb = "would add" if dry_run else "added"
        self.stdout.write(
            f"{path.name}: {cpu_list.rows_read} rows read, {len(entries)} processors, {verb} {len(new)} "
            f"unsupported overrides, {len(entries) - len(new)} already present, {cpu_list.duplicates} "
            f"duplicate rows, {cpu_list.skipped_blank} rows without a model skipped."
        )
