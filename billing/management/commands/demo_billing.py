"""`manage.py demo_billing --tenants FILE [--days 7] [--force]`: the demo's billing data from the simulators.

Registers the Graph simulator's tenants (FILE: what `simulate_vendors --graph-tenants` wrote) on the demo
organizations, seeds the billing map's defaults, collects Microsoft 365 and the ConnectWise agreements for the
last N days (today included) and measures those days (billing/demo.py). Idempotent: a re-run changes nothing.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.demo import demo_billing
from billing.m365.tenants import TenantFileError


class Command(BaseCommand):
    help = "Register the simulator's Microsoft 365 tenants, seed the billing map, collect and measure the demo days."

    def add_arguments(self, parser):
        parser.add_argument("--tenants", required=True, help="organization,tenant_id CSV of the Graph simulator.")
        parser.add_argument("--days", type=int, default=7, help="Days to collect, today included (1-60).")
        parser.add_argument("--force", action="store_true", help="Collect days that already have data again.")

    def handle(self, *args, **options):
        if not 1 <= options["days"] <= 60:
            raise CommandError(f"--days must be 1-60, not {options['days']}.")
        try:
            result = demo_billing(options["tenants"], days=options["days"], today=timezone.localdate(),
                                  force=options["force"], out=self.stdout)
        except OSError as exc:
            raise CommandError(f"cannot read {options['tenants']}: {exc.strerror or exc}") from None
        except TenantFileError as exc:
            raise CommandError(f"{options['tenants']}: no tenant registered (collect NinjaOne first): {exc}") from None
        t = result.tenants
        self.stdout.write(f"Microsoft 365 tenants: {t['created']} added, {t['updated']} updated, "
                          f"{t['unchanged']} unchanged. Billing map rules created: "
                          f"{', '.join(result.rules_created) or 'none'}.")
        self.stdout.write(f"Billing days collected: {len(result.collected)}, already there: {len(result.skipped)}; "
                          f"measured quantities: {sum(result.measured.values())} rows over "
                          f"{len(result.measured)} days.")
        if result.failures:
            raise CommandError(f"{len(result.failures)} collection(s) failed: {'; '.join(result.failures)}")
