from django.core.management.base import BaseCommand, CommandError

from esinv.inputs import text_problem
from esinv.models import APIKey


class Command(BaseCommand):
    help = ("Create an API key and print it once. Keys are read-only unless --write is given, and may not use "
            "billing unless --billing is given.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="A unique name for the caller, e.g. 'dashboard'.")
        parser.add_argument("--write", action="store_true", help="Allow POST endpoints (collect, resolve, ...).")
        parser.add_argument("--billing", action="store_true",
                            help="Billing scope: allow /api/billing/ (read; resolve and accept with --write).")

    def handle(self, name, write, billing, **options):
        problem = text_problem(name, APIKey._meta.get_field("name").max_length)
        if problem or not name.strip():
            raise CommandError(f"The key name {problem[1] if problem else 'is blank'}.")
        if APIKey.objects.filter(name=name).exists():
            raise CommandError(
                f"An API key named {name!r} already exists; revoke it in the admin or pick another name."
            )
        key, raw = APIKey.issue(name, can_write=write, billing_scope=billing)
        scope = " with the billing scope" if billing else " (no billing scope)"
        self.stderr.write(f"Created {'write' if write else 'read-only'} key {key.name!r}{scope}. "
                          "It is shown only once:")
        self.stdout.write(raw)
