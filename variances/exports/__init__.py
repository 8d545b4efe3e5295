"""Variance exports: CSV, Excel and PDF renderers over plain data (no database, no HTTP).

Callers (the export endpoints, django-q2 jobs, admin actions) turn exception records into row
mappings (see ``columns.COLUMNS``) and build an ``ExportMeta``; the renderers do the rest.
"""

from .catalogue import ALL, VARIANCE_TYPE_CHOICES, VARIANCE_TYPES, VarianceTypeInfo
from .columns import COLUMN_KEYS, COLUMNS
from .csv_export import export_filename, iter_csv, write_csv
from .excel_export import write_excel
from .files import FORMATS, write_export_file
from .meta import DataStatus, ExportFilters, ExportMeta, summarise
from .pdf_export import write_pdf

#: content type by file extension
CONTENT_TYPES = {extension: content_type for extension, content_type, _ in FORMATS.values()}

__all__ = [
    "ALL",
    "COLUMNS",
    "COLUMN_KEYS",
    "CONTENT_TYPES",
    "VARIANCE_TYPES",
    "VARIANCE_TYPE_CHOICES",
    "DataStatus",
    "ExportFilters",
    "ExportMeta",
    "FORMATS",
    "VarianceTypeInfo",
    "export_filename",
    "iter_csv",
    "summarise",
    "write_csv",
    "write_excel",
    "write_export_file",
    "write_pdf",
]
