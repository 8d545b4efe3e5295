"""How far the CPU decision agrees with Microsoft: the figures of the agreement test and bench.

* every row of the shipped lists, written as the brand string Windows reports
  for that family (`brand_string_for`: ``11th Gen Intel(R) Core(TM)
  i7-1165G7 @ 2.80GHz``, ``AMD Ryzen 7 PRO 4750U with Radeon Graphics``,
  ``Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU``), should be
  supported;
* every real brand string of an unsupported processor in
  ``data/unsupported_brand_strings.txt`` should be refused.
"""
import re
from dataclasses import dataclass, field

from inventory.windows11.cpu import SUPPORTED, UNSUPPORTED
from inventory.windows11.microsoft_list import DATA_DIR, ListEntry

UNSUPPORTED_FILE = DATA_DIR / "unsupported_brand_strings.txt"

_CORES = {"3": 4, "5": 6, "7": 8, "9": 12}


def _intel_core_prefix(model: str) -> tuple[str, str]:
    """("11th Gen ", " @ 2.80GHz") style decoration of an Intel Core iN model, by its generation."""
    digits = re.match(r"i\d-[a-z]?(\d+)", model.lower())
    number = digits[1] if digits else ""
    generation = int(number[:2]) if len(number) == 5 or (len(number) == 4 and number[0] == "1") else \
        int(number[:1] or 0)
    if generation >= 12:
        return f"{generation}th Gen ", ""
    if generation == 11:
        return "11th Gen ", " @ 2.80GHz"
    return "", " CPU @ 2.40GHz"


def _intel(series: str, model: str) -> str:
    family = series.split("(")[0].strip()
    if family == "Core":
        if "Ultra" in series or re.fullmatch(r"Core\(TM\) \d", series):
            tier = series.split()[-1]
            return f"Intel(R) Core(TM){' Ultra' if 'Ultra' in series else ''} {tier} {model.replace(' with IPU', '')}"
        if model.lower().startswith("m"):
            return f"Intel(R) Core(TM) {model} CPU @ 1.10GHz"
        prefix, suffix = _intel_core_prefix(model)
        return f"{prefix}Intel(R) Core(TM) {model}{suffix}"
    if family == "Xeon":
        if re.match(r"W\d-", model):
            return f"Intel(R) Xeon(R) {model[0].lower()}{model[1:]}"
        if model.startswith("D-"):
            return f"Intel(R) Xeon(R) {model}"
        tier = series.replace("Xeon(R)", "").strip()
        name = f"{tier} {model}" if tier and not model.startswith(tier) else model
        return f"Intel(R) Xeon(R) {name} CPU @ 2.10GHz"
    if family == "Pentium":
        if re.fullmatch(r"\d{4}[A-Z]", model):  # Kaby Lake-era mobile parts: no "Gold" in the string
            return f"Intel(R) Pentium(R) CPU {model} @ 2.30GHz"
        return f"Intel(R) {series} {model} CPU @ 3.70GHz"
    if family == "Celeron":
        if model[0].isdigit():
            return f"Intel(R) Celeron(R) CPU {model} @ 1.80GHz"
        return f"Intel(R) Celeron(R) {model} CPU @ 1.10GHz"
    if family == "Atom":
        return f"Intel(R) Atom(TM) {model} Processor @ 2.00GHz"
    if family == "Processor":
        return f"Intel(R) {model}" if model.startswith("N") else f"Intel(R) Processor {model}"
    return f"Intel(R) {series} {model}"


def _amd(series: str, model: str) -> str:
    if series == "AMD":
        return f"AMD {model} with Radeon Graphics"
    if series.startswith("EPYC"):
        return f"AMD EPYC {model} 32-Core Processor"
    if "Threadripper" in series:
        return f"AMD {series} {model} 32-Cores"
    if series.startswith("Ryzen ") and series.split()[1] in _CORES:
        desktop = re.fullmatch(r"\d{4}(X|XT|X3D)?", model)
        if desktop:
            return f"AMD {series} {model} {_CORES[series.split()[1]]}-Core Processor"
        return f"AMD {series} {model} with Radeon Graphics"
    if series.startswith("Ryzen Embedded") or series.startswith("Athlon"):
        return f"AMD {series} {model} with Radeon Graphics"
    return f"AMD {series} {model}"


def _qualcomm(series: str, model: str) -> str:
    if series == "Microsoft":
        return f"Microsoft {model} @ 3.0 GHz"
    if series == "Snapdragon X":
        compact = model.replace("-", "")
        kind = {"X1E": "X Elite", "X1P": "X Plus"}.get(compact[:3], "X")
        return f"Snapdragon(R) {kind} - {compact} - Qualcomm(R) Oryon(TM) CPU"
    if series == "Snapdragon":
        return f"Qualcomm(R) Snapdragon(TM) {model} @ 2.84 GHz"
    return f"Qualcomm(R) {model}"


def brand_string_for(entry: ListEntry) -> str:
    """The brand string Windows reports for a list row's processor (see the module docstring)."""
    build = {"Intel": _intel, "AMD": _amd, "Qualcomm": _qualcomm}.get(entry.manufacturer)
    if build is None:
        return f"{entry.manufacturer} {entry.series} {entry.model}"
    return build(entry.series, entry.model)


def unsupported_brand_strings() -> list[str]:
    lines = UNSUPPORTED_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Agreement:
    listed: int = 0
    listed_supported: int = 0
    unsupported: int = 0
    unsupported_refused: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (brand, verdict, rule) that disagree

    @property
    def supported_pct(self) -> float:
        return round(100.0 * self.listed_supported / self.listed, 2) if self.listed else 0.0

    @property
    def refused_pct(self) -> float:
        return round(100.0 * self.unsupported_refused / self.unsupported, 2) if self.unsupported else 0.0


def measure(resolver, entries) -> Agreement:
    """Agreement of `resolver` (a `CpuResolver`) with the list rows `entries` and the unsupported strings."""
    result = Agreement()
    for entry in entries:
        brand = brand_string_for(entry)
        verdict = resolver.resolve(brand)
        result.listed += 1
        if verdict.verdict == SUPPORTED:
            result.listed_supported += 1
        else:
            result.misses.append((brand, verdict.verdict, verdict.rule))
    for brand in unsupported_brand_strings():
        verdict = resolver.resolve(brand)
        result.unsupported += 1
        if verdict.verdict == UNSUPPORTED:
            result.unsupported_refused += 1
        else:
            result.misses.append((brand, verdict.verdict, verdict.rule))
    return result
