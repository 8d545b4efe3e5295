"""Human names of Microsoft 365 SKUs (`skuPartNumber` -> "Microsoft 365 Business Premium").

Two sources, imported names first: the `M365ProductName` rows staff loaded from Microsoft's CSV ("Product names
and service plan identifiers for licensing": columns String_Id and Product_Display_Name, optionally GUID; one
row per product and service plan) with `manage.py import_m365_sku_names FILE`, then the table shipped in
billing/data/m365_product_names.csv (its header says where it comes from). A part number neither knows is shown
as it is.
"""
import csv
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "m365_product_names.csv"
REQUIRED = ("String_Id", "Product_Display_Name")


def parse_product_names(lines: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{String_Id: (Product_Display_Name, GUID or "")} from CSV lines; lines starting with `#` are comments.

    Column names match case-insensitively (a UTF-8 BOM is ignored). Raises ValueError naming the missing
    columns, or a row whose String_Id carries two different names."""
    rows = (line.lstrip("\ufeff") for line in lines)
    reader = csv.DictReader(line for line in rows if not line.lstrip().startswith("#"))
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name.lower() not in columns]
    if missing:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise ValueError(f"missing column(s) {', '.join(missing)} (found: {found})")
    sid, label, guid = columns["string_id"], columns["product_display_name"], columns.get("guid")
    names: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        code = (row.get(sid) or "").strip()
        name = " ".join((row.get(label) or "").split())
        if not code or not name:
            continue
        if "\x00" in code or "\x00" in name or len(code) > 100 or len(name) > 200:
            raise ValueError(f"row {number}: String_Id or Product_Display_Name is not storable text")
        names.setdefault(code, (name, (row.get(guid) or "").strip().lower()[:36] if guid else ""))
    return names


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


def import_product_names(path: str | Path) -> dict[str, int]:
    """Load a product-names CSV into M365ProductName (upsert by String_Id); {"created", "updated", "unchanged"}."""
    from django.db import transaction

    from billing.models import M365ProductName

    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        names = parse_product_names(handle)
    if not names:
        raise ValueError("no product rows found")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {row.string_id: row for row in M365ProductName.objects.all()}
    with transaction.atomic():
        for code, (name, guid) in names.items():
            row = existing.get(code)
            if row is None:
                M365ProductName.objects.create(string_id=code, display_name=name, sku_id=guid, source=Path(path).name)
                counts["created"] += 1
            elif (row.display_name, row.sku_id) != (name, guid):
                row.display_name, row.sku_id, row.source = name, guid, Path(path).name
                row.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
