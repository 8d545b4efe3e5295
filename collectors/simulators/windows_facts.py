"""Coherent Windows facts for a simulated NinjaOne Windows workstation: CPU, OS name, build and release.

A fleet as an MSP sees it in late 2025: about a quarter of the workstations
already on Windows 11 24H2 (build 26100, a few on 25H2 26200), nearly all of
them on supported hardware (a few were forced onto 24H2 on old machines);
the rest on Windows 10 22H2 and older builds (19041-19045) or on Windows 11
21H2-23H2 (22000-22631). The OS name always matches the build. Supported
CPUs are brand strings of processors on Microsoft's lists as Windows
reports them; unsupported ones are real strings of older parts. A machine on
24H2 with a supported CPU also has the rest of the hardware 24H2 asks for
(`ready_hardware`: TPM 2.0, Secure Boot, at least 4 GB of RAM and a 128 GB+
disk), as it would have to have been to take the update.
"""
import random
from dataclasses import dataclass

# (brand string, logical processors, max clock in Hz), as NinjaOne reports them.
SUPPORTED_CPUS = [
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", 8, 1_800_000_000),
    ("Intel(R) Core(TM) i5-8365U CPU @ 1.60GHz", 8, 1_896_000_000),
    ("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", 12, 3_192_000_000),
    ("Intel(R) Core(TM) i5-9500 CPU @ 3.00GHz", 6, 3_000_000_000),
    ("Intel(R) Core(TM) i5-10310U CPU @ 1.70GHz", 8, 2_208_000_000),
    ("Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz", 16, 2_904_000_000),
    ("11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", 8, 2_611_000_000),
    ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", 8, 2_803_000_000),
    ("12th Gen Intel(R) Core(TM) i5-1245U", 12, 1_600_000_000),
    ("12th Gen Intel(R) Core(TM) i7-12700", 20, 2_100_000_000),
    ("13th Gen Intel(R) Core(TM) i5-1345U", 12, 1_600_000_000),
    ("13th Gen Intel(R) Core(TM) i7-13700", 24, 2_100_000_000),
    ("Intel(R) Core(TM) Ultra 7 155H", 22, 3_800_000_000),
    ("Intel(R) Core(TM) Ultra 5 125U", 14, 1_300_000_000),
    ("Intel(R) Pentium(R) Silver N5030 CPU @ 1.10GHz", 4, 1_101_000_000),
    ("Intel(R) Celeron(R) N4120 CPU @ 1.10GHz", 4, 1_101_000_000),
    ("Intel(R) Xeon(R) W-2235 CPU @ 3.80GHz", 12, 3_792_000_000),
    ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", 12, 2_100_000_000),
    ("AMD Ryzen 7 PRO 5850U with Radeon Graphics", 16, 1_901_000_000),
    ("AMD Ryzen 5 5600G with Radeon Graphics", 12, 3_901_000_000),
    ("AMD Ryzen 5 3600 6-Core Processor", 12, 3_600_000_000),
    ("AMD Athlon Silver 3050U with Radeon Graphics", 2, 2_300_000_000),
    ("Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU", 12, 3_417_000_000),
    ("Microsoft SQ1 @ 3.0 GHz", 8, 2_995_000_000),
]
UNSUPPORTED_CPUS = [
    ("Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz", 8, 3_401_000_000),
    ("Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz", 4, 3_192_000_000),
    ("Intel(R) Core(TM) i3-7100U CPU @ 2.40GHz", 4, 2_400_000_000),
    ("Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz", 4, 2_712_000_000),
    ("Intel(R) Core(TM) i7-4790 CPU @ 3.60GHz", 8, 3_601_000_000),
    ("Intel(R) Celeron(R) CPU N3350 @ 1.10GHz", 2, 1_101_000_000),
    ("Intel(R) Pentium(R) CPU G4560 @ 3.50GHz", 4, 3_504_000_000),
    ("AMD Ryzen 7 2700U with Radeon Vega Mobile Gfx", 8, 2_200_000_000),
    ("AMD A10-9700 RADEON R7, 10 COMPUTE CORES 4C+6G", 4, 3_500_000_000),
]

# (OS name, build, release): Windows 10 builds 19041-19045, Windows 11 22000 and later.
WINDOWS_10 = [("Windows 10 Pro", "19045", "22H2")] * 8 + [
    ("Windows 10 Enterprise", "19045", "22H2"), ("Windows 10 Pro", "19044", "21H2"),
    ("Windows 10 Pro", "19043", "21H1"), ("Windows 10 Pro", "19042", "20H2"), ("Windows 10 Pro", "19041", "2004")]
WINDOWS_11_BEFORE_24H2 = [("Windows 11 Pro", "22631", "23H2")] * 4 + [
    ("Windows 11 Enterprise", "22631", "23H2"), ("Windows 11 Pro", "22621", "22H2"),
    ("Windows 11 Pro", "22000", "21H2")]
WINDOWS_11_24H2 = [("Windows 11 Pro", "26100", "24H2")] * 8 + [
    ("Windows 11 Enterprise", "26100", "24H2"), ("Windows 11 Pro", "26200", "25H2")]

SHARE_ON_24H2 = 0.25
SUPPORTED_SHARE = {"24h2": 0.92, "win11": 0.9, "win10": 0.6}


@dataclass(frozen=True, slots=True)
class WindowsFacts:
    cpu: str
    logical_cores: int
    max_clock_hz: int
    os_name: str
    build: str
    release: str
    architecture: str
    ready_hardware: bool = False  # on 24H2 with a supported CPU: TPM 2.0, Secure Boot, RAM and disk all pass


def windows_workstation_facts(seq: int, seed: int) -> WindowsFacts:
    """The CPU and OS of simulated Windows workstation `seq`: deterministic for (seq, seed)."""
    rng = random.Random(seq * 15_485_863 + seed)
    roll = rng.random()
    if roll < SHARE_ON_24H2:
        kind, os_choices = "24h2", WINDOWS_11_24H2
    elif roll < SHARE_ON_24H2 + 0.3:
        kind, os_choices = "win11", WINDOWS_11_BEFORE_24H2
    else:
        kind, os_choices = "win10", WINDOWS_10
    cpus = SUPPORTED_CPUS if rng.random() < SUPPORTED_SHARE[kind] else UNSUPPORTED_CPUS
    cpu, logical, clock = cpus[rng.randrange(len(cpus))]
    name, build, release = os_choices[rng.randrange(len(os_choices))]
    # Windows 11 is 64-bit only; a few Windows 10 machines run the 32-bit edition.
    architecture = "32-bit" if kind == "win10" and cpus is UNSUPPORTED_CPUS and rng.random() < 0.05 else "64-bit"
    ready = kind == "24h2" and cpus is SUPPORTED_CPUS
    return WindowsFacts(cpu, logical, clock, name, build, release, architecture, ready)
