"""Export metadata: what the report is (date, data status, filters) and its summary numbers.

The summary counts are passed in, not recomputed, so a file says exactly what the API says.
``summarise`` computes them from rows for callers (tests, bench, admin actions) that have no API
numbers at hand.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .catalogue import ALL, VARIANCE_TYPES, lookup, type_order
from .columns import get


@dataclass(frozen=True)
class ExportFilters:
    """The request's filters, echoed in every file."""

    date: str = "latest"  # as requested: "latest" or YYYY-MM-DD
    include_resolved: bool = False
    variance_type: str = ALL  # "all" or a variance_type name
    organization: str | None = None


@dataclass(frozen=True)
class DataStatus:
    """The variance report's freshness: current / stale_data / out_of_sync / no_data, and its message."""

    status: str
    message: str = ""


@dataclass(frozen=True)
class ExportMeta:
    generated_at: dt.datetime
    report_date: dt.date | None
    data_status: DataStatus
    filters: ExportFilters = field(default_factory=ExportFilters)
    #: exceptions per type, keyed by type code (MISSING_NINJA) or variance_type (normalised to codes)
    counts_by_type: Mapping[str, int] = field(default_factory=dict)
    #: exceptions per organization name
    counts_by_organization: Mapping[str, int] = field(default_factory=dict)
    #: daily totals per type code for the PDF trend chart, oldest first: [(date, {code: count})]
    trend: Sequence[tuple[dt.date, Mapping[str, int]]] = ()
    title: str = "Variance report"
    #: CSV only: put the metadata block (``items()``), then an empty line, before the header (``?meta=true``)
    metadata_rows: bool = False
    #: the MSP's name, on every page of the PDF (setting ESINV_MSP_NAME; renderers read no settings)
    msp_name: str = "Your MSP"

    def __post_init__(self) -> None:
        normalised: dict[str, int] = {}
        for key, count in self.counts_by_type.items():
            info = lookup(key)
            code = info.code if info else key
            normalised[code] = normalised.get(code, 0) + int(count)
        ordered = dict(sorted(normalised.items(), key=lambda item: type_order(item[0])))
        object.__setattr__(self, "counts_by_type", ordered)

    @property
    def total(self) -> int:
        return sum(self.counts_by_type.values())

    def organizations_by_count(self) -> list[tuple[str, int]]:
        """Organizations, most exceptions first, then by name."""
        return sorted(self.counts_by_organization.items(), key=lambda item: (-item[1], item[0].casefold()))

    def items(self) -> list[tuple[str, str]]:
        """The metadata as (key, value) text pairs: the CSV metadata block and the Excel Summary header."""
        pairs = [
            ("report", self.title),
            ("generated_at", self.generated_at.isoformat(timespec="seconds")),
            ("report_date", self.report_date.isoformat() if self.report_date else ""),
            ("data_status", self.data_status.status),
            ("data_status_message", self.data_status.message),
            ("filter_date", self.filters.date),
            ("filter_include_resolved", "true" if self.filters.include_resolved else "false"),
            ("filter_variance_type", self.filters.variance_type),
            ("filter_organization", self.filters.organization or ""),
            ("total_exceptions", str(self.total)),
        ]
        pairs += [(f"count_{t.variance_type}", str(self.counts_by_type.get(t.code, 0))) for t in VARIANCE_TYPES]
        return pairs


def row_type_code(row: Mapping[str, Any] | Any) -> str:
    """The row's type code (MISSING_NINJA), from ``type`` or else ``variance_type``; '' when neither is set."""
    info = lookup(get(row, "type")) or lookup(get(row, "variance_type"))
    if info:
        return info.code
    return str(get(row, "type") or get(row, "variance_type") or "")


def summarise(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """(counts by type code, counts by organization) of the given rows."""
    by_type: Counter[str] = Counter()
    by_org: Counter[str] = Counter()
    for row in rows:
        by_type[row_type_code(row)] += 1
        by_org[str(get(row, "organization") or "")] += 1
    return dict(by_type), dict(by_org)
