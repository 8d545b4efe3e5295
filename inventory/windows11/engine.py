"""The Windows 11 24H2 readiness rules over one device's facts: a plain function.

`assess(facts, cpu)` checks eight requirements. Each one ends `passed`,
`failed` (a deficiency: requirement, found, needed, remediation) or
`missing` (a fact it needs was not reported). The device is

* `incompatible` when any requirement failed (missing facts are listed too:
  the device cannot upgrade whatever they turn out to be);
* `not_assessed` when nothing failed but at least one requirement lacked data
  (never silently compatible);
* `compatible` when every requirement passed.

Units follow Microsoft's own readiness script (HardwareReadiness.ps1): one GB
is 1024³ bytes, so 4 GB of RAM is 4,294,967,296 bytes and 64 GB of system
volume 68,719,476,736 bytes, both inclusive; the clock must be *more* than
1000 MHz; at least 2 logical processors. Build 26100 is 24H2: a device on it
or later is flagged `already_on_24h2` (its status still reflects the
hardware, so an unsupported machine that was forced onto 24H2 still shows).

The *category* partitions the devices for counting and listing: a device on
24H2 is in `already_on_24h2` (whatever its hardware; "on unsupported
hardware" is a flag inside that category), every other device is in the
category of its status (`category_of`).
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache, wraps

from esinv.choices import ChoiceSet
from inventory.windows11.cpu import SUPPORTED, UNSUPPORTED, CpuVerdict

GIB = 1024**3
MIN_MEMORY_BYTES = 4 * GIB
MIN_SYSTEM_VOLUME_BYTES = 64 * GIB
MIN_CLOCK_MHZ_EXCLUSIVE = 1000
MIN_LOGICAL_PROCESSORS = 2
BUILD_24H2 = 26100


class AssessmentStatus(ChoiceSet):
    """The hardware verdict of one device (`Windows11Assessment.status`)."""

    COMPATIBLE, INCOMPATIBLE, NOT_ASSESSED = "compatible", "incompatible", "not_assessed"
    ALREADY_ON_24H2 = "already_on_24h2"
    CHOICES = [(COMPATIBLE, "compatible", "green"), (INCOMPATIBLE, "incompatible", "red"),
               (NOT_ASSESSED, "not assessed", "yellow")]


class AssessmentCategory(AssessmentStatus):
    """Every device is in exactly one category: the hardware status, unless it already runs 24H2."""

    CHOICES = [*AssessmentStatus.CHOICES, (AssessmentStatus.ALREADY_ON_24H2, "already on 24H2", "blue")]


COMPATIBLE = AssessmentStatus.COMPATIBLE
INCOMPATIBLE = AssessmentStatus.INCOMPATIBLE
NOT_ASSESSED = AssessmentStatus.NOT_ASSESSED
ALREADY_ON_24H2 = AssessmentStatus.ALREADY_ON_24H2
CATEGORIES = tuple(AssessmentCategory.values())

# Requirement codes, in the order they are reported.
ARCHITECTURE = "os_64bit"
CPU = "cpu_supported"
TPM = "tpm_2"
SECURE_BOOT = "secure_boot"
MEMORY = "memory"
STORAGE = "storage"
CLOCK = "cpu_clock"
CORES = "cpu_cores"
REQUIREMENTS = (ARCHITECTURE, CPU, TPM, SECURE_BOOT, MEMORY, STORAGE, CLOCK, CORES)
REQUIREMENT_LABELS = {
    ARCHITECTURE: "64-bit operating system",
    CPU: "Supported processor",
    TPM: "TPM 2.0 present and enabled",
    SECURE_BOOT: "UEFI Secure Boot capable and enabled",
    MEMORY: "At least 4 GB of RAM",
    STORAGE: "System disk of at least 64 GB",
    CLOCK: "Processor faster than 1 GHz",
    CORES: "At least 2 logical processors",
}

REPLACE_DEVICE = "Replace the device (or its mainboard/CPU) with hardware on Microsoft's supported list."


@dataclass(slots=True)
class DeviceFacts:
    """What NinjaOne reported about one device; None or "" means not reported."""

    cpu_model: str = ""
    cpu_logical_cores: int | None = None
    cpu_max_clock_mhz: int | None = None
    memory_bytes: int | None = None
    system_volume_bytes: int | None = None
    os_name: str = ""
    os_architecture: str = ""
    os_build: str = ""
    tpm_present: bool | None = None
    tpm_enabled: bool | None = None
    tpm_version: str = ""
    secure_boot_capable: bool | None = None
    secure_boot: bool | None = None


@dataclass
class Assessment:
    status: str
    passed: list[str] = field(default_factory=list)
    deficiencies: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)  # [{requirement, facts, reason}]
    already_on_24h2: bool = False
    build: int | None = None

    @property
    def category(self) -> str:
        return category_of(self.status, self.already_on_24h2)

    @property
    def on_unsupported_hardware(self) -> bool:
        return on_unsupported_hardware(self.status, self.already_on_24h2)

    @property
    def deficiency_codes(self) -> list[str]:
        return [d["requirement"] for d in self.deficiencies]


class _Outcome:
    """One requirement's result. Built once by a cached check, then shared: never mutate it afterwards."""

    def __init__(self, requirement):
        self.requirement = requirement
        self.deficiency = None
        self.missing_facts = []
        self.reason = ""

    def fail(self, found, needed, remediation):
        self.deficiency = {"requirement": self.requirement, "label": REQUIREMENT_LABELS[self.requirement],
                           "found": found, "needed": needed, "remediation": remediation}
        return self

    def lack(self, *facts, reason=""):
        self.missing_facts.extend(facts)
        self.reason = reason or "Not reported by NinjaOne: " + ", ".join(facts) + "."
        return self


# Outcomes with the same content are one object, so that devices whose facts
# differ only in ways that do not matter (256 GB vs 512 GB of disk) share
# outcome tuples and callers can memoise on them.
_OUTCOMES: dict[tuple, _Outcome] = {}


def _interned(check):
    @wraps(check)
    def wrapper(*args):
        out = check(*args)
        deficiency = tuple(out.deficiency.items()) if out.deficiency else None
        return _OUTCOMES.setdefault((out.requirement, deficiency, tuple(out.missing_facts), out.reason), out)
    return wrapper


@lru_cache(maxsize=1024)
def parse_build(os_build: str) -> int | None:
    """The Windows build number from "26100", "10.0.26100" or "10.0.26100.2033"."""
    numbers = [int(n) for n in re.findall(r"\d+", os_build or "")]
    for number in numbers:
        if number >= 7600:  # Windows 7 RTM and later builds; "10" and "0" are version parts
            return number
    return None


def parse_tpm_major(version: str) -> float | None:
    """The spec version from NinjaOne's tpmversion: "2.0, 1.38, 0" → 2.0, "1.2" → 1.2, "" → None."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)", version or "")
    return float(match[1]) if match else None


def _gb(value: int) -> str:
    return f"{value / GIB:.1f} GB".replace(".0 GB", " GB")


@lru_cache(maxsize=1024)
@_interned
def _check_architecture(os_architecture: str) -> _Outcome:
    out = _Outcome(ARCHITECTURE)
    arch = (os_architecture or "").strip()
    if not arch:
        return out.lack("os_architecture")
    if "64" not in arch:
        return out.fail(arch, "64-bit", "Reinstall Windows as 64-bit (a clean install; 32-bit cannot be upgraded "
                        "in place) if the processor is 64-bit capable, otherwise replace the device.")
    return out


def _check_cpu(cpu_model: str, cpu: CpuVerdict) -> _Outcome:
    # Keyed on strings (their hashes are cached), not on the verdict dataclass.
    return _cpu_outcome(cpu_model, cpu.verdict, cpu.reason)


@lru_cache(maxsize=4096)
@_interned
def _cpu_outcome(cpu_model: str, verdict: str, reason: str) -> _Outcome:
    out = _Outcome(CPU)
    if not (cpu_model or "").strip():
        return out.lack("cpu_model")
    if verdict == UNSUPPORTED:
        # The rule's sentence is stored once beside the verdict (cpu_reason), not repeated here.
        return out.fail(cpu_model.strip(), "A processor on Microsoft's Windows 11 24H2 list", REPLACE_DEVICE)
    if verdict != SUPPORTED:
        return out.lack("cpu_model", reason=f"CPU support unknown: {reason} Add an override for this brand "
                        "string in the admin if you know the answer.")
    return out


@lru_cache(maxsize=1024)
@_interned
def _check_tpm(tpm_present: bool | None, tpm_enabled: bool | None, tpm_version: str) -> _Outcome:
    out = _Outcome(TPM)
    major = parse_tpm_major(tpm_version)
    if tpm_present is False:
        return out.fail("No TPM", "TPM 2.0", "Enable the firmware TPM (Intel PTT / AMD fTPM) in UEFI setup if the "
                        "platform has one; otherwise fit a TPM 2.0 module or replace the device.")
    if tpm_enabled is False:
        return out.fail("TPM present but disabled", "TPM 2.0 enabled",
                        "Enable the TPM in the UEFI/BIOS security settings (and clear/initialise it in tpm.msc).")
    if major is not None and major < 2:
        return out.fail(f"TPM {tpm_version.strip()}", "TPM 2.0", "Update the TPM firmware to 2.0 if the "
                        "manufacturer offers it (some 1.2 chips can be); otherwise replace the device.")
    missing = [name for name, value in (("tpm_present", tpm_present), ("tpm_enabled", tpm_enabled),
                                         ("tpm_version", major)) if value is None]
    if missing:
        return out.lack(*missing)
    return out


@lru_cache(maxsize=64)
@_interned
def _check_secure_boot(secure_boot_capable: bool | None, secure_boot: bool | None) -> _Outcome:
    out = _Outcome(SECURE_BOOT)
    if secure_boot_capable is False:
        return out.fail("Not Secure Boot capable (legacy BIOS / MBR boot)", "UEFI with Secure Boot",
                        "Convert the system disk to GPT (mbr2gpt /convert), switch the firmware from Legacy/CSM to "
                        "UEFI, then enable Secure Boot; replace the device if the firmware has no UEFI.")
    if secure_boot is False:
        return out.fail("Secure Boot disabled", "Secure Boot enabled",
                        "Enable Secure Boot in the UEFI firmware settings (the device already boots UEFI).")
    missing = [name for name, value in (("secure_boot_capable", secure_boot_capable),
                                         ("secure_boot", secure_boot)) if value is None]
    if missing:
        return out.lack(*missing)
    return out


@lru_cache(maxsize=4096)
@_interned
def _check_memory(memory_bytes: int | None) -> _Outcome:
    out = _Outcome(MEMORY)
    if memory_bytes is None:
        return out.lack("memory_bytes")
    if memory_bytes < MIN_MEMORY_BYTES:
        return out.fail(_gb(memory_bytes), "4 GB", "Add RAM to at least 4 GB (8 GB recommended), or replace "
                        "the device if memory is soldered.")
    return out


@lru_cache(maxsize=8192)
@_interned
def _check_storage(system_volume_bytes: int | None) -> _Outcome:
    out = _Outcome(STORAGE)
    if system_volume_bytes is None:
        return out.lack("system_volume_bytes")
    if system_volume_bytes < MIN_SYSTEM_VOLUME_BYTES:
        return out.fail(_gb(system_volume_bytes), "64 GB", "Replace the system disk with one of 128 GB or more "
                        "(or extend the system partition if the disk has unallocated space).")
    return out


@lru_cache(maxsize=1024)
@_interned
def _check_clock(cpu_max_clock_mhz: int | None) -> _Outcome:
    out = _Outcome(CLOCK)
    if cpu_max_clock_mhz is None:
        return out.lack("cpu_max_clock_mhz")
    if cpu_max_clock_mhz <= MIN_CLOCK_MHZ_EXCLUSIVE:
        return out.fail(f"{cpu_max_clock_mhz} MHz", "more than 1000 MHz", REPLACE_DEVICE)
    return out


@lru_cache(maxsize=256)
@_interned
def _check_cores(cpu_logical_cores: int | None) -> _Outcome:
    out = _Outcome(CORES)
    if cpu_logical_cores is None:
        return out.lack("cpu_logical_cores")
    if cpu_logical_cores < MIN_LOGICAL_PROCESSORS:
        return out.fail(f"{cpu_logical_cores} logical processor", "2 logical processors",
                        "Give a virtual machine at least 2 vCPUs; replace a physical single-core device.")
    return out


def evaluate(facts: DeviceFacts, cpu: CpuVerdict) -> tuple:
    """The eight requirement outcomes, in REQUIREMENTS order.

    Each check is a pure function of a few facts, cached: a fleet repeats the
    same values, so the same (shared, never mutated) outcome objects come back
    and callers may memoise on the tuple's identity.
    """
    return (
        _check_architecture(facts.os_architecture), _check_cpu(facts.cpu_model, cpu),
        _check_tpm(facts.tpm_present, facts.tpm_enabled, facts.tpm_version),
        _check_secure_boot(facts.secure_boot_capable, facts.secure_boot), _check_memory(facts.memory_bytes),
        _check_storage(facts.system_volume_bytes), _check_clock(facts.cpu_max_clock_mhz),
        _check_cores(facts.cpu_logical_cores),
    )


def combine(outcomes) -> Assessment:
    """The device verdict from its requirement outcomes (see the module docstring)."""
    result = Assessment(status=COMPATIBLE)
    for out in outcomes:
        if out.deficiency:
            result.deficiencies.append(dict(out.deficiency))
        elif out.missing_facts:
            result.missing.append({"requirement": out.requirement, "facts": list(out.missing_facts),
                                   "reason": out.reason})
        else:
            result.passed.append(out.requirement)
    if result.deficiencies:
        result.status = INCOMPATIBLE
    elif result.missing:
        result.status = NOT_ASSESSED
    return result


def assess(facts: DeviceFacts, cpu: CpuVerdict) -> Assessment:
    """Windows 11 24H2 readiness of one device, given its CPU verdict (see `cpu.py` / `overrides.py`)."""
    result = combine(evaluate(facts, cpu))
    result.build = parse_build(facts.os_build)
    result.already_on_24h2 = is_24h2_or_later(result.build)
    return result


def category_of(status: str, already_on_24h2: bool) -> str:
    """The one category of a device: already_on_24h2 when it runs build 26100 or later, else its status."""
    return ALREADY_ON_24H2 if already_on_24h2 else status


def on_unsupported_hardware(status: str, already_on_24h2: bool) -> bool:
    """The flag inside the already-on-24H2 category: the hardware fails a requirement."""
    return already_on_24h2 and status == INCOMPATIBLE


def is_24h2_or_later(build: int | None) -> bool:
    return build is not None and build >= BUILD_24H2
