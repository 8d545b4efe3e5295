"""CSV export, streamed: a generator of UTF-8 byte chunks for ``StreamingHttpResponse``.

Layout (documented in docs/exports.md), every line parseable with the ``csv`` module:

1. a UTF-8 byte-order mark (so Excel detects UTF-8; read with ``encoding="utf-8-sig"``);
2. the header row (the API field names of ``COLUMNS``), then one row per exception: the first line
   is the header, so ``csv.DictReader`` and every spreadsheet import read it as such.

Only when ``meta.metadata_rows`` is set (``?meta=true``) a metadata block comes first: one
``key,value`` row per ``ExportMeta.items()`` entry, then one empty line, then the header.

Text cells that a spreadsheet would evaluate (starting with ``= + - @``, tab or CR) get a leading
``'``. Rows are consumed from an iterator and written in chunks, never collected.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .columns import COLUMNS, FORMULA_TRIGGERS, TEXT, as_text, get, neutralise_formula
from .meta import ExportMeta

BOM = "\ufeff"
CHUNK_ROWS = 1000  # rows per yielded chunk: ~200 KB, few enough generator round-trips


_PLAN = tuple((c.key, c.kind == TEXT, c.compute) for c in COLUMNS)
_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)


def _cells(row: Mapping[str, Any]) -> list[str]:
    # The hot loop of a 50,000-row export: plain dict lookups and a first-character test.
    lookup = row.get if isinstance(row, dict) else (lambda key: get(row, key))
    cells = []
    for key, is_text, compute in _PLAN:
        value = lookup(key) if compute is None else compute(row)
        if value is None:
            cells.append("")
            continue
        text = value if type(value) is str else as_text(value)
        if is_text and text and text[0] in _TRIGGER_CHARS:
            text = "'" + text
        cells.append(text)
    return cells


def write_preamble(buffer, writer, meta, keys: list[str]) -> None:
    """What every CSV export starts with: the byte-order mark, the metadata block and an empty line when
    `meta.metadata_rows` asks for them (`meta.items()`: key, value pairs, formula text neutralised), then the
    header of column keys. Shared with billing's exports."""
    buffer.write(BOM)
    if meta.metadata_rows:
        for key, value in meta.items():
            writer.writerow([key, neutralise_formula(value)])
        writer.writerow([])
    writer.writerow(keys)


def iter_csv(rows: Iterable[Mapping[str, Any]], meta: ExportMeta, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Yield the CSV file as UTF-8 byte chunks (the first starts with the BOM, then the header unless
    ``meta.metadata_rows`` asks for the metadata block first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # excel dialect: RFC 4180 quoting, CRLF line ends

    def drain() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)
        return data

    write_preamble(buffer, writer, meta, [c.key for c in COLUMNS])
    yield drain()

    pending = 0
    for row in rows:
        writer.writerow(_cells(row))
        pending += 1
        if pending >= chunk_rows:
            yield drain()
            pending = 0
    if pending:
        yield drain()


def write_csv(rows: Iterable[Mapping[str, Any]], meta: ExportMeta, target) -> None:
    """Write the CSV to a binary file object or a path (for background jobs)."""
    if hasattr(target, "write"):
        for chunk in iter_csv(rows, meta):
            target.write(chunk)
        return
    with open(target, "wb") as handle:
        for chunk in iter_csv(rows, meta):
            handle.write(chunk)


def slug(text: str) -> str:
    """ASCII, lower case, dashes, at most 40 characters: an organization's name in a file name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]


def export_filename(meta: ExportMeta, extension: str) -> str:
    """``variances_<report date>_<variance type>[_<organization slug>].<ext>``, ASCII only.

    e.g. ``variances_2026-11-23_missing_in_ninja.csv``; ``latest`` stands in when there is no report.
    """
    date_part = meta.report_date.isoformat() if meta.report_date else "latest"
    type_part = re.sub(r"[^a-z0-9_]+", "", (meta.filters.variance_type or "all").lower()) or "all"
    parts = ["variances", date_part, type_part]
    if meta.filters.organization:
        parts.append(slug(meta.filters.organization) or "organization")
    return "_".join(parts) + "." + extension.lstrip(".")
