import pytest

from inventory.hostnames import canonical_key, clean_hostname, display_note, split_display_name


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("NOCHI-002062482753.local", "NOCHI-002062482753"),
        ("NOCHI-002062482753 | Maintenance", "NOCHI-002062482753"),
        ("  host-01  ", "host-01"),
        ("host-01.corp.example.com", "host-01"),
        ("Host-01.corp | note.with.dots", "Host-01"),
        ("HOST|no-space-note", "HOST"),
        ("MixedCase-PC", "MixedCase-PC"),
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("| only a note", ""),
        (".local", ""),
    ],
)
def test_clean_hostname(raw, clean):
    assert clean_hostname(raw) == clean


def test_netbios_example_from_design_matches_across_vendors():
    # ThreatLocker keeps the full name with a domain; NinjaOne reports NetBIOS.
    assert canonical_key("NOCHI-002062482753.local") == "nochi-002062482"
    assert canonical_key("NOCHI-002062482") == "nochi-002062482"
    assert canonical_key("NOCHI-002062482753 | SPARE - was Maintenance (at ES)") == "nochi-002062482"


@pytest.mark.parametrize(
    "raw, key",
    [
        ("SHORT", "short"),
        ("EXACTLY15CHARSX", "exactly15charsx"),
        ("SIXTEEN-CHARS-XY", "sixteen-chars-x"),
        ("Ünïcode-Host-Name-Long", "ünïcode-host-na"),
        ("pc.domain.local | x", "pc"),
        (None, ""),
    ],
)
def test_canonical_key_lowercases_and_cuts_at_15(raw, key):
    assert canonical_key(raw) == key
    assert len(canonical_key(raw)) <= 15


def test_clean_keeps_case_but_key_does_not():
    assert clean_hostname("AbC.dom") == "AbC"
    assert canonical_key("AbC.dom") == "abc"


@pytest.mark.parametrize(
    "raw, parts",
    [
        ("HOST | SPARE - was Maintenance", ("HOST", "SPARE - was Maintenance")),
        ("HOST|note|more", ("HOST", "note|more")),
        ("HOST", ("HOST", "")),
        ("HOST | ", ("HOST", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_split_display_name(raw, parts):
    assert split_display_name(raw) == parts
    assert display_note(raw) == parts[1]
