"""`migrate` that several web processes may start at once: on PostgreSQL one takes an advisory lock and
migrates while the others wait for it, then find nothing left to do (deploy/web runs this)."""
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed 64-bit number, the same in every process of the hub.
MIGRATE_LOCK_ID = 0x65736976_6D696772  # "esivmigr"


class Command(BaseCommand):
    help = "Apply migrations, one process at a time (PostgreSQL advisory lock)."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if connection.vendor != "postgresql":  # SQLite: one host, writers already serialised
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_ID])
            try:
                call_command("migrate", interactive=False, verbosity=verbosity)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_ID])
