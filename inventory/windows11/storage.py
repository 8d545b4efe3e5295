"""Set-wise writes of assessment rows: multi-row INSERTs of pre-adapted values.

`bulk_create` builds a model instance per row and prepares every value
through each field (and Django caps SQLite statements at 999 parameters, so
50,000 rows take ~1,700 statements). Here the rows are plain tuples,
adapted once per column kind with the backend's own adapters, and each
statement carries as many rows as the database allows.
"""
import json
import sqlite3

from django.db import connection

# PostgreSQL's bind-parameter limit; SQLite's is read from the connection.
_POSTGRES_MAX_PARAMS = 65535


def max_query_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            return 999
    return connection.features.max_query_params or _POSTGRES_MAX_PARAMS


def column_adapters(model, field_names):
    """One function per column turning a Python value into what the driver takes."""
    ops = connection.ops
    adapters = []
    for name in field_names:
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapters.append(json.dumps)
        else:
            adapters.append(None)
    return adapters


def insert_rows(model, field_names, rows, adapted=()) -> int:
    """INSERT `rows` (tuples in `field_names` order). Columns whose index is in `adapted` are already adapted."""
    ops = connection.ops
    columns = [model._meta.get_field(name).column for name in field_names]
    adapters = [None if i in adapted else a for i, a in enumerate(column_adapters(model, field_names))]
    convert = [(i, a) for i, a in enumerate(adapters) if a is not None]
    per_statement = max(1, min(2000, max_query_params() // len(columns)))
    quoted = ", ".join(ops.quote_name(c) for c in columns)
    head = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({quoted}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    total = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            params = []
            extend = params.extend
            for row in chunk:
                if convert:
                    row = list(row)
                    for i, adapt in convert:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
                extend(row)
            cursor.execute(head + ", ".join([one] * len(chunk)), params)
            total += len(chunk)
    return total
