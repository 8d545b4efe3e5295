"""The readiness rules over plain facts: each requirement's pass, fail and missing-data case, and boundaries."""
from dataclasses import replace

import pytest

from inventory.windows11.cpu import classify_cpu
from inventory.windows11.engine import (
    ARCHITECTURE,
    CLOCK,
    COMPATIBLE,
    CORES,
    CPU,
    GIB,
    INCOMPATIBLE,
    MEMORY,
    NOT_ASSESSED,
    REQUIREMENTS,
    SECURE_BOOT,
    STORAGE,
    TPM,
    DeviceFacts,
    assess,
    parse_build,
    parse_tpm_major,
)

GOOD = DeviceFacts(
    cpu_model="Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", cpu_logical_cores=8, cpu_max_clock_mhz=1800,
    memory_bytes=8 * GIB, system_volume_bytes=256 * GIB, os_name="Windows 10 Pro", os_architecture="64-bit",
    os_build="19045", tpm_present=True, tpm_enabled=True, tpm_version="2.0, 1.38, 0", secure_boot_capable=True,
    secure_boot=True,
)


def run(**changes):
    facts = replace(GOOD, **changes)
    return assess(facts, classify_cpu(facts.cpu_model))


def outcome(result, requirement):
    if requirement in result.passed:
        return "pass"
    if requirement in result.deficiency_codes:
        return "fail"
    assert requirement in [m["requirement"] for m in result.missing]
    return "missing"


def test_a_good_device_passes_everything():
    result = run()
    assert result.status == COMPATIBLE
    assert result.passed == list(REQUIREMENTS)
    assert result.deficiencies == [] and result.missing == []


# requirement, facts that pass, facts that fail, facts that are missing
CASES = [
    (ARCHITECTURE, {"os_architecture": "64-bit"}, {"os_architecture": "32-bit"}, {"os_architecture": ""}),
    (CPU, {"cpu_model": "AMD Ryzen 5 2600 Six-Core Processor"},
     {"cpu_model": "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz"}, {"cpu_model": ""}),
    (TPM, {"tpm_version": "2.0, 1.38, 0"}, {"tpm_version": "1.2"}, {"tpm_version": ""}),
    (TPM, {"tpm_present": True}, {"tpm_present": False}, {"tpm_present": None}),
    (TPM, {"tpm_enabled": True}, {"tpm_enabled": False}, {"tpm_enabled": None}),
    (SECURE_BOOT, {"secure_boot": True}, {"secure_boot": False}, {"secure_boot": None}),
    (SECURE_BOOT, {"secure_boot_capable": True}, {"secure_boot_capable": False}, {"secure_boot_capable": None}),
    (MEMORY, {"memory_bytes": 4 * GIB}, {"memory_bytes": 4 * GIB - 1}, {"memory_bytes": None}),
    (STORAGE, {"system_volume_bytes": 64 * GIB}, {"system_volume_bytes": 64 * GIB - 1},
     {"system_volume_bytes": None}),
    (CLOCK, {"cpu_max_clock_mhz": 1001}, {"cpu_max_clock_mhz": 1000}, {"cpu_max_clock_mhz": None}),
    (CORES, {"cpu_logical_cores": 2}, {"cpu_logical_cores": 1}, {"cpu_logical_cores": None}),
]


@pytest.mark.parametrize("requirement, passing, failing, missing", CASES,
                         ids=[f"{c[0]}-{next(iter(c[1]))}" for c in CASES])
def test_requirement_pass_fail_missing(requirement, passing, failing, missing):
    assert outcome(run(**passing), requirement) == "pass"
    failed = run(**failing)
    assert outcome(failed, requirement) == "fail"
    assert failed.status == INCOMPATIBLE
    deficiency = failed.deficiencies[0]
    assert deficiency["requirement"] == requirement
    assert deficiency["found"] and deficiency["needed"] and deficiency["remediation"]
    lacking = run(**missing)
    assert outcome(lacking, requirement) == "missing"
    assert lacking.status == NOT_ASSESSED, "missing data must never read as compatible"
    assert lacking.missing[0]["facts"] and lacking.missing[0]["reason"]


def test_boundaries_exactly():
    assert outcome(run(memory_bytes=4_294_967_296), MEMORY) == "pass"  # exactly 4 GB (GiB, as Windows counts)
    assert outcome(run(memory_bytes=4_294_967_295), MEMORY) == "fail"
    assert outcome(run(memory_bytes=4_000_000_000), MEMORY) == "fail"  # "4 GB" in decimal is 3.7 GiB
    assert outcome(run(system_volume_bytes=68_719_476_736), STORAGE) == "pass"  # exactly 64 GB
    assert outcome(run(system_volume_bytes=64_000_000_000), STORAGE) == "fail"
    assert outcome(run(cpu_max_clock_mhz=1000), CLOCK) == "fail"  # "more than 1 GHz"
    assert outcome(run(cpu_logical_cores=2), CORES) == "pass"


@pytest.mark.parametrize("version, expected", [("2.0, 1.38, 0", "pass"), ("2.0", "pass"), ("1.2", "fail"),
                                               ("1.2, 5.81, 0", "fail"), ("", "missing"), ("   ", "missing"),
                                               ("unknown", "missing")])
def test_tpm_version_strings(version, expected):
    assert outcome(run(tpm_version=version), TPM) == expected


def test_parsers():
    assert parse_tpm_major("2.0, 1.38, 0") == 2.0 and parse_tpm_major("1.2") == 1.2 and parse_tpm_major("") is None
    assert parse_build("19045") == 19045
    assert parse_build("10.0.26100.2033") == 26100
    assert parse_build("") is None and parse_build("n/a") is None


def test_unknown_cpu_is_not_assessed_with_the_reason():
    result = run(cpu_model="QEMU Virtual CPU version 2.5+")
    assert result.status == NOT_ASSESSED
    (missing,) = result.missing
    assert missing["requirement"] == CPU and "virtual CPU" in missing["reason"]


def test_a_failure_outranks_missing_data_and_both_are_reported():
    result = run(memory_bytes=2 * GIB, tpm_version="")
    assert result.status == INCOMPATIBLE
    assert result.deficiency_codes == [MEMORY]
    assert [m["requirement"] for m in result.missing] == [TPM]


def test_several_deficiencies_each_with_its_own_remediation():
    result = run(cpu_model="Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz", tpm_enabled=False, secure_boot_capable=False,
                 memory_bytes=2 * GIB, os_architecture="32-bit")
    assert result.deficiency_codes == [ARCHITECTURE, CPU, TPM, SECURE_BOOT, MEMORY]
    hints = {d["requirement"]: d["remediation"] for d in result.deficiencies}
    assert "64-bit" in hints[ARCHITECTURE]
    assert "Replace the device" in hints[CPU]
    assert "Enable the TPM" in hints[TPM]
    assert "mbr2gpt" in hints[SECURE_BOOT] and "UEFI" in hints[SECURE_BOOT]
    assert "Add RAM" in hints[MEMORY]
    assert result.deficiencies[4]["found"] == "2 GB"


def test_build_26100_and_later_is_flagged_already_on_24h2():
    assert run(os_build="26100").already_on_24h2
    assert run(os_build="10.0.26200").already_on_24h2
    assert not run(os_build="22631").already_on_24h2
    on_24h2_unsupported = run(os_build="26100", cpu_model="Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz")
    assert on_24h2_unsupported.already_on_24h2 and on_24h2_unsupported.status == INCOMPATIBLE
