"""Simulated Windows workstations have coherent facts: OS name matches build, a quarter on 24H2, mostly supported."""
from collections import Counter

from collectors.simulators.dataset import generate_msp
from collectors.simulators.windows_facts import windows_workstation_facts
from inventory.windows11.engine import is_24h2_or_later, parse_build
from inventory.windows11.microsoft_list import shipped_list
from inventory.windows11.overrides import CpuResolver


def _facts(n=4000, seed=7):
    return [windows_workstation_facts(seq, seed) for seq in range(n)]


def test_os_name_matches_build():
    for facts in _facts():
        build = int(facts.build)
        if facts.os_name.startswith("Windows 10"):
            assert 19041 <= build <= 19045, facts
        else:
            assert facts.os_name.startswith("Windows 11") and build >= 22000, facts
            assert facts.architecture == "64-bit"


def test_about_a_quarter_on_24h2_most_on_supported_hardware():
    facts = _facts()
    resolver = CpuResolver([], shipped_list())
    on_24h2 = [f for f in facts if is_24h2_or_later(parse_build(f.build))]
    assert 0.2 <= len(on_24h2) / len(facts) <= 0.3
    verdicts = Counter(resolver.resolve(f.cpu).verdict for f in on_24h2)
    assert verdicts["supported"] / len(on_24h2) >= 0.85
    assert set(verdicts) <= {"supported", "unsupported"}  # every simulated CPU is decided, none unknown
    supported = {f.cpu for f in facts if resolver.resolve(f.cpu).verdict == "supported"}
    assert supported and all(resolver.resolve(cpu).rule == "microsoft-list" for cpu in supported)


def test_generated_ninja_devices_carry_those_facts():
    msp = generate_msp(devices=300, seed=3)
    seen = 0
    for row in msp.day(0)[0]:
        if row.machine.node_class != "WINDOWS_WORKSTATION":
            continue
        device = msp.ninja_device(row, 0)
        if "os" not in device:
            continue
        seen += 1
        name, build = device["os"]["name"], int(device["os"]["buildNumber"])
        assert (19041 <= build <= 19045) if name.startswith("Windows 10") else build >= 22000
        if "processors" in device:
            assert device["processors"][0]["name"] == windows_workstation_facts(row.machine.seq, msp.seed).cpu
    assert seen > 50


def test_machines_on_24h2_with_a_supported_cpu_have_the_rest_of_the_hardware_too():
    msp = generate_msp(devices=600, seed=5)
    ready = 0
    for row in msp.day(0)[0]:
        m = row.machine
        if m.node_class != "WINDOWS_WORKSTATION" or not windows_workstation_facts(m.seq, msp.seed).ready_hardware:
            continue
        device, custom = msp.ninja_device(row, 0), msp.ninja_custom_fields(row)
        ready += 1
        assert int(device["os"]["buildNumber"]) >= 26100 if "os" in device else True
        if custom:
            assert (custom["fields"]["tpmversion"], custom["fields"]["securebootenabled"]) == ("2.0, 1.38, 0", "true")
        if "memory" in device:
            assert device["memory"]["capacity"] >= 4 * 1024**3
        if "volumes" in device:
            assert device["volumes"][0]["capacity"] >= 128 * 1000**3
    assert ready > 20
