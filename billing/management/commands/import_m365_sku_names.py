"""`manage.py import_m365_sku_names FILE|URL|--download [--write-shipped]`: Microsoft's product-names CSV.

Imports the names (they then win over the shipped table), or with `--write-shipped` rewrites the shipped table
billing/data/m365_product_names.csv instead (for maintainers). The work is in billing.m365.sku_download.
"""
from django.core.management.base import BaseCommand, CommandError

from billing.m365.sku_download import DownloadError, is_url, refresh_product_names, write_shipped
from billing.settings import value

WARNINGS_SHOWN = 20


class Command(BaseCommand):
    help = ("Import Microsoft's 'Product names and service plan identifiers for licensing' CSV from a file or an "
            "http(s) URL (--download: ESINV_M365_PRODUCT_NAMES_URL, Microsoft's download): the names then win over "
            "the shipped table (billing/data/m365_product_names.csv). --write-shipped rewrites that table instead.")

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", metavar="FILE_OR_URL",
                            help="the CSV, a file or an http(s) URL (columns String_Id and Product_Display_Name; "
                                 "GUID optional)")
        parser.add_argument("--download", action="store_true",
                            help="read ESINV_M365_PRODUCT_NAMES_URL (default: Microsoft's official download)")
        parser.add_argument("--write-shipped", action="store_true",
                            help="rewrite billing/data/m365_product_names.csv from the source (distinct String_Id, "
                                 "first name, sorted) instead of importing into the database")

    def handle(self, *args, **options):
        source = options["source"]
        if options["download"]:
            if source:
                raise CommandError("give FILE_OR_URL or --download, not both")
            source = str(value("ESINV_M365_PRODUCT_NAMES_URL") or "").strip()
            if not source:
                raise CommandError("ESINV_M365_PRODUCT_NAMES_URL is empty")
        if not source:
            raise CommandError("give FILE_OR_URL, or --download for ESINV_M365_PRODUCT_NAMES_URL")
        warnings: list[str] = []
        try:
            if options["write_shipped"]:
                written, path = write_shipped(source, warnings=warnings)
            else:
                counts = refresh_product_names(source, warnings)
        except DownloadError as exc:
            raise CommandError(f"cannot download product names from {exc}") from None
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror or exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            what = "the answer of " if is_url(source) else ""
            raise CommandError(f"{what}{source} is not a product-names CSV: {exc}") from None
        for line in warnings[:WARNINGS_SHOWN]:
            self.stderr.write(f"warning: {line}")
        if len(warnings) > WARNINGS_SHOWN:
            self.stderr.write(f"warning: {len(warnings) - WARNINGS_SHOWN} more not shown")
        if options["write_shipped"]:
            self.stdout.write(f"{written} product names written to {path}")
        else:
            skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
            self.stdout.write(f"{counts['created']} product names added, {counts['updated']} updated, "
                              f"{counts['unchanged']} unchanged{skipped}")
