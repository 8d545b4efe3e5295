"""`manage.py import_m365_tenants FILE [--create]`: client tenant ids from a CSV (organization,tenant_id[,enabled])."""
from django.core.management.base import BaseCommand, CommandError

from billing.m365.tenants import TenantFileError, install_tenants, parse_tenant_lines


class Command(BaseCommand):
    help = ("Set the Microsoft 365 tenant of many organizations from a CSV of organization,tenant_id[,enabled] "
            "(organizations matched by name or alias). Nothing is written unless the whole file is valid.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--create", action="store_true", help="Create organizations the hub does not know yet.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                counts = install_tenants(parse_tenant_lines(handle), create=options["create"])
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{options['file']} is not UTF-8 text") from None
        except TenantFileError as exc:
            raise CommandError(f"{options['file']}: nothing imported: {exc}") from None
        self.stdout.write(f"{counts['created']} tenants added, {counts['updated']} updated, {counts['unchanged']} "
                          f"unchanged" + (f"; {counts['organizations_created']} organizations created"
                                          if counts["organizations_created"] else ""))
