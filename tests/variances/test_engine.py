"""The rules over plain rows: no database, no HTTP."""
from tests.variances.rows import ninja, tl
from variances import types as T
from variances.engine import load, normalise_note, reconcile


def found(findings):
    return {(f.type, f.key) for f in findings}


def test_netbios_truncation_pairs_the_full_threatlocker_name_with_ninjas_15_characters():
    findings = reconcile([ninja("NOCHI-002062482")], [tl("NOCHI-002062482753.local")])
    assert findings == []


def test_domain_suffix_and_case_do_not_split_a_device():
    assert reconcile([ninja("WS-ACCT-01")], [tl("ws-acct-01.corp.example.com")]) == []


def test_pipe_in_a_threatlocker_hostname_is_cut():
    display = "LAPTOP7 | front desk"
    findings = reconcile([ninja("LAPTOP7", display)], [tl(display, display)])
    assert findings == []
    assert load([tl("LAPTOP7 | front desk")]).primary("laptop7").clean_hostname == "LAPTOP7"


def test_missing_in_ninja_is_any_threatlocker_key_without_a_ninja_row():
    findings = reconcile([ninja("A1")], [tl("A1"), tl("ORPHAN.local", org=20)])
    assert found(findings) == {(T.MISSING_NINJA, "orphan")}
    details = findings[0].details
    assert details["threatlocker_hostname"] == "ORPHAN" and details["ninja_hostname"] is None
    assert details["organization"] == "Globex" and findings[0].organization_id == 20


def test_missing_in_threatlocker_only_for_billable_windows_devices():
    rows = [
        ninja("WIN-WS"),
        ninja("WIN-SRV", node_class="WINDOWS_SERVER"),
        ninja("MACBOOK", node_class="MAC"),
        ninja("HV01", node_class="HYPERV_VMM_HOST"),
        ninja("SPARE-WS", "SPARE-WS | SPARE shelf"),
        ninja("ES-WS", org=1, internal=True),
        ninja("LINUXBOX", node_class="LINUX_SERVER"),
    ]
    assert found(reconcile(rows, [])) == {(T.MISSING_THREATLOCKER, "win-ws"), (T.MISSING_THREATLOCKER, "win-srv")}


def test_duplicates_on_both_sides_are_reported_once_per_key_with_every_entry():
    findings = reconcile(
        [ninja("DUPN"), ninja("dupn.local"), ninja("BOTH")],
        [tl("DUPN"), tl("DUPT"), tl("DUPT.corp.local"), tl("dupt"), tl("BOTH")],
    )
    assert found(findings) == {(T.DUPLICATE_NINJA, "dupn"), (T.DUPLICATE_TL, "dupt"),
                               (T.MISSING_NINJA, "dupt")}
    dup_tl = next(f for f in findings if f.type == T.DUPLICATE_TL)
    assert dup_tl.details["count"] == 3
    # Each copy's hostname exactly as the vendor has it: the domain suffix is what tells two apart.
    assert [e["hostname"] for e in dup_tl.details["entries"]] == ["DUPT", "DUPT.corp.local", "dupt"]
    assert {e["vendor"] for e in dup_tl.details["entries"]} == {"threatlocker"}


def test_duplicates_surface_at_load():
    loaded = load([tl("X1"), tl("x1.local"), tl("Y1")])
    assert set(loaded.duplicates) == {"x1"}


def test_spare_in_ninja_still_in_threatlocker_is_a_spare_mismatch():
    findings = reconcile(
        [ninja("NOCHI-002062482", "NOCHI-002062482753 | SPARE - was Maintenance (at ES)"),
         ninja("SHELF1", location="SPARE closet")],
        [tl("NOCHI-002062482753", "NOCHI-002062482753 | Maintenance"), tl("SHELF1")],
    )
    assert found(findings) == {
        (T.SPARE_MISMATCH, "nochi-002062482"), (T.DISPLAY_NAME_MISMATCH, "nochi-002062482"),
        (T.SPARE_MISMATCH, "shelf1"),
    }
    spare = next(f for f in findings if f.type == T.SPARE_MISMATCH and f.key == "nochi-002062482")
    assert spare.details["ninja_hostname"] == "NOCHI-002062482"
    assert spare.details["threatlocker_hostname"] == "NOCHI-002062482753"
    assert spare.details["ninja_display_name"] == "NOCHI-002062482753 | SPARE - was Maintenance (at ES)"


def test_display_name_notes_compare_without_case_or_spacing():
    assert reconcile([ninja("H1", "H1 | Front  Desk")], [tl("H1", "h1 |front desk ")]) == []
    findings = reconcile([ninja("H2", "H2 | Front desk")], [tl("H2", "H2 | Back office")])
    assert found(findings) == {(T.DISPLAY_NAME_MISMATCH, "h2")}
    assert findings[0].details["ninja_note"] == "Front desk"
    assert findings[0].details["threatlocker_note"] == "Back office"


def test_blank_display_names():
    # Both blank: nothing to compare. A note on one side only: staff must copy it.
    assert reconcile([ninja("B1", "")], [tl("B1", "")]) == []
    assert reconcile([ninja("B2", "B2")], [tl("B2", "")]) == []
    assert found(reconcile([ninja("B3", "")], [tl("B3", "B3 | Reception")])) == {(T.DISPLAY_NAME_MISMATCH, "b3")}


def test_site_mismatch_when_matched_devices_sit_under_different_organizations():
    findings = reconcile([ninja("S1", org=10), ninja("S2", org=10), ninja("S3", org=10)],
                         [tl("S1", org=20), tl("S2", org=10), tl("S3", org=None)])
    assert found(findings) == {(T.SITE_MISMATCH, "s1")}
    assert findings[0].details["ninja_organization"] == "Acme Corp"
    assert findings[0].details["threatlocker_organization"] == "Globex"


def test_each_rule_can_be_switched_off():
    ninja_rows = [ninja("M1"), ninja("D1"), ninja("d1"), ninja("SP", "SP | SPARE"), ninja("S1", org=20),
                  ninja("DN", "DN | a")]
    tl_rows = [tl("ORPHAN"), tl("T1"), tl("t1"), tl("SP", "SP | SPARE"), tl("S1", org=10), tl("D1"), tl("DN", "DN | b")]
    everything = found(reconcile(ninja_rows, tl_rows))
    assert {kind for kind, _ in everything} == set(T.BY_CODE)
    for code in T.BY_CODE:
        remaining = found(reconcile(ninja_rows, tl_rows, set(T.BY_CODE) - {code}))
        assert remaining == {f for f in everything if f[0] != code}


def test_rows_without_a_name_are_ignored():
    assert reconcile([ninja("")], [tl("  ")]) == []


def test_normalise_note():
    assert normalise_note("  A  b ") == "a b" and normalise_note(None) == ""
