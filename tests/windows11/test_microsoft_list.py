"""Microsoft's lists decide first; agreement with the lists and refusal of unsupported parts, measured."""
import pytest

from inventory.windows11.agreement import brand_string_for, measure, unsupported_brand_strings
from inventory.windows11.microsoft_list import (
    DATA_DIR,
    SHIPPED_FILES,
    ListEntry,
    MicrosoftList,
    model_keys,
    read_shipped_entries,
    shipped_list,
)
from inventory.windows11.overrides import LIST_RULE, CpuResolver, Override

ISSUE_EXAMPLES = [
    "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz",
    "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
    "12th Gen Intel(R) Core(TM) i7-1255U",
    "Intel(R) Core(TM) Ultra 7 155H",
    "Intel(R) Core(TM) 5 120U",
    "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz",
    "Intel(R) Xeon(R) w5-3435X",
    "AMD Ryzen 5 5600X 6-Core Processor",
    "AMD Ryzen 7 PRO 4750U with Radeon Graphics",
    "AMD EPYC 7F52 16-Core Processor",
    "Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU",
    "Qualcomm(R) Snapdragon(TM) 8cx Gen 3 @ 3.0 GHz",
    # families the issue names as missed before
    "Intel(R) Xeon(R) Platinum 8160 CPU @ 2.10GHz",
    "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz",
    "Intel(R) Xeon(R) Bronze 3104 CPU @ 1.70GHz",
    "Intel(R) Xeon(R) w9-3495X",
    "Intel(R) Xeon(R) D-2899NT",
    "Intel(R) Core(TM) 3 N350",
    "Intel(R) Core(TM) 9 270H",
    "Intel(R) Processor U300",
    "11th Gen Intel(R) Core(TM) i7-1185G7E @ 2.80GHz",
    "Intel(R) Atom(TM) x7211E Processor @ 1.00GHz",
    "Intel(R) Pentium(R) CPU 4417U @ 2.30GHz",
    "Intel(R) Celeron(R) CPU 3867U @ 1.80GHz",
    "AMD EPYC 72F3 8-Core Processor",
    "AMD EPYC 7H12 64-Core Processor",
    "AMD 3015e with Radeon Graphics",
    "AMD Athlon 7120U with Radeon Graphics",
]


def _variants(brand: str) -> list[str]:
    """How the same processor is spelled elsewhere: case, spacing, ®/™ instead of (R)/(TM), clock or not."""
    marks = brand.replace("(R)", "®").replace("(TM)", "™")
    no_clock = brand.split(" @ ")[0].replace(" CPU", "")
    with_clock = brand if "@" in brand else f"{brand} CPU @ 2.40GHz"
    return [brand, brand.upper(), brand.lower(), marks, "  ".join(brand.split(" ")), no_clock, with_clock,
            brand.replace("(R) ", "(R)").replace("(TM) ", "(TM)"), f" {brand}\t"]


@pytest.fixture(scope="module")
def resolver():
    return CpuResolver([], shipped_list())


def test_shipped_files_name_their_source_and_date_and_every_row_is_understood():
    for name in SHIPPED_FILES:
        head = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()[:3]
        assert any("learn.microsoft.com" in line for line in head), name
    entries = read_shipped_entries()
    assert {e.manufacturer for e in entries} == {"Intel", "AMD", "Qualcomm"}
    assert all(e.list_date for e in entries)
    assert len(entries) > 1000
    assert shipped_list().unmatched == []  # every row yields a model key, so every row can match


@pytest.mark.parametrize("brand", ISSUE_EXAMPLES)
def test_brand_strings_as_machines_report_them_match_their_list_entry(resolver, brand):
    for spelling in _variants(brand):
        verdict = resolver.resolve(spelling)
        assert (verdict.verdict, verdict.rule) == ("supported", LIST_RULE), spelling
        assert "Microsoft's Windows 11 supported" in verdict.reason


def test_a_neighbouring_model_is_not_the_listed_one():
    listed = MicrosoftList([ListEntry("AMD", "Ryzen 5", "2600")])
    assert listed.match("AMD Ryzen 5 2600 Six-Core Processor") is not None
    assert listed.match("AMD Ryzen 5 2600X Six-Core Processor") is None
    assert listed.match("AMD Ryzen 7 2600 Six-Core Processor") is None
    assert model_keys("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz") == model_keys("Intel Core i5 8250U")


def test_strings_on_no_list_fall_back_to_the_generation_rule_and_say_so(resolver):
    new_part = resolver.resolve("AMD Ryzen 9 9950X 16-Core Processor")
    assert (new_part.verdict, new_part.rule) == ("supported", "generation-rule:amd-ryzen-3000-plus")
    old_part = resolver.resolve("Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz")
    assert (old_part.verdict, old_part.rule) == ("unsupported", "generation-rule:intel-core-before-8th-gen")
    assert old_part.reason.startswith("Not on Microsoft's lists")
    assert resolver.resolve("QEMU Virtual CPU version 2.5+").rule == "virtual-cpu"


@pytest.mark.parametrize("brand", [
    "Intel(R) Core(TM) i5-7640X CPU @ 4.00GHz", "Intel(R) Core(TM) i7-7740X CPU @ 4.30GHz",
])
def test_kaby_lake_x_is_on_no_list_and_not_called_supported(resolver, brand):
    """Microsoft's Intel list (2025-09-08) has the Skylake-X parts (i7-7800X, i9-7900X ...), not Kaby Lake-X."""
    assert shipped_list().match(brand) is None
    verdict = resolver.resolve(brand)
    assert (verdict.verdict, verdict.rule) == ("unsupported", "generation-rule:intel-core-x-series-kaby-lake")
    prefix = "Not on Microsoft's lists; by the generation rule: "
    assert verdict.reason.startswith(prefix)
    rule_reason = verdict.reason.removeprefix(prefix)
    assert "the hub's own rule (docs/windows11.md)" in rule_reason and "Microsoft" not in rule_reason


def test_skylake_x_is_supported_by_the_list(resolver):
    verdict = resolver.resolve("Intel(R) Core(TM) i7-7800X CPU @ 3.50GHz")
    assert (verdict.verdict, verdict.rule) == ("supported", LIST_RULE)


def test_overrides_still_win_over_the_list():
    resolver = CpuResolver([Override(9, "i5-8250u", "contains", False, "lab says no")], shipped_list())
    verdict = resolver.resolve("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz")
    assert (verdict.verdict, verdict.rule) == ("unsupported", "override:9")


def test_agreement_every_listed_processor_as_windows_reports_it_is_supported(resolver):
    entries = read_shipped_entries()
    figures = measure(resolver, entries)
    assert figures.listed == len(entries)
    assert figures.supported_pct >= 99.5, [m for m in figures.misses if m[1] != "unsupported"][:20]


def test_at_least_150_real_unsupported_brand_strings_are_all_refused(resolver):
    brands = unsupported_brand_strings()
    assert len(brands) >= 150 and len(set(brands)) == len(brands)
    refused = {brand: resolver.resolve(brand) for brand in brands}
    wrong = {brand: (v.verdict, v.rule) for brand, v in refused.items() if v.verdict != "unsupported"}
    assert wrong == {}
    assert all(v.rule.startswith("generation-rule:") for v in refused.values())  # none is on a list


def test_generated_brand_strings_look_like_windows(resolver):
    by_name = {(e.series, e.model): brand_string_for(e) for e in read_shipped_entries()}
    assert by_name[("Core(TM) i7", "i7-1165G7")] == "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz"
    assert by_name[("Core(TM) i5", "i5-8250U")] == "Intel(R) Core(TM) i5-8250U CPU @ 2.40GHz"
    assert by_name[("Ryzen 7 PRO", "4750U")] == "AMD Ryzen 7 PRO 4750U with Radeon Graphics"
    assert by_name[("Snapdragon X", "X1E-78-100")] == "Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU"
