"""Human names of Microsoft 365 SKUs (`skuPartNumber` -> "Microsoft 365 Business Premium").

Two sources, imported names first: the `M365ProductName` rows staff loaded from Microsoft's CSV ("Product names
and service plan identifiers for licensing": columns String_Id and Product_Display_Name, optionally GUID; one
row per product and service plan) with `manage.py import_m365_sku_names FILE|URL|--download` (the download:
billing/m365/sku_download.py), then the table shipped in billing/data/m365_product_names.csv (its header says
where it comes from; `write_shipped_names` rewrites it, `import_m365_sku_names --write-shipped SOURCE`). A part
number neither knows is shown as it is.
"""
import csv
import io
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "m365_product_names.csv"
REQUIRED = ("String_Id", "Product_Display_Name")
# The caps of a product-names CSV, a file or a download (billing.m365.sku_download): Microsoft's file is about
# 1 MB and 5,000 rows (one per product and service plan); anything 20 times that is not it.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


def parse_product_names(lines: Iterable[str], warnings: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """{String_Id: (Product_Display_Name, GUID or "")} from CSV lines; lines starting with `#` are comments.

    Column names match case-insensitively (a UTF-8 BOM is ignored). A String_Id seen again keeps its first row
    (Microsoft's file repeats each product once per service plan); one seen again with another name, or one
    differing only in case from an earlier one (Graph part numbers are upper case: `spb` is not a second
    product), is skipped with a line in `warnings`. Raises ValueError naming the missing columns, a row that is
    not storable text, or more than MAX_ROWS rows."""
    rows = (line.lstrip("\ufeff") for line in lines)
    reader = csv.DictReader(line for line in rows if not line.lstrip().startswith("#"))
    try:
        columns = {name.strip().lower(): name for name in reader.fieldnames or []}
        missing = [name for name in REQUIRED if name.lower() not in columns]
        if missing:
            found = ", ".join(reader.fieldnames or []) or "none"
            raise ValueError(f"missing column(s) {', '.join(missing)} (found: {found})")
        sid, label, guid = columns["string_id"], columns["product_display_name"], columns.get("guid")
        names: dict[str, tuple[str, str]] = {}
        folded: dict[str, str] = {}  # casefolded String_Id -> the first spelling
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise ValueError(f"more than {MAX_ROWS:,} rows; Microsoft's file has about 5,000")
            code = (row.get(sid) or "").strip()
            name = " ".join((row.get(label) or "").split())
            if not code or not name:
                continue
            if "\x00" in code or "\x00" in name or len(code) > 200 or len(name) > 200:
                raise ValueError(f"row {number}: String_Id or Product_Display_Name is not storable text")
            first = folded.setdefault(code.casefold(), code)
            if first != code:
                _warn(warnings, f"row {number}: String_Id {code!r} differs only in case from {first!r}; skipped")
            elif code in names and names[code][0] != name:
                _warn(warnings, f"row {number}: String_Id {code!r} named {name!r} again; kept the first name "
                                f"{names[code][0]!r}")
            else:
                names.setdefault(code, (name, (row.get(guid) or "").strip().lower()[:36] if guid else ""))
    except csv.Error as exc:  # a field over the csv module's limit, a NUL in a line
        raise ValueError(f"not a readable CSV: {exc}") from None
    return names


def _warn(warnings: list[str] | None, message: str) -> None:
    if warnings is not None:
        warnings.append(message)


@lru_cache(maxsize=1)
def shipped_names() -> dict[str, str]:
    with SHIPPED.open(encoding="utf-8") as handle:
        return {code: name for code, (name, _) in parse_product_names(handle).items()}


def product_names() -> dict[str, str]:
    """Every known part number's name: shipped, overridden by imported."""
    from billing.models import M365ProductName

    names = dict(shipped_names())
    names.update(M365ProductName.objects.values_list("string_id", "display_name"))
    return names


def product_name(part_number: str, names: dict[str, str] | None = None) -> str:
    """The product's name, or the part number itself when no table knows it."""
    names = product_names() if names is None else names
    return names.get(part_number) or part_number


def import_product_names(path: str | Path, warnings: list[str] | None = None) -> dict[str, int]:
    """Load a product-names CSV file into M365ProductName (upsert by String_Id); {"created", "updated",
    "unchanged", "skipped"}. Raises OSError, UnicodeDecodeError or ValueError (no columns, no rows, too large),
    changing nothing."""
    return import_names(read_product_names(path, warnings), Path(path).name, warnings)


def read_product_names(path: str | Path, warnings: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """`parse_product_names` of a file (UTF-8, a BOM is fine); ValueError when it is larger than MAX_BYTES (the
    download's cap; read up to there, so a device or a pipe is refused too) or holds no product row."""
    with Path(path).open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is larger than {MAX_BYTES:,} bytes; Microsoft's file is about 1 MB")
    names = parse_product_names(io.StringIO(data.decode("utf-8-sig"), newline=""), warnings)
    if not names:
        raise ValueError("no product rows found")
    return names


def import_names(names: dict[str, tuple[str, str]], source: str, warnings: list[str] | None = None) -> dict[str, int]:
    """Upsert parsed names into M365ProductName in one transaction, `source` (a file name or URL) kept on the
    rows written; {"created", "updated", "unchanged", "skipped"}. A new String_Id differing only in case from a
    known one (imported or shipped) is skipped with a line in `warnings`, not added as a second product."""
    from django.db import transaction

    from billing.models import M365ProductName

    if not names:
        raise ValueError("no product rows found")
    source = source[:M365ProductName._meta.get_field("source").max_length]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    with transaction.atomic():
        existing = {row.string_id: row for row in M365ProductName.objects.select_for_update()}
        known = {code.casefold(): code for code in [*existing, *shipped_names()]}  # the shipped spelling wins
        for code, (name, guid) in names.items():
            row = existing.get(code)
            other = known.get(code.casefold())
            if row is None and other is not None and other != code:
                _warn(warnings, f"String_Id {code!r} differs only in case from the known {other!r}; skipped")
                counts["skipped"] += 1
            elif row is None:
                M365ProductName.objects.create(string_id=code, display_name=name, sku_id=guid, source=source)
                counts["created"] += 1
            elif (row.display_name, row.sku_id) != (name, guid):
                row.display_name, row.sku_id, row.source = name, guid, source
                row.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


SHIPPED_TITLE = "# Microsoft 365 product names by SKU part number (subscribedSkus[].skuPartNumber = String_Id)."


def write_shipped_names(names: dict[str, str], path: str | Path, source: str, *, when: date | None = None) -> int:
    """Write the shipped table (the format of billing/data/m365_product_names.csv) to `path`: a comment header
    naming `source` and the date, then `String_Id,Product_Display_Name` sorted by String_Id. The file is replaced
    atomically (a temporary file beside it, then renamed). Returns the number of products written.

    `names` is {String_Id: Product_Display_Name} (what `parse_product_names` keeps: the first name of each
    distinct stripped String_Id). ValueError when it is empty or a String_Id would read back as a comment."""
    rows = {}
    for code, name in names.items():
        code, name = str(code).strip(), " ".join(str(name).split())
        if not code or not name:
            continue
        if code.startswith("#"):
            raise ValueError(f"String_Id {code!r} starts with '#' and would be read as a comment")
        rows.setdefault(code, name)
    if not rows:
        raise ValueError("no product rows to write")
    when = when or date.today()
    source = " ".join(str(source).split())
    buffer = io.StringIO()
    buffer.write(
        f"{SHIPPED_TITLE}\n"
        f"# Source: Microsoft's \"Product names and service plan identifiers for licensing\" CSV ({source}),\n"
        f"# written on {when.isoformat()} by `manage.py import_m365_sku_names --write-shipped SOURCE`: each distinct\n"
        f"# String_Id with its first Product_Display_Name ({len(rows)} products). Imported names\n"
        "# (`manage.py import_m365_sku_names FILE|URL|--download`) win over this file. Unknown part numbers show the\n"
        "# raw code.\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REQUIRED)
    writer.writerows(sorted(rows.items()))
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if path.resolve() == SHIPPED:
        shipped_names.cache_clear()
    return len(rows)
