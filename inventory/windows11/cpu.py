"""The generation rule: is this CPU supported by Windows 11 24H2, judged from the brand string alone?

This rule decides only brand strings that are on none of Microsoft's lists
(new parts, odd spellings): a list match decides first
(`inventory.windows11.microsoft_list`, applied by `overrides.CpuResolver`,
whose verdicts then read ``generation-rule:<code>``). NinjaOne gives only the
processor's brand string, so the decision is a parse of its normal form
(`inventory.windows11.brand.normalise_brand`) into vendor, family and model
number, then Microsoft's rule in CPU terms:

* Intel: Core 8th generation and later. The generation of a Core iN-NNNN[suffix]
  part comes from its model number: five digits → the first two
  (i7-10510U → 10); four digits starting with 1 → the first two (the mobile
  parts i7-1065G7 → 10, i5-1135G7 → 11, i5-1235U → 12); other four digits → the
  first one (i5-8250U → 8, i7-7700K → 7); three digits → 1st generation
  (i7-920). Core Ultra, the 2023+ "Core 3/5/7/9 NNN" naming and "Intel
  Processor 300/U300" are supported. Of the 7th generation, the Skylake-X
  Core X-series (i7-7800X, i7-7820X, i9-7900X to i9-7980XE) and the i7-7820HQ
  are supported, as on Microsoft's list; the Kaby Lake-X i5-7640X and i7-7740X,
  absent from it, are not. Xeon: Scalable of every
  generation (Microsoft lists the first, Gold 6130, too), W-series (W-2123,
  w5-3435X) and E-2xxx supported, D-17xx/18xx/27xx/28xx supported and older
  D parts not, E3/E5/E7 vN and pre-2010 Xeons not. Pentium and Celeron: the
  Gemini Lake, Coffee Lake and later parts (Pentium Silver, Pentium Gold
  5405U/G5400 and numbers from 5000, the 4425Y; Celeron N4000/J4105/4205U and
  numbers from 4000, G4900 and up); older ones not. Atom: only the x6000 and
  x7000 series. The Alder Lake-N "Intel N100" / "Core i3-N305" parts are
  supported.
* AMD: Zen+ and later. Ryzen 1000 is Zen (no); Ryzen 2000 desktop parts
  (2600, 2700X, 2600E) are Zen+ (yes) but 2000 APUs with a U/H/G suffix
  (2500U, 2700U, 2200G) are Raven Ridge, Zen (no); Ryzen 3000 and later,
  including the 3000 mobile Zen+ parts (3200U, 3500U), yes; Ryzen AI and Z
  yes. Threadripper 2000 and later; EPYC by the last digit of the model (7502,
  7F52 → 2nd gen, yes; 7601 → 1st gen, no); Athlon Silver/Gold, 3000G, 3xx,
  7120U/7220U and the AMD 3015e/3020e (Zen-based) yes, 2xxGE and pre-Zen
  Athlons no; FX, A-series, Phenom, Sempron, Opteron no.
* Qualcomm: Snapdragon 850 and later, the 7c/8c/8cx and the X series, the
  QCM/QCS 5430 and 6490. Microsoft SQ1/SQ2/SQ3 are supported.

Anything else is `unknown` with the reason (the device is then not
assessed); virtual CPUs that hide the host's model are unknown too. Staff can
settle any string with the override table (`inventory.windows11.overrides`).
Every verdict names the rule that decided it.
"""
import re
from dataclasses import dataclass

from inventory.windows11.brand import normalise_brand

SUPPORTED = "supported"
UNSUPPORTED = "unsupported"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class CpuVerdict:
    verdict: str  # supported / unsupported / unknown
    rule: str  # the code of the rule (or override) that decided
    reason: str  # one sentence a technician can read
    vendor: str = ""
    family: str = ""
    generation: str = ""
    model: str = ""

    @property
    def supported(self) -> bool | None:
        return {SUPPORTED: True, UNSUPPORTED: False}.get(self.verdict)


def _v(ok: bool, rule: str, reason: str, **parts) -> CpuVerdict:
    return CpuVerdict(SUPPORTED if ok else UNSUPPORTED, rule, reason, **parts)


def _unknown(rule: str, reason: str, **parts) -> CpuVerdict:
    return CpuVerdict(UNKNOWN, rule, reason, **parts)


# --- Intel ---------------------------------------------------------------------

def intel_core_generation(number: str) -> int:
    """Generation of an Intel Core iN model number (see the module docstring)."""
    if len(number) >= 5 or (len(number) == 4 and number.startswith("1")):
        return int(number[:2])
    if len(number) == 4:
        return int(number[0])
    return 1


_CORE_ULTRA = re.compile(r"\bcore ultra ([3579]) (\d)(\d{2})([a-z]*)")
_CORE_2023 = re.compile(r"\bcore ([3579]) ([nu]?)(\d)(\d{2})([a-z]*)\b")
_CORE_I_N = re.compile(r"\bcore i3-n(\d{3})\b")
_CORE_I = re.compile(r"\bcore i([3579])-(\d{4,5})([a-z0-9]*)\b")
_CORE_I_OLD = re.compile(r"\bcore i([3579])[ -]+(?:[a-z] )?(\d{3})[a-z]*\b")
_CORE_M_OLD = re.compile(r"\bcore (?:m([357])?|i[357])-?(\d)y(\d{2})[a-z]?\b")  # m3-7Y30, M-5Y10c, i5-7Y54
_CORE_M_NEW = re.compile(r"\bcore m([357])-(\d)(\d{3})y\b")
_CORE_2 = re.compile(r"\bcore ?2\b|\bcore (?:duo|solo)\b")
_XEON_SCALABLE = re.compile(r"\bxeon (platinum|gold|silver|bronze) (\d)(\d)(\d{2})([a-z+]*)")
_XEON_W = re.compile(r"\bxeon w([3579]?)-(\d{4,5})([a-z]*)")
_XEON_E = re.compile(r"\bxeon e-(\d{4})([a-z]*)")
_XEON_E357 = re.compile(r"\bxeon e([357])-(\d{4})([a-z]*)(?: v(\d))?")
_XEON_D = re.compile(r"\bxeon d-(\d)(\d)(\d{2})([a-z]*)")
_XEON_6 = re.compile(r"\bxeon 6(\d{3})([a-z]+)\b")
_XEON_LEGACY = re.compile(r"\bxeon (?:[a-z] ?)?\d{4}\b|\bxeon [a-z]\d{4}")
_INTEL_N = re.compile(r"\bintel n(\d{2,3})\b")
_INTEL_PROCESSOR_300 = re.compile(r"\bintel (u?3\d{2})([a-z]*)\b")  # "Intel(R) Processor 300 / U300"
_PENTIUM_SILVER = re.compile(r"\bpentium silver\b")
_PENTIUM_NUMBERED = re.compile(r"\bpentium (?:gold )?([a-z]?)(\d{4})([a-z]*)\b")
# The 7th-generation Core X-series parts on Microsoft's Intel list (Skylake-X); the Kaby Lake-X
# i5-7640X and i7-7740X are not on it (docs/windows11.md).
_SKYLAKE_X = frozenset({"7800", "7820", "7900", "7920", "7940", "7960", "7980"})
_CELERON_NUMBERED = re.compile(r"\bceleron ([a-z]?)(\d{4})([a-z]*)\b")
_ATOM_X6000 = re.compile(r"\batom x([67])(\d{3})([a-z]*)")


def _intel(text: str) -> CpuVerdict | None:
    intel = dict(vendor="Intel")
    if m := _CORE_ULTRA.search(text):
        model = f"Core Ultra {m[1]} {m[2]}{m[3]}{m[4]}".upper().replace("CORE ULTRA", "Core Ultra")
        return _v(True, "intel-core-ultra", "Intel Core Ultra processors are supported.",
                  family="Core Ultra", generation=f"Series {m[2]}", model=model, **intel)
    if m := _CORE_2023.search(text):
        return _v(True, "intel-core-2023", "Intel Core 3/5/7/9 (2023 naming, without \"Ultra\") processors are "
                  "supported.", family=f"Core {m[1]}", generation=f"Series {m[3]}",
                  model=f"Core {m[1]} {m[2]}{m[3]}{m[4]}{m[5]}".upper().replace("CORE", "Core"), **intel)
    if m := _CORE_I_N.search(text):
        return _v(True, "intel-n-series", "Intel Core i3-N (Alder Lake-N, 12th generation) is supported.",
                  family="Core i3", generation="12", model=f"i3-N{m[1]}", **intel)
    if m := _CORE_I.search(text):
        number, suffix = m[2], m[3]
        generation = intel_core_generation(number)
        parts = dict(family=f"Core i{m[1]}", generation=str(generation), model=f"i{m[1]}-{number}{suffix.upper()}",
                     **intel)
        if generation >= 8:
            return _v(True, "intel-core-8th-gen-plus", f"Intel Core {generation}th generation: 8th and later are "
                      "supported.", **parts)
        if generation == 7 and suffix.startswith("x"):
            if number in _SKYLAKE_X:
                return _v(True, "intel-core-x-series-7th-gen", "Intel Core X-series of the 7th generation, Skylake-X "
                          "(i7-7800X, i7-7820X, i9-7900X to i9-7980XE): supported by the hub's own rule "
                          "(docs/windows11.md).", **parts)
            return _v(False, "intel-core-x-series-kaby-lake", "Intel Core X-series of the 7th generation, Kaby Lake-X "
                      "(i5-7640X, i7-7740X): not supported by the hub's own rule (docs/windows11.md); of the 7th "
                      "generation only the Skylake-X parts and the i7-7820HQ are.", **parts)
        if generation == 7 and number == "7820" and suffix == "hq":
            return _v(True, "intel-core-i7-7820hq", "The i7-7820HQ (select devices with modern drivers): supported by "
                      "the hub's own rule (docs/windows11.md).", **parts)
        return _v(False, "intel-core-before-8th-gen", f"Intel Core {_ordinal(generation)} generation: only 8th and "
                  "later are supported.", **parts)
    if m := _CORE_M_NEW.search(text):
        generation = int(m[2])
        return _v(generation >= 8, "intel-core-m", f"Intel Core m, {_ordinal(generation)} generation: 8th and "
                  "later are supported.", family="Core m", generation=str(generation),
                  model=f"m{m[1]}-{m[2]}{m[3]}Y", **intel)
    if m := _CORE_M_OLD.search(text):
        return _v(False, "intel-core-m", f"Intel Core m, {_ordinal(int(m[2]))} generation: 8th and later are "
                  "supported.", family="Core m", generation=m[2], model=f"m{m[1] or ''}-{m[2]}Y{m[3]}", **intel)
    if m := _CORE_I_OLD.search(text):
        return _v(False, "intel-core-before-8th-gen", "Intel Core 1st generation (three-digit model): only 8th and "
                  "later are supported.", family=f"Core i{m[1]}", generation="1", model=m[2], **intel)
    if _CORE_2.search(text):
        return _v(False, "intel-pre-core-i", "Intel Core 2 / Core Duo predates the Core i generations.",
                  family="Core 2", **intel)
    if "xeon" in text:
        return _xeon(text)
    if m := _INTEL_N.search(text):
        return _v(True, "intel-n-series", "Intel N-series (Alder Lake-N, 12th generation) is supported.",
                  family="Intel N", generation="12", model=f"N{m[1]}", **intel)
    if m := _INTEL_PROCESSOR_300.search(text):
        return _v(True, "intel-processor-300", "Intel Processor 300 / U300 (2023 naming, Raptor Lake era) is "
                  "supported.", family="Intel Processor", model=f"{m[1]}{m[2]}".upper(), **intel)
    if "pentium" in text:
        return _pentium(text)
    if "celeron" in text:
        return _celeron(text)
    if "atom" in text:
        if m := _ATOM_X6000.search(text):
            return _v(True, "intel-atom-x6000", "Intel Atom x6000/x7000 series (Elkhart Lake, Amston Lake) is "
                      "supported.", family="Atom", model=f"x{m[1]}{m[2]}{m[3].upper()}", **intel)
        return _v(False, "intel-atom-legacy", "Intel Atom: only the x6000 and x7000 series are supported.",
                  family="Atom", **intel)
    return None


def _xeon(text: str) -> CpuVerdict:
    intel = dict(vendor="Intel", family="Xeon")
    if m := _XEON_SCALABLE.search(text):
        generation = int(m[3])
        return _v(True, "intel-xeon-scalable",
                  f"Xeon Scalable, {_ordinal(generation)} generation (second digit of the model): every generation, "
                  "the first (Skylake-SP) included, is supported by the hub's own rule (docs/windows11.md).",
                  generation=str(generation),
                  model=f"{m[1].title()} {m[2]}{m[3]}{m[4]}{m[5].upper()}", **intel)
    if m := _XEON_W.search(text):
        return _v(True, "intel-xeon-w", "Xeon W-series (W-1200 to W-3400, w3/w5/w7/w9): supported by the hub's own "
                  "rule (docs/windows11.md).",
                  model=f"W{m[1]}-{m[2]}{m[3].upper()}", **intel)
    if m := _XEON_E.search(text):
        return _v(True, "intel-xeon-e", "Xeon E-2xxx (Coffee Lake and later) is supported.",
                  model=f"E-{m[1]}{m[2].upper()}", **intel)
    if m := _XEON_E357.search(text):
        return _v(False, "intel-xeon-e3-e5-e7", "Xeon E3/E5/E7 (v1–v6) predate Coffee Lake.",
                  model=f"E{m[1]}-{m[2]}{m[3].upper()}" + (f" v{m[4]}" if m[4] else ""), **intel)
    if m := _XEON_D.search(text):
        ok = m[2] in ("7", "8")
        return _v(ok, "intel-xeon-d", "Xeon D: the D-1700/D-1800/D-2700/D-2800 (Ice Lake-D and later) parts are "
                  "supported, earlier ones are not.", model=f"D-{m[1]}{m[2]}{m[3]}{m[4].upper()}", **intel)
    if m := _XEON_6.search(text):
        return _v(True, "intel-xeon-6", "Xeon 6 processors are supported.", model=f"6{m[1]}{m[2].upper()}", **intel)
    if _XEON_LEGACY.search(text):
        return _v(False, "intel-xeon-legacy", "Xeon without a series prefix (X5650, E5620, W3550) predates 2011.",
                  **intel)
    return _unknown("intel-xeon-unrecognised", "Xeon model not recognised in the brand string.", **intel)


def _pentium(text: str) -> CpuVerdict:
    intel = dict(vendor="Intel", family="Pentium")
    if _PENTIUM_SILVER.search(text):
        return _v(True, "intel-pentium-silver", "Pentium Silver (Gemini Lake and later) is supported.",
                  family="Pentium Silver", vendor="Intel")
    if (m := _PENTIUM_NUMBERED.search(text)) and m[1] in ("", "g", "n", "j"):
        number = int(m[2])
        model = f"{m[1]}{m[2]}{m[3]}".upper()
        ok = number >= 5000 or model == "4425Y"
        return _v(ok, "intel-pentium-gold-era", "Pentium Gold / numbered Pentium: 5000 and later (Coffee Lake, "
                  "Gemini Lake and newer) and the 4425Y are supported; 4xxx and earlier are not.", model=model, **intel)
    return _v(False, "intel-pentium-legacy", "Pentium of the pre-2017 kind (Pentium 4/D/M, Dual-Core, E/T/B "
              "series).", **intel)


def _celeron(text: str) -> CpuVerdict:
    intel = dict(vendor="Intel", family="Celeron")
    if (m := _CELERON_NUMBERED.search(text)) and m[1] in ("", "g", "n", "j"):
        number = int(m[2])
        threshold = 4900 if m[1] == "g" else 4000
        return _v(number >= threshold, "intel-celeron-gemini-lake-era",
                  "Celeron: N/J/U parts from 4000 (Gemini Lake, Whiskey Lake and newer) and G4900 and up (Coffee Lake "
                  "and newer) are supported.", model=f"{m[1]}{m[2]}{m[3]}".upper(), **intel)
    return _v(False, "intel-celeron-legacy", "Celeron of the pre-2017 kind.", **intel)


# --- AMD -----------------------------------------------------------------------

_THREADRIPPER = re.compile(r"\bryzen threadripper(?: pro)? (\d)(\d{3})([a-z]*)")
_RYZEN_AI = re.compile(r"\bryzen (?:\d )?ai\b|\bryzen z\d\b")
_RYZEN_EMBEDDED = re.compile(r"\bryzen embedded ([a-z])(\d)(\d{3})([a-z]*)")
_RYZEN = re.compile(r"\bryzen(?: ([3579]))?(?: pro)? (\d)(\d{3})([a-z]*)")
_ATHLON_TIER = re.compile(r"\bathlon (?:pro )?(silver|gold)\b")
_ATHLON_NUMBERED = re.compile(r"\bathlon (?:pro )?(\d{3,4})([a-z]*)\b")
_EPYC = re.compile(r"\bepyc (\d)([0-9a-z])([0-9a-z])(\d)([a-z]*)\b")  # 7502, 7F52, 72F3, 7H12
_AMD_30X0E = re.compile(r"\bamd (30[12]\de)\b")  # "AMD 3015e with Radeon Graphics" (Zen, Athlon-class)
_AMD_LEGACY = re.compile(r"\b(?:fx-?|a\d{1,2}-|a\d{1,2} pro-|phenom|sempron|turion|opteron|athlon|e\d?-\d{3}|"
                         r"geode|duron)")


def _amd(text: str) -> CpuVerdict | None:
    amd = dict(vendor="AMD")
    if m := _THREADRIPPER.search(text):
        series = int(m[1])
        return _v(series >= 2, "amd-threadripper", "Ryzen Threadripper: the 1000 series is Zen; 2000 and later are "
                  "supported.", family="Ryzen Threadripper", generation=f"{series}000",
                  model=f"{m[1]}{m[2]}{m[3].upper()}", **amd)
    if _RYZEN_AI.search(text):
        return _v(True, "amd-ryzen-ai", "Ryzen AI and Ryzen Z processors are supported.", family="Ryzen AI", **amd)
    if m := _RYZEN_EMBEDDED.search(text):
        return _v(m[2] != "1", "amd-ryzen-embedded", "Ryzen Embedded: V1000/R1000 are Zen; later ones are "
                  "supported.", family="Ryzen Embedded", model=f"{m[1]}{m[2]}{m[3]}{m[4]}".upper(), **amd)
    if m := _RYZEN.search(text):
        series, suffix = int(m[2]), m[4]
        parts = dict(family=f"Ryzen {m[1]}" if m[1] else "Ryzen", generation=f"{series}000",
                     model=f"{m[2]}{m[3]}{suffix.upper()}", **amd)
        if series == 1:
            return _v(False, "amd-ryzen-1000", "Ryzen 1000 is first-generation Zen: Zen+ and later are supported.",
                      **parts)
        if series == 2:
            if suffix[:1] in ("u", "h", "g"):
                return _v(False, "amd-ryzen-2000-apu", "Ryzen 2000 mobile and G parts (Raven Ridge) are "
                          "first-generation Zen: not supported.", **parts)
            return _v(True, "amd-ryzen-2000-desktop", "Ryzen 2000 desktop parts are Zen+: supported.", **parts)
        return _v(True, "amd-ryzen-3000-plus", "Ryzen 3000 and later (Zen+ and newer) are supported.", **parts)
    if m := _ATHLON_TIER.search(text):
        return _v(True, "amd-athlon-zen", f"Athlon {m[1].title()} (Zen-based) is supported.", family="Athlon", **amd)
    if m := _ATHLON_NUMBERED.search(text):
        number = m[1]
        ok = (len(number) == 3 and number[0] == "3") or (len(number) == 4 and number.startswith(("30", "7")))
        return _v(ok, "amd-athlon-zen", "Athlon 3000G / 3xx / 7x20 (Zen-based) are supported; 2xxGE and the "
                  "pre-Zen Athlons are not.", family="Athlon", model=f"{number}{m[2].upper()}", **amd)
    if m := _AMD_30X0E.search(text):
        return _v(True, "amd-athlon-zen", "AMD 3015e / 3020e (Zen-based) are supported.", family="Athlon",
                  model=m[1].upper(), **amd)
    if m := _EPYC.search(text):
        generation = int(m[4])
        return _v(generation >= 2, "amd-epyc", f"EPYC {_ordinal(generation)} generation (last digit of the model): "
                  "2nd and later are supported.", family="EPYC", generation=str(generation),
                  model=f"{m[1]}{m[2]}{m[3]}{m[4]}{m[5].upper()}", **amd)
    if _AMD_LEGACY.search(text):
        return _v(False, "amd-pre-zen", "AMD FX / A-series / Phenom / Athlon II-era processors predate Zen.",
                  **amd)
    return None


# --- Arm -----------------------------------------------------------------------

_SNAPDRAGON_X = re.compile(r"\bsnapdragon x\b|\bsnapdragon x (?:elite|plus)\b|\bx1[ep]-\d")
_SNAPDRAGON_C = re.compile(r"\bsnapdragon (7c|8c|8cx)\b")
_SNAPDRAGON_NUMBERED = re.compile(r"\bsnapdragon (\d{3})\b")
_MICROSOFT_SQ = re.compile(r"\bmicrosoft sq([1-9])\b")
_QUALCOMM_IOT = re.compile(r"\b(qc[ms][56]\d{3})\b")  # QCM/QCS5430, 6490: IoT parts on Microsoft's list


def _arm(text: str) -> CpuVerdict | None:
    qualcomm = dict(vendor="Qualcomm", family="Snapdragon")
    if m := _MICROSOFT_SQ.search(text):
        return _v(True, "microsoft-sq", "Microsoft SQ processors are supported.", vendor="Microsoft", family="SQ",
                  model=f"SQ{m[1]}")
    if _SNAPDRAGON_X.search(text):
        return _v(True, "qualcomm-snapdragon-x", "Snapdragon X series is supported.", model="X", **qualcomm)
    if m := _SNAPDRAGON_C.search(text):
        return _v(True, "qualcomm-snapdragon-compute", f"Snapdragon {m[1]} (compute platform) is supported.",
                  model=m[1], **qualcomm)
    if m := _SNAPDRAGON_NUMBERED.search(text):
        return _v(int(m[1]) >= 850, "qualcomm-snapdragon-850-plus", "Snapdragon 850 and later are supported.",
                  model=m[1], **qualcomm)
    if m := _QUALCOMM_IOT.search(text):
        return _v(True, "qualcomm-iot", "Qualcomm QCM/QCS 5430 and 6490 (IoT) are supported.", vendor="Qualcomm",
                  family="QCM/QCS", model=m[1].upper())
    if "snapdragon" in text:
        return _unknown("qualcomm-unrecognised", "Snapdragon model not recognised in the brand string.", **qualcomm)
    return None


_VIRTUAL = re.compile(r"\b(?:qemu|kvm|virtual cpu|bochs|hypervisor)\b")


def classify_cpu(brand: str) -> CpuVerdict:
    """Microsoft's CPU rule applied to one brand string (no overrides; see `overrides.py`)."""
    text = normalise_brand(brand)
    if not text:
        return _unknown("cpu-not-reported", "NinjaOne reported no CPU brand string.")
    if _VIRTUAL.search(text):
        return _unknown("virtual-cpu", "A virtual CPU that hides the host's processor model.")
    for rule in (_intel, _amd, _arm):
        verdict = rule(text)
        if verdict is not None:
            return verdict
    vendor = "Intel" if "intel" in text else "AMD" if "amd" in text else ""
    return _unknown("cpu-unrecognised", f"CPU brand string not recognised: {brand.strip()!r}.", vendor=vendor)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
