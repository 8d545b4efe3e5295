"""Tenant ids in bulk: a CSV of `organization,tenant_id[,enabled]` onto the organizations (plain functions).

An MSP with hundreds of clients does not type each tenant id into the admin: `manage.py import_m365_tenants
FILE` reads such a file. Organizations are matched by name or alias, case- and space-insensitively (inventory's
`normalise_org_name`, as the collectors match vendor names); an unknown name is reported, never created (pass
`create=True` to create it). The whole file is checked before anything is written; then each organization's
tenant is created or updated in one transaction.
"""
import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import M365Tenant, validate_tenant_id
from inventory.models import Organization, OrganizationAlias
from inventory.models.organizations import normalise_org_name

TRUE, FALSE = {"", "1", "true", "yes", "y", "on"}, {"0", "false", "no", "n", "off"}


class TenantFileError(ValueError):
    """The file cannot be applied; `problems` lists every reason (line numbers included)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""))


@dataclass(frozen=True)
class TenantLine:
    line: int
    organization: str
    tenant_id: str
    enabled: bool


def parse_tenant_lines(lines: Iterable[str]) -> list[TenantLine]:
    """Rows of `organization,tenant_id[,enabled]` (an optional header row; `#` comments). Raises TenantFileError."""
    parsed, problems = [], []
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if number == 1 and cells[0].lstrip("\ufeff").lower() in ("organization", "organisation", "name", "client"):
            continue
        if len(cells) < 2 or len(cells) > 3:
            problems.append(f"line {number}: expected organization,tenant_id[,enabled]")
            continue
        name, tenant_id = cells[0].lstrip("\ufeff"), cells[1].lower()
        enabled = cells[2].lower() if len(cells) == 3 else ""
        try:
            validate_tenant_id(tenant_id)
        except ValidationError:
            problems.append(f"line {number}: {cells[1][:60]!r} is not a tenant id (a GUID)")
            continue
        if enabled not in TRUE | FALSE:
            problems.append(f"line {number}: enabled must be true or false, not {cells[2][:20]!r}")
            continue
        if not normalise_org_name(name) or "\x00" in name or len(name) > 200:
            problems.append(f"line {number}: no usable organization name")
            continue
        parsed.append(TenantLine(number, name, tenant_id, enabled in TRUE))
    seen: dict[str, int] = {}
    for item in parsed:
        if item.tenant_id in seen:
            problems.append(f"line {item.line}: tenant {item.tenant_id} is also on line {seen[item.tenant_id]}")
        seen.setdefault(item.tenant_id, item.line)
    if problems:
        raise TenantFileError(problems)
    return parsed


def install_tenants(items: list[TenantLine], *, create: bool = False) -> dict[str, int]:
    """Create or update each organization's tenant; {"created", "updated", "unchanged", "organizations_created"}."""
    by_name = {normalise_org_name(name): pk for pk, name in Organization.objects.values_list("id", "name")}
    for pk, alias in OrganizationAlias.objects.values_list("organization_id", "alias"):
        by_name.setdefault(normalise_org_name(alias), pk)
    unknown = [f"line {i.line}: no organization named {i.organization!r}" for i in items
               if normalise_org_name(i.organization) not in by_name]
    if unknown and not create:
        raise TenantFileError(unknown + ["(add them first, or import with --create)"])
    owners = dict(M365Tenant.objects.values_list("tenant_id", "organization_id"))
    problems, targets = [], {}
    for item in items:
        pk = by_name.get(normalise_org_name(item.organization))
        if pk is not None and pk in targets:
            problems.append(f"line {item.line}: {item.organization!r} is also on line {targets[pk].line}")
        elif pk is not None and owners.get(item.tenant_id, pk) != pk:
            problems.append(f"line {item.line}: tenant {item.tenant_id} already belongs to another organization")
        if pk is not None:
            targets[pk] = item
    if problems:
        raise TenantFileError(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "organizations_created": 0}
    with transaction.atomic():
        for item in items:
            key = normalise_org_name(item.organization)
            if key not in by_name:
                by_name[key] = Organization.objects.create(name=" ".join(item.organization.split())).pk
                counts["organizations_created"] += 1
            tenant = M365Tenant.objects.filter(organization_id=by_name[key]).first()
            if tenant is None:
                M365Tenant.objects.create(organization_id=by_name[key], tenant_id=item.tenant_id, enabled=item.enabled)
                counts["created"] += 1
            elif (tenant.tenant_id, tenant.enabled) != (item.tenant_id, item.enabled):
                tenant.tenant_id, tenant.enabled = item.tenant_id, item.enabled
                tenant.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
