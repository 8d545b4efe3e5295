"""Open exceptions per device for the inventory's devices page (registered in `VariancesConfig.ready()` with
`inventory.device_details.register`)."""
from collections import defaultdict

from variances import types as T
from variances.models import ExceptionRecord, ExceptionStatus


def kind_label(code: str) -> str:
    kind = T.kind_for(code)
    return kind.label if kind else code


def open_exceptions_by_key(keys: list[str]) -> dict[str, dict]:
    """{canonical key: {"exceptions": [open exceptions, labelled]}} for these devices: one query for the page."""
    found = {key: {"exceptions": []} for key in keys}
    rows = (
        ExceptionRecord.objects.filter(canonical_key__in=keys, status=ExceptionStatus.OPEN)
        .order_by("canonical_key", "type")
        .values("id", "canonical_key", "type", "variance_status", "date_found", "last_seen")
    )
    by_key = defaultdict(list)
    for row in rows:
        by_key[row["canonical_key"]].append({**row, "label": kind_label(row["type"])})
    for key, exceptions in by_key.items():
        found[key] = {"exceptions": exceptions}
    return found
