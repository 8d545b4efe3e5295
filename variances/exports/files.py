"""Render an export to a file atomically: for background (django-q2) export jobs.

The file appears under its final name only once complete (written as ``<name>.part`` then renamed),
so a job-status endpoint can serve whatever exists without ever handing out half a workbook.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .csv_export import export_filename, write_csv
from .excel_export import write_excel
from .meta import ExportMeta
from .pdf_export import write_pdf

# format name (as in /api/variances/export/<format>) -> (file extension, content type, writer)
FORMATS: dict[str, tuple[str, str, Callable[..., None]]] = {
    "csv": ("csv", "text/csv; charset=utf-8", write_csv),
    "excel": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_excel),
    "pdf": ("pdf", "application/pdf", write_pdf),
}


def write_export_file(
    fmt: str, rows: Iterable[Mapping[str, Any]], meta: ExportMeta, directory: os.PathLike | str, *, prefix: str = ""
) -> Path:
    """Write ``rows`` as ``fmt`` (csv/excel/pdf) into ``directory``; returns the finished file's path.

    The name is ``<prefix><export_filename(meta, ext)>``, e.g. ``job-42_variances_2026-11-23_all.xlsx``.
    """
    try:
        extension, _, writer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {sorted(FORMATS)}") from None
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{prefix}{export_filename(meta, extension)}"
    partial = final.with_name(final.name + ".part")
    try:
        writer(rows, meta, partial)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return final
