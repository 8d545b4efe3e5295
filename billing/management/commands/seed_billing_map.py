"""Create the MSP-wide billing map defaults for the simulator's products (billing/billing_map.py, DEFAULT_MAP)."""
from django.core.management.base import BaseCommand

from billing.billing_map import seed_defaults


class Command(BaseCommand):
    help = ("Create the MSP-wide billing map rules (MANAGED-WS, MANAGED-SRV, THREATLOCKER, BACKUP-M365) "
            "that are missing.")

    def handle(self, *args, **options):
        created, kept = seed_defaults()
        self.stdout.write(f"Billing map: {len(created)} rules created ({', '.join(created) or 'none'}), "
                          f"{len(kept)} already present ({', '.join(kept) or 'none'}).")
