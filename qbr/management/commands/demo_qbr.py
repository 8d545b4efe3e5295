"""Give the demo's QBR page numbers: `manage.py demo_qbr [--quarters 2] [--no-connectwise]`.

For every month of the last N quarters that has begun: ConnectWise Manage
ticket metrics through the collector (from CONNECTWISE_BASE_URL; bin/demo
points it at the bundled simulator), seats and endpoints from the NinjaOne
snapshots, sample manual metrics for the MSP and its clients (qbr/demo.py,
actor "demo"); and the default thresholds where missing. Running it again
gives the same numbers; values staff entered are left alone.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from collectors.clients.base import VendorError
from qbr import demo


class Command(BaseCommand):
    help = "Fill the QBR numbers of the demo: ConnectWise from its simulator, sample manual metrics, thresholds."

    def add_arguments(self, parser):
        parser.add_argument("--quarters", type=int, default=2,
                            help=f"Quarters to fill, the current one included (1-{demo.MAX_QUARTERS}).")
        parser.add_argument("--no-connectwise", action="store_true",
                            help="Do not collect ConnectWise (its metrics stay as they are).")

    def handle(self, *args, quarters=2, no_connectwise=False, **options):
        try:
            months = demo.demo_months(timezone.localdate(), quarters)
        except ValueError as exc:
            raise CommandError(f"--quarters: {exc}") from None
        say = self.stdout.write
        say(f"QBR demo for {months[0]} to {months[-1]}:")
        made = demo.ensure_default_thresholds()
        say(f"Default thresholds: {made} created." if made else "Default thresholds: all present.")
        outcome = demo.enter_sample_metrics(months)
        say(f"Sample manual metrics: {outcome.written} written, {outcome.unchanged} unchanged"
            + (f", {len(outcome.kept)} entered by someone else left alone" if outcome.kept else "") + ".")
        seats = demo.collect_seats(months, progress=say)
        if not seats:
            say("NinjaOne: no snapshot in these months, so no seats or endpoints.")
        if no_connectwise:
            say("ConnectWise: skipped (--no-connectwise).")
            return
        try:
            demo.collect_connectwise(months, progress=say)
        except VendorError as exc:
            raise CommandError(f"{exc} (the other QBR numbers are in place; --no-connectwise skips it)") from None
