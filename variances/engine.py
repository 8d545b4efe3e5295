"""The reconciliation engine: two vendors' rows for a day in, findings out.

Plain functions over plain data, shaped like DiffSync: each side is *loaded*
into a dict keyed by the canonical hostname key (duplicates surface there),
the two dicts are *paired* by key, and the rules of docs/variances.md run on the
result. No database access here; `variances.services` loads and persists.
"""
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from inventory.classification import WINDOWS_NODE_CLASSES, BillingStatus
from inventory.console_links import NINJA, THREATLOCKER, console_template, console_url
from variances import types as T


class DeviceRow(NamedTuple):
    """One vendor's row for one device on one day (the columns the rules read)."""

    id: int
    canonical_key: str
    hostname: str
    clean_hostname: str
    display_name: str
    display_note: str
    organization_id: int | None
    organization: str | None
    node_class: str
    billing_status: str
    is_spare: bool


# The column order of DeviceRow, for `.values_list(*DEVICE_ROW_FIELDS)`.
DEVICE_ROW_FIELDS = (
    "id", "canonical_key", "hostname", "clean_hostname", "display_name", "display_note",
    "organization_id", "organization__name", "node_class", "billing_status", "is_spare",
)


class CopyFacts(NamedTuple):
    """What tells the copies of a duplicate apart (docs/variances.md, "Duplicate entries").

    Read only for the rows of duplicated keys (a few hundred at 50,000 devices),
    so the day's load stays the narrow DeviceRow.
    """

    vendor_device_id: str
    location: str
    last_contact: datetime | None
    os_name: str
    agent_version: str
    vendor_org_name: str


# The column order of CopyFacts after the row id, for `.values_list(*COPY_FACT_FIELDS)`.
COPY_FACT_FIELDS = ("id", "vendor_device_id", "location", "last_contact", "os_name", "agent_version",
                    "vendor_org_name")

# Given the ids of the rows of duplicated keys, their facts by row id (one query in `variances.services`).
CopyFactsLoader = Callable[[list[int]], Mapping[int, CopyFacts]]


@dataclass
class Finding:
    """One exception for one identity (type, canonical key) on the report date."""

    type: str
    key: str
    organization_id: int | None
    details: dict = field(default_factory=dict)

    @property
    def identity(self) -> tuple[str, str]:
        return (self.type, self.key)


@dataclass
class Loaded:
    """One side after loading: the first row of each key, and every row of the keys seen more than once.

    (One dict entry per device rather than a list per key: tens of thousands of
    small lists are most of the cost of loading a large day.)
    """

    first: dict[str, DeviceRow]
    duplicates: dict[str, list[DeviceRow]]

    def primary(self, key: str) -> DeviceRow | None:
        return self.first.get(key)

    def rows(self, key: str) -> list[DeviceRow]:
        if key in self.duplicates:
            return self.duplicates[key]
        return [self.first[key]] if key in self.first else []


def load(rows: Iterable[DeviceRow]) -> Loaded:
    """Key rows by canonical key; rows without a usable name are skipped.

    Rows sharing a key keep their order (the caller orders by id so the first
    collected row is the one paired with the other side).
    """
    first: dict[str, DeviceRow] = {}
    duplicates: dict[str, list[DeviceRow]] = {}
    for row in rows:
        key = row.canonical_key
        if not key:
            continue
        held = first.get(key)
        if held is None:
            first[key] = row
        elif key in duplicates:
            duplicates[key].append(row)
        else:
            duplicates[key] = [held, row]
    return Loaded(first, duplicates)


def normalise_note(note: str | None) -> str:
    """Notes compare without regard to case or runs of whitespace."""
    return " ".join((note or "").split()).casefold()


def _details(key: str, ninja: DeviceRow | None, tl: DeviceRow | None) -> dict:
    """What a report row shows about the device, captured at reconciliation time."""
    organization = (ninja and ninja.organization) or (tl and tl.organization) or None
    return {
        "hostname": key,
        "ninja_hostname": (ninja.clean_hostname or ninja.hostname) if ninja else None,
        "threatlocker_hostname": tl.clean_hostname if tl else None,
        "ninja_display_name": ninja.display_name if ninja else None,
        "threatlocker_display_name": tl.display_name if tl else None,
        "organization": organization,
        "ninja_organization": ninja.organization if ninja else None,
        "threatlocker_organization": tl.organization if tl else None,
        "billing_status": ninja.billing_status if ninja else None,
    }


def _org_id(ninja: DeviceRow | None, tl: DeviceRow | None) -> int | None:
    if ninja and ninja.organization_id is not None:
        return ninja.organization_id
    return tl.organization_id if tl else None


def duplicate_entries(vendor: str, rows: list[DeviceRow], facts: Mapping[int, CopyFacts],
                      template: str | None = None) -> list[dict]:
    """One entry per copy (the contract of docs/variances.md), newest last contact first.

    A copy is `stale` when its last contact is older than the newest one's;
    when all are equal or unknown, none is (an unknown last contact is never
    called stale: there is nothing to compare).
    """
    entries = []
    for row in rows:
        fact = facts.get(row.id)
        device_id = fact.vendor_device_id if fact else ""
        contact = fact.last_contact if fact else None
        entries.append({
            "vendor": vendor,
            "vendor_device_id": device_id,
            "hostname": row.hostname or row.clean_hostname,
            "display_name": row.display_name,
            "organization": row.organization or (fact.vendor_org_name if fact else None) or None,
            "site": fact.location if fact else "",
            "last_contact": contact,
            "os": fact.os_name if fact else "",
            "agent_version": fact.agent_version if fact else "",
            "console_url": console_url(vendor, device_id, template),
            "stale": False,
        })
    known = [entry["last_contact"] for entry in entries if entry["last_contact"] is not None]
    newest = max(known) if known else None
    # Newest first, unknown last; `sort` keeps the id order of ties.
    entries.sort(key=lambda e: (e["last_contact"] is None, -e["last_contact"].timestamp() if e["last_contact"] else 0))
    for entry in entries:
        contact = entry["last_contact"]
        entry["stale"] = contact is not None and contact < newest
        entry["last_contact"] = contact.isoformat() if contact is not None else None
    return entries


def _duplicate_details(vendor: str, rows: list[DeviceRow], facts: Mapping[int, CopyFacts],
                       template: str | None) -> dict:
    return {"count": len(rows), "entries": duplicate_entries(vendor, rows, facts, template)}


def is_billable_windows(row: DeviceRow) -> bool:
    return row.billing_status == BillingStatus.BILLABLE and (row.node_class or "").upper() in WINDOWS_NODE_CLASSES


def reconcile(
    ninja_rows: Iterable[DeviceRow],
    threatlocker_rows: Iterable[DeviceRow],
    rules: frozenset[str] | set[str] | None = None,
    copy_facts: CopyFactsLoader | None = None,
) -> list[Finding]:
    """Apply every enabled rule; at most one finding per (type, key).

    `copy_facts` reads what distinguishes the copies of duplicates (without it
    their entries carry only what the rows have).
    """
    rules = frozenset(T.BY_CODE) if rules is None else frozenset(rules)
    ninja, tl = load(ninja_rows), load(threatlocker_rows)
    findings: list[Finding] = []
    duplicated = ([tl.duplicates] if T.DUPLICATE_TL in rules else []) + (
        [ninja.duplicates] if T.DUPLICATE_NINJA in rules else [])
    ids = [row.id for side in duplicated for rows in side.values() for row in rows]
    facts = copy_facts(ids) if copy_facts is not None and ids else {}
    templates = {vendor: console_template(vendor) for vendor in (NINJA, THREATLOCKER)}

    def add(kind: str, key: str, n: DeviceRow | None, t: DeviceRow | None, **extra):
        details = _details(key, n, t)
        details.update(extra)
        findings.append(Finding(kind, key, _org_id(n, t), details))

    if T.DUPLICATE_TL in rules:
        for key, rows in tl.duplicates.items():
            add(T.DUPLICATE_TL, key, ninja.primary(key), rows[0],
                **_duplicate_details(THREATLOCKER, rows, facts, templates[THREATLOCKER]))
    if T.DUPLICATE_NINJA in rules:
        for key, rows in ninja.duplicates.items():
            add(T.DUPLICATE_NINJA, key, rows[0], tl.primary(key),
                **_duplicate_details(NINJA, rows, facts, templates[NINJA]))

    if T.MISSING_NINJA in rules:
        for key in tl.first.keys() - ninja.first.keys():
            add(T.MISSING_NINJA, key, None, tl.primary(key))
    if T.MISSING_THREATLOCKER in rules:
        for key in ninja.first.keys() - tl.first.keys():
            billable = [row for row in ninja.rows(key) if is_billable_windows(row)]
            if billable:
                add(T.MISSING_THREATLOCKER, key, billable[0], None)

    pair_rules = rules & {T.SPARE_MISMATCH, T.DISPLAY_NAME_MISMATCH, T.SITE_MISMATCH}
    if pair_rules:
        for key in ninja.first.keys() & tl.first.keys():
            n, t = ninja.first[key], tl.first[key]
            if T.SPARE_MISMATCH in pair_rules and (
                n.is_spare or (key in ninja.duplicates and any(row.is_spare for row in ninja.duplicates[key]))
            ):
                add(T.SPARE_MISMATCH, key, n, t)
            if (
                T.DISPLAY_NAME_MISMATCH in pair_rules
                and n.display_note != t.display_note  # the common case, without normalising
                and normalise_note(n.display_note) != normalise_note(t.display_note)
            ):
                add(T.DISPLAY_NAME_MISMATCH, key, n, t, ninja_note=n.display_note, threatlocker_note=t.display_note)
            if (
                T.SITE_MISMATCH in pair_rules
                and n.organization_id is not None
                and t.organization_id is not None
                and n.organization_id != t.organization_id
            ):
                add(T.SITE_MISMATCH, key, n, t)
    findings.sort(key=lambda f: (f.type, f.key))
    return findings
