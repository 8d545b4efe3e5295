"""The CPU decision in order: staff overrides, then Microsoft's lists, then the generation rule.

An override is (pattern, match type, supported, note). `exact` and `contains`
compare normalised brand strings (`brand.normalise_brand`); `contains` must
match whole tokens. `regex` searches the raw brand string, ignoring case.
The most specific override wins: exact, then contains (longest pattern
first), then regex (lowest id first); its verdict's rule is ``override:<id>``.

When no override matches, a brand string on one of Microsoft's supported-
processor lists (`microsoft_list`) is supported, rule ``microsoft-list``.
A string on no list is decided by the generation rule (`cpu.classify_cpu`),
rule ``generation-rule:<code>`` (for example
``generation-rule:intel-core-before-8th-gen``); strings the rule cannot read
stay `unknown` under the rule's own code (``cpu-unrecognised``,
``virtual-cpu``, ``cpu-not-reported``).
"""
import re
from dataclasses import dataclass, replace

from inventory.windows11.brand import contains_token_run, normalise_brand
from inventory.windows11.cpu import SUPPORTED, UNSUPPORTED, CpuVerdict, classify_cpu
from inventory.windows11.microsoft_list import MicrosoftList, shipped_list

EXACT, CONTAINS, REGEX = "exact", "contains", "regex"
LIST_RULE = "microsoft-list"
GENERATION_RULE = "generation-rule:"


@dataclass(frozen=True)
class Override:
    id: int
    pattern: str
    match_type: str
    supported: bool
    note: str = ""


class CpuResolver:
    """Decides CPUs (overrides, list, rule); caches per brand string (a run sees few distinct CPUs).

    `microsoft_list` defaults to the lists shipped with the hub; pass
    ``MicrosoftList()`` to judge by the generation rule alone.
    """

    def __init__(self, overrides=(), microsoft_list: MicrosoftList | None = None):
        self.microsoft_list = shipped_list() if microsoft_list is None else microsoft_list
        overrides = list(overrides)
        self._exact = {normalise_brand(o.pattern): o for o in sorted(overrides, key=lambda o: -o.id)
                       if o.match_type == EXACT}
        self._contains = sorted(
            ((normalise_brand(o.pattern), o) for o in overrides if o.match_type == CONTAINS),
            key=lambda pair: (-len(pair[0]), pair[1].id),
        )
        self._regex = []
        for o in sorted((o for o in overrides if o.match_type == REGEX), key=lambda o: o.id):
            try:
                self._regex.append((re.compile(o.pattern, re.IGNORECASE), o))
            except re.error:
                continue  # the admin refuses bad patterns; an old bad row must not stop a run
        self._cache: dict[str, CpuVerdict] = {}

    @classmethod
    def from_database(cls) -> "CpuResolver":
        """Overrides and Microsoft's lists as stored (the lists seeded from the shipped files when empty)."""
        from inventory.models import CpuOverride
        from inventory.windows11.list_store import load_microsoft_list

        # Only the matching columns: the table can hold many imported rows.
        rows = CpuOverride.objects.only("id", "pattern", "match_type", "supported", "note")
        return cls([Override(r.id, r.pattern, r.match_type, r.supported, r.note) for r in rows],
                   load_microsoft_list())

    def match(self, brand: str) -> Override | None:
        text = normalise_brand(brand)
        if text in self._exact:
            return self._exact[text]
        for pattern, override in self._contains:
            if contains_token_run(text, pattern):
                return override
        for regex, override in self._regex:
            if regex.search(brand or ""):
                return override
        return None

    def resolve(self, brand: str) -> CpuVerdict:
        key = brand or ""
        verdict = self._cache.get(key)
        if verdict is None:
            verdict = self._cache[key] = self._decide(key)
        return verdict

    def _decide(self, brand: str) -> CpuVerdict:
        rule = classify_cpu(brand)
        override = self.match(brand) if brand.strip() else None
        if override is None:
            return self._listed_or_rule(brand, rule)
        note = f" ({override.note})" if override.note else ""
        return CpuVerdict(
            SUPPORTED if override.supported else UNSUPPORTED,
            f"override:{override.id}",
            f"Override {override.match_type} {override.pattern!r}{note}.",
            vendor=rule.vendor, family=rule.family, generation=rule.generation, model=rule.model,
        )

    def _listed_or_rule(self, brand: str, rule: CpuVerdict) -> CpuVerdict:
        entry = self.microsoft_list.match(brand) if brand.strip() else None
        if entry is not None:
            dated = f", list of {entry.list_date}" if entry.list_date else ""
            return CpuVerdict(
                SUPPORTED, LIST_RULE,
                f"On Microsoft's Windows 11 supported {entry.manufacturer} processors ({entry.series} "
                f"{entry.model}{dated}).",
                vendor=rule.vendor or entry.manufacturer, family=rule.family, generation=rule.generation,
                model=rule.model or entry.model,
            )
        if rule.verdict in (SUPPORTED, UNSUPPORTED):
            return replace(rule, rule=GENERATION_RULE + rule.rule,
                           reason=f"Not on Microsoft's lists; by the generation rule: {rule.reason}")
        return rule
