from variances import types as T
from variances.exports.catalogue import (
    BY_CODE,
    VARIANCE_TYPE_CHOICES,
    VARIANCE_TYPES,
    label_for,
    lookup,
    type_order,
)


def test_seven_types_with_unique_codes_and_names():
    assert len(VARIANCE_TYPES) == 7
    assert len({t.code for t in VARIANCE_TYPES}) == 7
    assert len({t.variance_type for t in VARIANCE_TYPES}) == 7
    assert VARIANCE_TYPE_CHOICES[0] == "all"
    assert set(VARIANCE_TYPE_CHOICES[1:]) == {t.variance_type for t in VARIANCE_TYPES}


def test_design_names_pair_codes_with_variance_types():
    assert BY_CODE["MISSING_NINJA"].variance_type == "missing_in_ninja"
    assert BY_CODE["DUPLICATE_TL"].variance_type == "threatlocker_duplicates"
    assert BY_CODE["SITE_MISMATCH"].variance_type == "site_mismatches"


def test_lookup_accepts_code_or_variance_type_and_unknowns_sort_last():
    assert lookup("spare_mismatches") is lookup("SPARE_MISMATCH")
    assert lookup("nonsense") is None and lookup(None) is None
    assert type_order("MISSING_NINJA") == 0
    assert type_order("NEW_KIND") == 7
    assert label_for("NEW_KIND") == "NEW_KIND"


def test_short_labels_fit_excel_sheet_names():
    assert all(len(t.short_label) <= 31 for t in VARIANCE_TYPES)


def test_titles_are_plain_words_for_every_kind_and_all():
    from variances.exports.catalogue import TITLES, title_for

    assert set(TITLES) == {*(kind.code for kind in T.KINDS), "all"}
    assert title_for("missing_in_ninja") == title_for("MISSING_NINJA") == "Devices missing from NinjaOne"
    assert title_for("ALL") == "All exception types"
    assert TITLES[T.SITE_MISMATCH] == T.BY_CODE[T.SITE_MISMATCH].label  # the kind's label where it is plain
    for code, title in TITLES.items():
        assert "_" not in title and title[0].isupper(), code
