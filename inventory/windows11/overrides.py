"""Staff overrides of the CPU rule, and the resolver that applies them first.

An override is (pattern, match type, supported, note). `exact` and `contains`
compare normalised brand strings (`brand.normalise_brand`); `contains` must
match whole tokens. `regex` searches the raw brand string, ignoring case.
The most specific override wins: exact, then contains (longest pattern
first), then regex (lowest id first). When none matches, Microsoft's rule
(`cpu.classify_cpu`) decides.
"""
import re
from dataclasses import dataclass

from inventory.windows11.brand import contains_token_run, normalise_brand
from inventory.windows11.cpu import SUPPORTED, UNSUPPORTED, CpuVerdict, classify_cpu

EXACT, CONTAINS, REGEX = "exact", "contains", "regex"


@dataclass(frozen=True)
class Override:
    id: int
    pattern: str
    match_type: str
    supported: bool
    note: str = ""


class CpuResolver:
    """Decides CPUs with overrides first; caches per brand string (a run sees few distinct CPUs)."""

    def __init__(self, overrides=()):
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
        from inventory.models import CpuOverride

        # Only the matching columns: the table can hold Microsoft's whole list.
        rows = CpuOverride.objects.only("id", "pattern", "match_type", "supported", "note")
        return cls(Override(r.id, r.pattern, r.match_type, r.supported, r.note) for r in rows)

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
            return rule
        note = f" ({override.note})" if override.note else ""
        return CpuVerdict(
            SUPPORTED if override.supported else UNSUPPORTED,
            f"override:{override.id}",
            f"Override {override.match_type} {override.pattern!r}{note}.",
            vendor=rule.vendor, family=rule.family, generation=rule.generation, model=rule.model,
        )
