"""Reading Microsoft's published supported-processor lists (CSV: Manufacturer, Series, Model).

Lines starting with ``#`` are comments (the shipped files name their source
and date there: "# ... list of 2025-09-08.").

Each row becomes a `contains` override pattern in normal form: the model
alone when it carries letters ("i5-8250U" → "i5-8250u", "Gold 5215" →
"gold 5215", "3000G" → "3000g"), and prefixed with the series when it is a
bare number ("AMD Ryzen™ 5", "2600" → "ryzen 5 2600"; "Celeron®", "6305" →
"celeron 6305"), so a bare number never matches a different family.
"""
import csv
import io
import re
from dataclasses import dataclass, field

from inventory.windows11.brand import normalise_brand

REQUIRED_COLUMNS = ("manufacturer", "series", "model")
_LIST_DATE = re.compile(r"\blist of (\d{4}-\d{2}-\d{2})\b")
_SERIES_NOISE = re.compile(r"\b(?:intel|amd|qualcomm|\d+(?:st|nd|rd|th) generation|generation|series)\b")


class CpuListError(ValueError):
    pass


@dataclass
class CpuListEntry:
    manufacturer: str
    series: str
    model: str
    pattern: str


@dataclass
class CpuList:
    entries: list[CpuListEntry] = field(default_factory=list)
    rows_read: int = 0
    skipped_blank: int = 0
    duplicates: int = 0
    list_date: str | None = None  # from a "# ... list of YYYY-MM-DD" comment line, when there is one


def pattern_for(series: str, model: str) -> str:
    model_text = normalise_brand(model)
    if re.search(r"[a-z]", model_text):
        return model_text
    series_text = " ".join(_SERIES_NOISE.sub(" ", normalise_brand(series)).split())
    return f"{series_text} {model_text}".strip()


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Excel's CSV export)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_cpu_list(text: str) -> CpuList:
    """Entries of a Microsoft CPU list; tolerates a BOM, extra columns, blank lines and header case."""
    if "\x00" in text:
        raise CpuListError("the file is not a text CSV (it contains NUL bytes)")
    lines = [line for line in text.splitlines() if line.strip(" ,;\t")]
    comments = [line for line in lines if line.lstrip("\ufeff").startswith("#")]
    lines = [line for line in lines if not line.lstrip("\ufeff").startswith("#")]
    dated = next((m for m in (_LIST_DATE.search(line) for line in comments) if m), None)
    if not lines:
        raise CpuListError("the file is empty")
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO("\n".join(lines)), dialect)
    header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CpuListError(
            f"missing column(s) {', '.join(c.title() for c in missing)}; the first line must name the columns "
            f"Manufacturer, Series, Model (found: {', '.join(h for h in header if h) or 'nothing'})"
        )
    index = {c: header.index(c) for c in REQUIRED_COLUMNS}
    result, seen = CpuList(list_date=dated[1] if dated else None), set()
    for row in reader:
        result.rows_read += 1
        values = {c: (row[i].strip() if i < len(row) else "") for c, i in index.items()}
        if not values["model"]:
            result.skipped_blank += 1
            continue
        pattern = pattern_for(values["series"], values["model"])
        if not pattern:
            result.skipped_blank += 1
            continue
        row_key = tuple(values[c].casefold() for c in REQUIRED_COLUMNS)
        if row_key in seen:
            result.duplicates += 1
            continue
        seen.add(row_key)
        result.entries.append(CpuListEntry(values["manufacturer"], values["series"], values["model"], pattern))
    return result
