"""A throwaway database for the benchmarks that build their own: a SQLite file, or PostgreSQL on request.

    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/esinv .venv/bin/python bench/collect_50k.py

With `BENCH_POSTGRES_URL` set, a fresh database `esinv_bench_<pid>` is created on
that server (the URL's database is only used to connect) and dropped afterwards;
otherwise a SQLite file in `tmp`.
"""
import os
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


@contextmanager
def throwaway_database_url(tmp: str):
    server = os.environ.get("BENCH_POSTGRES_URL", "")
    if not server:
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    import psycopg2

    parts = urlsplit(server)
    name = f"esinv_bench_{os.getpid()}"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
