"""`manage.py import_m365_sku_names FILE`: load Microsoft's product-names CSV (String_Id, Product_Display_Name)."""
from django.core.management.base import BaseCommand, CommandError

from billing.m365.sku_names import import_product_names


class Command(BaseCommand):
    help = ("Import Microsoft's 'Product names and service plan identifiers for licensing' CSV: the names then "
            "win over the shipped table (billing/data/m365_product_names.csv).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV (columns String_Id and Product_Display_Name; GUID optional)")

    def handle(self, *args, **options):
        try:
            counts = import_product_names(options["file"])
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['file']} is not a product-names CSV: {exc}") from None
        self.stdout.write(f"{counts['created']} product names added, {counts['updated']} updated, "
                          f"{counts['unchanged']} unchanged")
