"""Whether the database answers: the health endpoints' check (esinv/api/views.py)."""
from django.db import connection
from django.db.utils import DatabaseError


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except DatabaseError as exc:  # the server is down or refuses us
        return False, f"database unreachable: {exc.__class__.__name__}"
