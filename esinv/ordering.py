"""The sort orders of a list, declared once per list: the API's `ordering` parameter (a 400 listing the allowed
values on an unknown one), the ORDER BY columns, and the schema's enum.

`Orderings({"name": (columns...)}, default="name")` accepts `name` and `-name` (`-`: every column flipped).
Each order should end with columns that make it total (a key, the id), so pages never overlap or skip a row.
Columns named in `nulls_last` put their nulls last in both directions (money at stake: the rows without money
after those with, however sorted). Used by GET /api/exceptions and the /variances/ page
(`variances.filtersets`), and GET /api/billing/variances (`billing.filtersets`).
"""
from dataclasses import dataclass, field

from django.db.models import F

from esinv.errors import BadRequest


@dataclass(frozen=True)
class Orderings:
    orders: dict[str, tuple[str, ...]]
    default: str
    nulls_last: frozenset[str] = field(default_factory=frozenset)

    @property
    def values(self) -> list[str]:
        """Every accepted value, ascending and descending, sorted."""
        return sorted([*self.orders, *(f"-{name}" for name in self.orders)])

    def parse(self, raw: str | None, field_name: str = "ordering") -> str | None:
        """`type`, `-amount`... -> that name; blank -> None (the default order); anything else -> 400 naming the
        field and listing the allowed values."""
        value = (raw or "").strip()
        if not value:
            return None
        if value.lstrip("-") not in self.orders or value.startswith("--"):
            raise BadRequest(f"Unknown ordering {raw[:100]!r}.", code="invalid_parameter",
                             details={"field": field_name, "value": raw[:100], "allowed": self.values})
        return value

    def columns(self, name: str | None) -> list:
        """The ORDER BY terms of a parsed name (None: the default)."""
        name = name or self.default
        descending = name.startswith("-")
        terms = []
        for column in self.orders[name.lstrip("-")]:
            flipped = column.startswith("-") != descending
            bare = column.lstrip("-")
            if bare in self.nulls_last:
                terms.append(F(bare).desc(nulls_last=True) if flipped else F(bare).asc(nulls_last=True))
            else:
                terms.append(f"-{bare}" if flipped else bare)
        return terms

    def order(self, queryset, name: str | None):
        return queryset.order_by(*self.columns(name))
