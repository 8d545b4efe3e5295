"""Fill the hub from the vendor simulators: the past days oldest first, then today.

    manage.py demo_collect [--days 7] [--force]

Before each day it tells both simulators (through their control endpoint, at
NINJA_BASE_URL and THREATLOCKER_BASE_URL) which day to serve, then runs
`collect --date` for it, so the snapshots, the reconciliation and the trends
get a realistic week. Days both vendors already have are skipped unless
--force. The simulators are set back to today at the end.
"""
import json
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inventory.models import Snapshot, Vendor


def control(base_url: str, offset: int):
    parts = urlsplit(base_url)
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}/_simulator/day",
                                     data=json.dumps({"offset": offset}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


class Command(BaseCommand):
    help = "Collect the last N days from the bundled vendor simulators (oldest first), for the demo."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Days to collect, today included.")
        parser.add_argument("--force", action="store_true", help="Collect days that already have data again.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        bases = [settings.NINJA_BASE_URL, settings.THREATLOCKER_BASE_URL]
        failures = []
        try:
            for offset in range(max(1, options["days"]) - 1, -1, -1):
                day = today - timedelta(days=offset)
                have = set(Snapshot.objects.filter(snapshot_date=day).values_list("vendor_id", flat=True).distinct())
                if not options["force"] and {Vendor.NINJA, Vendor.THREATLOCKER} <= have:
                    self.stdout.write(f"{day}: already collected")
                    continue
                for base in bases:
                    control(base, offset)
                try:
                    call_command("collect", date=day.isoformat(), stdout=self.stdout, stderr=self.stderr)
                except CommandError as exc:
                    failures.append(f"{day}: {exc}")
                    self.stderr.write(f"{day}: {exc}")
        except OSError as exc:
            raise CommandError(f"The simulators do not answer at {', '.join(bases)}: {exc}") from None
        finally:
            for base in bases:
                try:
                    control(base, 0)
                except OSError:
                    pass
        if failures:
            raise CommandError(f"{len(failures)} day(s) failed")
