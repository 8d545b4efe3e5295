"""The one bulk-insert helper: many rows of plain values into one table, as fast as each backend allows.

`bulk_create` builds a model instance per row and prepares every value through
its field (tens of thousands of rows x dozens of columns is most of a
collection, a reconciliation or a Windows 11 run), and Django caps SQLite
statements at 999 parameters. The callers here already hold plain Python
values of the right type (clipped by the collectors' mappers, built by the
engines), so the rows go to the database as tuples:

- PostgreSQL: `COPY table (columns) FROM STDIN` in the text format, a chunk of
  rows per COPY;
- SQLite: one prepared `INSERT` run with `executemany` per chunk;
- any other backend: multi-row `INSERT ... VALUES (...), (...)` statements as
  large as its parameter limit allows.

Values are adapted once per column kind with the backend's own adapters
(datetimes, dates, JSON); a caller that already adapted some columns (a date or
timestamp shared by every row, prepared once with `prepared`) names them in
`adapted`. `bench/collect_50k.py`, `bench/variances_50k.py` and
`bench/windows11_50k.py` measure it (numbers in bench/README.md).
"""
import io
import itertools
import json
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import connection

CHUNK_ROWS = 2000  # rows per executemany / INSERT: bounded memory, few round trips
COPY_CHUNK_ROWS = 20000  # rows per COPY (PostgreSQL): one round trip for most calls, a few MB of text
ALL = "all"  # adapted=ALL: every column is already what the driver takes
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def prepared(model, field_name: str, value):
    """`value` as the ORM would send it for `field_name` (do it once, reuse it in every row; name it in `adapted`)."""
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def _sqlite_utc_datetime(value):
    """SQLite's own adaptation of a datetime (naive UTC, as text) without its per-value checks.

    The same text as `connection.ops.adapt_datetimefield_value` when the connection's time zone is UTC
    (Django's default with USE_TZ); several times cheaper, which matters at 100,000 values a collection.
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


def _datetime_adapter():
    if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC":
        return _sqlite_utc_datetime
    return connection.ops.adapt_datetimefield_value


def _adapters(model, field_names) -> list:
    """One function per column turning a Python value into what the driver takes (None: as it is)."""
    ops = connection.ops
    adapters = []
    for name in field_names:
        kind = model._meta.get_field(name).get_internal_type()
        if kind == "DateTimeField":
            adapters.append(_datetime_adapter())
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapters.append(json.dumps)
        else:
            adapters.append(None)
    return adapters


def _copy_field(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy(cursor, sql: str, text: str):
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):  # psycopg2
        raw.copy_expert(sql, io.StringIO(text))
    else:  # psycopg 3
        with raw.copy(sql) as copy:
            copy.write(text)


def insert_rows(model, field_names, rows, *, adapted=(), chunk_rows: int = CHUNK_ROWS) -> int:
    """INSERT `rows` (tuples or lists of values in `field_names` order; any iterable) into `model`'s table.

    `field_names` are model field names (`run` or `run_id` for a foreign key). Columns whose index is in
    `adapted` (or every column with `adapted=ALL`) are sent as they are; the others are adapted in place
    in rows given as lists (give tuples to keep them). Returns the number of rows.
    Runs in the caller's transaction; no model instances, no signals, no ids read back.
    """
    ops = connection.ops
    field_names = list(field_names)
    columns = [model._meta.get_field(name).column for name in field_names]
    convert = [] if adapted == ALL else [
        (i, adapt) for i, adapt in enumerate(_adapters(model, field_names)) if adapt is not None and i not in adapted
    ]
    table = ops.quote_name(model._meta.db_table)
    quoted = ", ".join(ops.quote_name(c) for c in columns)
    vendor = connection.vendor
    if vendor == "postgresql":
        chunk_rows = max(chunk_rows, COPY_CHUNK_ROWS)
    elif vendor != "sqlite":
        chunk_rows = max(1, min(chunk_rows, (connection.features.max_query_params or 65535) // len(columns)))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    total = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(iterator, chunk_rows)):
            if convert:
                # Lists are adapted in place (the caller built them for this); tuples are copied.
                chunk = [row if type(row) is list else list(row) for row in chunk]
                for row in chunk:
                    for i, adapt in convert:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
            if vendor == "postgresql":
                text = "".join("\t".join(map(_copy_field, row)) + "\n" for row in chunk)
                _copy(cursor, f"COPY {table} ({quoted}) FROM STDIN", text)
            elif vendor == "sqlite":
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES {one}", chunk)
            else:
                cursor.execute(f"INSERT INTO {table} ({quoted}) VALUES " + ", ".join([one] * len(chunk)),
                               [value for row in chunk for value in row])
            total += len(chunk)
    return total


def update_rows(model, field_names, rows, *, chunk_rows: int = CHUNK_ROWS) -> int:
    """UPDATE rows of `model` by primary key: `rows` are `(pk, value, ...)` with the values in `field_names` order.

    Each value is prepared by its field, as `save` would (JSON, dates, foreign keys by `name` or `name_id`).
    One prepared UPDATE run with `executemany` per chunk: `bulk_update` builds a `CASE WHEN` per row and
    field, about 60 times slower for a few hundred rows of JSON. Runs in the caller's transaction; no
    signals, `auto_now` fields untouched (like `bulk_update`). Returns the number of rows given.
    """
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{ops.quote_name(field.column)} = %s" for field in fields)
    sql = (f"UPDATE {ops.quote_name(model._meta.db_table)} SET {assignments} "
           f"WHERE {ops.quote_name(model._meta.pk.column)} = %s")
    total = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(iterator, chunk_rows)):
            cursor.executemany(sql, [
                [field.get_db_prep_save(value, connection) for field, value in zip(fields, row[1:], strict=True)]
                + [row[0]]
                for row in chunk
            ])
            total += len(chunk)
    return total
