"""The generation rule alone (no list, no override): real brand strings as Windows reports them."""
import pytest

from inventory.windows11.brand import contains_token_run, normalise_brand
from inventory.windows11.cpu import SUPPORTED, UNKNOWN, UNSUPPORTED, classify_cpu, intel_core_generation

S, U, X = SUPPORTED, UNSUPPORTED, UNKNOWN

BRAND_STRINGS = [
    # Intel Core iN, by generation
    ("Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5 CPU       M 520  @ 2.40GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5-2400 CPU @ 3.10GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i7-3770 CPU @ 3.40GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5-4590 CPU @ 3.30GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i7-5500U CPU @ 2.40GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz", U, "intel-core-before-8th-gen"),
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i3-8100 CPU @ 3.60GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i9-9900K CPU @ 3.60GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i7-10510U CPU @ 1.80GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i5-1035G1 CPU @ 1.00GHz", S, "intel-core-8th-gen-plus"),
    ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", S, "intel-core-8th-gen-plus"),
    ("11th Gen Intel(R) Core(TM) i5-11400 @ 2.60GHz", S, "intel-core-8th-gen-plus"),
    ("12th Gen Intel(R) Core(TM) i7-1255U", S, "intel-core-8th-gen-plus"),
    ("12th Gen Intel(R) Core(TM) i9-12900K", S, "intel-core-8th-gen-plus"),
    ("13th Gen Intel(R) Core(TM) i5-1335U", S, "intel-core-8th-gen-plus"),
    ("13th Gen Intel(R) Core(TM) i7-13700", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i9-7900X CPU @ 3.30GHz", S, "intel-core-x-series-7th-gen"),
    ("Intel(R) Core(TM) i7-7800X CPU @ 3.50GHz", S, "intel-core-x-series-7th-gen"),
    ("Intel(R) Core(TM) i9-7980XE CPU @ 2.60GHz", S, "intel-core-x-series-7th-gen"),
    # Kaby Lake-X: 7th-generation X-series parts Microsoft's list does not have
    ("Intel(R) Core(TM) i5-7640X CPU @ 4.00GHz", U, "intel-core-x-series-kaby-lake"),
    ("Intel(R) Core(TM) i7-7740X CPU @ 4.30GHz", U, "intel-core-x-series-kaby-lake"),
    ("Intel(R) Core(TM) i7-7820HQ CPU @ 2.90GHz", S, "intel-core-i7-7820hq"),
    ("Intel(R) Core(TM) m3-7Y30 CPU @ 1.00GHz", U, "intel-core-m"),
    ("Intel(R) Core(TM) m3-8100Y CPU @ 1.10GHz", S, "intel-core-m"),
    ("Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz", U, "intel-pre-core-i"),
    # Core Ultra and the 2023 naming
    ("Intel(R) Core(TM) Ultra 7 155H", S, "intel-core-ultra"),
    ("Intel(R) Core(TM) Ultra 5 125U", S, "intel-core-ultra"),
    ("Intel(R) Core(TM) Ultra 9 285K", S, "intel-core-ultra"),
    ("Intel(R) Core(TM) 5 120U", S, "intel-core-2023"),
    ("Intel(R) Core(TM) 7 150U", S, "intel-core-2023"),
    ("Intel(R) Core(TM) 9 270H", S, "intel-core-2023"),
    ("Intel(R) Core(TM) 3 N350", S, "intel-core-2023"),
    ("Intel(R) Processor U300", S, "intel-processor-300"),
    ("11th Gen Intel(R) Core(TM) i7-1185G7E @ 2.80GHz", S, "intel-core-8th-gen-plus"),
    ("Intel(R) Core(TM) i5-7Y54 CPU @ 1.20GHz", U, "intel-core-m"),
    ("Intel(R) Core(TM) i3-N305", S, "intel-n-series"),
    ("Intel(R) N100", S, "intel-n-series"),
    # Xeon
    ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", S, "intel-xeon-scalable"),  # 1st gen: on Microsoft's list
    ("Intel(R) Xeon(R) w5-3435X", S, "intel-xeon-w"),
    ("Intel(R) Xeon(R) D-1813NT", S, "intel-xeon-d"),
    ("Intel(R) Xeon(R) CPU D-1541 @ 2.10GHz", U, "intel-xeon-d"),
    ("Intel(R) Xeon(R) Gold 5218 CPU @ 2.30GHz", S, "intel-xeon-scalable"),
    ("Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", S, "intel-xeon-scalable"),
    ("Intel(R) Xeon(R) W-2235 CPU @ 3.80GHz", S, "intel-xeon-w"),
    ("Intel(R) Xeon(R) W-10855M CPU @ 2.80GHz", S, "intel-xeon-w"),
    ("Intel(R) Xeon(R) E-2224G CPU @ 3.50GHz", S, "intel-xeon-e"),
    ("Intel(R) Xeon(R) CPU E3-1230 v5 @ 3.40GHz", U, "intel-xeon-e3-e5-e7"),
    ("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", U, "intel-xeon-e3-e5-e7"),
    ("Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz", U, "intel-xeon-legacy"),
    # Pentium, Celeron, Atom
    ("Intel(R) Pentium(R) Gold 5405U CPU @ 2.30GHz", S, "intel-pentium-gold-era"),
    ("Intel(R) Pentium(R) Gold G5400 CPU @ 3.70GHz", S, "intel-pentium-gold-era"),
    ("Intel(R) Pentium(R) CPU 4415U @ 2.30GHz", U, "intel-pentium-gold-era"),
    ("Intel(R) Pentium(R) CPU 4425Y @ 1.70GHz", S, "intel-pentium-gold-era"),
    ("Intel(R) Pentium(R) CPU G4560 @ 3.50GHz", U, "intel-pentium-gold-era"),
    ("Intel(R) Pentium(R) Silver N5000 CPU @ 1.10GHz", S, "intel-pentium-silver"),
    ("Intel(R) Pentium(R) CPU N3710 @ 1.60GHz", U, "intel-pentium-gold-era"),
    ("Pentium(R) Dual-Core  CPU      E5700  @ 3.00GHz", U, "intel-pentium-legacy"),
    ("Intel(R) Pentium(R) 4 CPU 3.00GHz", U, "intel-pentium-legacy"),
    ("Intel(R) Celeron(R) N4000 CPU @ 1.10GHz", S, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) N4020 CPU @ 1.10GHz", S, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) N5105 @ 2.00GHz", S, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) 4205U CPU @ 1.80GHz", S, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) CPU G4900 @ 3.10GHz", S, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) CPU N3350 @ 1.10GHz", U, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) CPU 3865U @ 1.80GHz", U, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) CPU G3930 @ 2.90GHz", U, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Celeron(R) CPU  N2840  @ 2.16GHz", U, "intel-celeron-gemini-lake-era"),
    ("Intel(R) Atom(TM) x5-Z8350  CPU @ 1.44GHz", U, "intel-atom-legacy"),
    ("Intel(R) Atom(TM) x6211E Processor @ 1.30GHz", S, "intel-atom-x6000"),
    ("Intel(R) Atom(TM) x7211E Processor @ 1.00GHz", S, "intel-atom-x6000"),
    # AMD Ryzen
    ("AMD Ryzen 7 1700X Eight-Core Processor", U, "amd-ryzen-1000"),
    ("AMD Ryzen 5 1600 Six-Core Processor", U, "amd-ryzen-1000"),
    ("AMD Ryzen 5 2600 Six-Core Processor", S, "amd-ryzen-2000-desktop"),
    ("AMD Ryzen 7 2700X Eight-Core Processor", S, "amd-ryzen-2000-desktop"),
    ("AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx", U, "amd-ryzen-2000-apu"),
    ("AMD Ryzen 7 2700U with Radeon Vega Mobile Gfx", U, "amd-ryzen-2000-apu"),
    ("AMD Ryzen 3 2200G with Radeon Vega Graphics", U, "amd-ryzen-2000-apu"),
    ("AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 3 3200U with Radeon Vega Mobile Gfx", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 5 3600 6-Core Processor", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 7 5800H with Radeon Graphics", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen 9 7950X 16-Core Processor", S, "amd-ryzen-3000-plus"),
    ("AMD Ryzen AI 9 HX 370 w/ Radeon 890M", S, "amd-ryzen-ai"),
    ("AMD Ryzen Threadripper 1950X 16-Core Processor", U, "amd-threadripper"),
    ("AMD Ryzen Threadripper 2950X 16-Core Processor", S, "amd-threadripper"),
    ("AMD Ryzen Threadripper PRO 3995WX 64-Cores", S, "amd-threadripper"),
    # Athlon, EPYC, pre-Zen
    ("AMD Athlon Silver 3050U with Radeon Graphics", S, "amd-athlon-zen"),
    ("AMD Athlon Gold 3150U with Radeon Graphics", S, "amd-athlon-zen"),
    ("AMD Athlon 3000G with Radeon Vega Graphics", S, "amd-athlon-zen"),
    ("AMD Athlon 200GE with Radeon Vega Graphics", U, "amd-athlon-zen"),
    ("AMD Athlon(tm) II X2 250 Processor", U, "amd-pre-zen"),
    ("AMD EPYC 7502P 32-Core Processor", S, "amd-epyc"),
    ("AMD EPYC 7601 32-Core Processor", U, "amd-epyc"),
    ("AMD EPYC 9354 32-Core Processor", S, "amd-epyc"),
    ("AMD EPYC 7F52 16-Core Processor", S, "amd-epyc"),
    ("AMD EPYC 7H12 64-Core Processor", S, "amd-epyc"),
    ("AMD 3020e with Radeon Graphics", S, "amd-athlon-zen"),
    ("AMD Athlon 7220U with Radeon Graphics", S, "amd-athlon-zen"),
    ("AMD Athlon(tm) 5350 APU with Radeon(tm) R3", U, "amd-athlon-zen"),
    ("AMD FX(tm)-8350 Eight-Core Processor", U, "amd-pre-zen"),
    ("AMD A10-9700 RADEON R7, 10 COMPUTE CORES 4C+6G", U, "amd-pre-zen"),
    ("AMD Phenom(tm) II X4 955 Processor", U, "amd-pre-zen"),
    # Arm
    ("Snapdragon (TM) 7c @ 2.40 GHz", S, "qualcomm-snapdragon-compute"),
    ("Snapdragon (TM) 8cx Gen 3 @ 3.0 GHz", S, "qualcomm-snapdragon-compute"),
    ("Snapdragon(R) 850 @ 2.96 GHz", S, "qualcomm-snapdragon-850-plus"),
    ("Snapdragon(TM) 835 @ 2.21 GHz", U, "qualcomm-snapdragon-850-plus"),
    ("Snapdragon(R) X Elite - X1E80100 - Qualcomm(R) Oryon(TM) CPU", S, "qualcomm-snapdragon-x"),
    ("Snapdragon(R) X Plus - X1P64100 - Qualcomm(R) Oryon(TM) CPU", S, "qualcomm-snapdragon-x"),
    ("Microsoft SQ1 @ 3.0 GHz", S, "microsoft-sq"),
    ("Microsoft SQ3 @ 3.0 GHz", S, "microsoft-sq"),
    # Unknown
    ("QEMU Virtual CPU version 2.5+", X, "virtual-cpu"),
    ("Common KVM processor", X, "virtual-cpu"),
    ("VIA Nano X2 L4350 @ 1.6+ GHz", X, "cpu-unrecognised"),
    ("Intel(R) Xeon(R) CPU @ 2.20GHz", X, "intel-xeon-unrecognised"),
    ("", X, "cpu-not-reported"),
]


def test_at_least_sixty_real_brand_strings():
    assert len(BRAND_STRINGS) >= 60
    assert {v for _, v, _ in BRAND_STRINGS} == {S, U, X}


@pytest.mark.parametrize("brand, verdict, rule", BRAND_STRINGS, ids=[b or "blank" for b, _, _ in BRAND_STRINGS])
def test_brand_string_verdict_and_rule(brand, verdict, rule):
    result = classify_cpu(brand)
    assert (result.verdict, result.rule) == (verdict, rule), result
    assert result.reason


@pytest.mark.parametrize("number, generation", [
    ("920", 1), ("2400", 2), ("7700", 7), ("8250", 8), ("9900", 9), ("10510", 10), ("1035", 10),
    ("1165", 11), ("11400", 11), ("1255", 12), ("12900", 12), ("1335", 13), ("14900", 14),
])
def test_intel_core_generation_rule(number, generation):
    assert intel_core_generation(number) == generation


def test_parsed_parts_are_reported():
    result = classify_cpu("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz")
    assert (result.vendor, result.family, result.generation, result.model) == ("Intel", "Core i5", "8", "i5-8250U")
    amd = classify_cpu("AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx")
    assert (amd.vendor, amd.family, amd.generation, amd.model) == ("AMD", "Ryzen 5", "2000", "2500U")
    assert amd.supported is False and classify_cpu("QEMU Virtual CPU").supported is None


@pytest.mark.parametrize("brand, normal", [
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "intel core i5-8250u"),
    ("AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx", "amd ryzen 5 2500u"),
    ("AMD FX(tm)-8350 Eight-Core Processor", "amd fx-8350"),
    ("Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz", "intel core 2 duo e8400"),
    ("Intel® Core™ i7-8700", "intel core i7-8700"),
])
def test_normalise_brand(brand, normal):
    assert normalise_brand(brand) == normal


def test_contains_matches_whole_tokens_only():
    assert contains_token_run("amd ryzen 5 2600", "ryzen 5 2600")
    assert not contains_token_run("amd ryzen 5 2600x", "ryzen 5 2600")
    assert not contains_token_run("intel core i5-18250u", "i5-8250u")
    assert not contains_token_run("anything", "")


@pytest.mark.parametrize("brand", [b for b, _, _ in BRAND_STRINGS if b])
def test_the_generation_rule_never_claims_a_list(brand):
    """The rule decides strings on no list: its reason says it is the hub's rule, never "on Microsoft's list"."""
    reason = classify_cpu(brand).reason
    assert "on Microsoft's list" not in reason and "Microsoft lists" not in reason
