"""The generated MSP: planted exceptions equal what the reconciliation rules (docs/variances.md) find, day by day."""
import pytest

from collectors.simulators import EXCEPTION_TYPES, generate_msp
from inventory.hostnames import canonical_key


@pytest.mark.parametrize("devices, seed", [(240, 11), (3000, 1)])
def test_expected_counts_match_the_plan_every_day(devices, seed):
    dataset = generate_msp(devices=devices, seed=seed)
    for offset in range(10):
        planted = dataset.planted(offset)
        assert dataset.expected_for(offset) == {kind: len(keys) for kind, keys in planted.items()}, offset
    assert set(dataset.expected) == set(EXCEPTION_TYPES) and all(dataset.expected.values())


def test_deterministic_and_realistic():
    a, b = generate_msp(devices=600, seed=4), generate_msp(devices=600, seed=4)
    assert a.expected == b.expected and [m.name for m in a.machines] == [m.name for m in b.machines]
    assert 10 <= len(a.clients) <= 60
    ninja, tl = a.day(0)
    assert any(len(m.name) > 15 for m in a.machines)  # NetBIOS truncation
    assert any("." in row.hostname for row in tl)  # domain suffixes
    assert any("|" in row.display_name for row in ninja)  # notes after pipes
    assert a.aliases and any(c.tl_name != c.ninja_name for c in a.clients)
    assert any(m.missing for m in a.machines)
    keys = [canonical_key(row.system_name) for row in ninja]
    assert len(keys) > len(set(keys))  # duplicates


def test_history_changes_a_little():
    dataset = generate_msp(devices=600, seed=4)
    assert dataset.expected_for(9) != dataset.expected
    assert len(dataset.day(6)[0]) <= len(dataset.day(0)[0])


def test_scales_to_50k():
    dataset = generate_msp(devices=50_000, seed=7)
    assert len(dataset.machines) == 50_000 and len(dataset.clients) == 61  # 60 clients and the MSP
