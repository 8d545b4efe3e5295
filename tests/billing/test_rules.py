"""Plain rules: the mailbox flag, Graph rows to snapshot values, SKU product names and their import."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.m365 import mapping
from billing.m365.sku_names import import_product_names, parse_product_names, product_name, shipped_names
from billing.models import M365ProductName

SPB, BI = "aaaaaaaa-0000-0000-0000-000000000001", "aaaaaaaa-0000-0000-0000-000000000002"
EXO, FOUNDATION = "bbbbbbbb-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002"
SKUS = [
    {"skuId": SPB.upper(), "skuPartNumber": "SPB", "servicePlans": [
        {"servicePlanId": EXO, "servicePlanName": "EXCHANGE_S_STANDARD"},
        {"servicePlanId": "cccccccc-0000-0000-0000-000000000001", "servicePlanName": "TEAMS1"}]},
    {"skuId": BI, "skuPartNumber": "POWER_BI_PRO", "servicePlans": [
        {"servicePlanId": FOUNDATION, "servicePlanName": "EXCHANGE_S_FOUNDATION"}]},
]


def user(**fields):
    return {"id": "U1", "userPrincipalName": "a@b", "mail": "a@b", "accountEnabled": True, **fields}


@pytest.mark.parametrize(("fields", "mailbox"), [
    ({"assignedLicenses": [{"skuId": SPB, "disabledPlans": []}]}, True),
    ({"assignedLicenses": [{"skuId": SPB, "disabledPlans": [EXO]}]}, False),  # Exchange plan switched off
    ({"assignedLicenses": [{"skuId": SPB, "disabledPlans": []}], "mail": None}, False),  # no mail address
    ({"assignedLicenses": [{"skuId": BI, "disabledPlans": []}]}, False),  # EXCHANGE_S_FOUNDATION is no mailbox
    ({"assignedLicenses": []}, False),  # a shared mailbox without licence does not count
    ({"assignedLicenses": [{"skuId": "dddddddd-0000-0000-0000-000000000009"}]}, False),  # SKU the tenant lacks
])
def test_has_mailbox(fields, mailbox):
    assert mapping.has_mailbox(user(**fields), mapping.mailbox_plans(SKUS)) is mailbox


def test_sku_and_user_values_are_storable():
    sku = {"skuId": SPB.upper(), "skuPartNumber": "S\x00PB", "capabilityStatus": "Enabled", "consumedUnits": 7,
           "prepaidUnits": {"enabled": 10, "suspended": "x", "warning": True}}
    assert mapping.sku_values(sku) == (SPB, "SPB", "Enabled", 10, 0, 0, 7)
    row = mapping.user_values(user(displayName="Ann\ud800 Lee", userType="Member", accountEnabled="yes",
                                   assignedLicenses=[{"skuId": BI}, {"skuId": SPB.upper()}, {"skuId": SPB}]),
                              mapping.mailbox_plans(SKUS))
    assert row == ("u1", "a@b", "Ann Lee", "Member", None, True, [SPB, BI])


def test_shipped_names_and_unknown_codes():
    assert product_name("SPB", shipped_names()) == "Microsoft 365 Business Premium"
    assert product_name("ENTERPRISEPACK", shipped_names()) == "Office 365 E3"
    assert product_name("SOME_NEW_SKU", shipped_names()) == "SOME_NEW_SKU"
    assert len(shipped_names()) >= 50


def test_parse_accepts_microsofts_layout():
    # Microsoft's file: a BOM, one row per product and service plan, extra columns.
    lines = ["\ufeffProduct_Display_Name,String_Id,GUID,Service_Plan_Name\n",
             "Microsoft 365 Business Premium,SPB,CBDC14AB-0000-0000-0000-000000000000,EXCHANGE_S_STANDARD\n",
             "Microsoft 365 Business Premium,SPB,CBDC14AB-0000-0000-0000-000000000000,TEAMS1\n",
             "\"Office 365 E3 (no Teams)\",ENTERPRISEPACK_NOTEAMS,,\n"]
    assert parse_product_names(lines) == {
        "SPB": ("Microsoft 365 Business Premium", "cbdc14ab-0000-0000-0000-000000000000"),
        "ENTERPRISEPACK_NOTEAMS": ("Office 365 E3 (no Teams)", ""),
    }


def test_parse_names_the_missing_column():
    with pytest.raises(ValueError, match=r"missing column\(s\) Product_Display_Name \(found: String_Id, Name\)"):
        parse_product_names(["String_Id,Name\n", "x,y\n"])


@pytest.mark.django_db
def test_import_command_overrides_the_shipped_names(tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text("String_Id,Product_Display_Name,GUID\nSPB,Microsoft 365 Business Premium (renamed),\n"
                    "NEW_SKU,Brand New Product,\n", encoding="utf-8-sig")
    call_command("import_m365_sku_names", str(path))
    assert "2 product names added, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert product_name("SPB") == "Microsoft 365 Business Premium (renamed)"
    assert product_name("NEW_SKU") == "Brand New Product"
    assert product_name("ENTERPRISEPACK") == "Office 365 E3"  # still the shipped table
    assert import_product_names(path) == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert M365ProductName.objects.get(string_id="NEW_SKU").source == "products.csv"


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    ("Name,Code\nx,y\n", "is not a product-names CSV: missing column(s) String_Id, Product_Display_Name"),
    ("String_Id,Product_Display_Name\n", "is not a product-names CSV: no product rows found"),
    (b"\xff\xfe\x00bad", "is not a product-names CSV"),
])
def test_import_command_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_m365_sku_names", str(path))
    assert M365ProductName.objects.count() == 0


@pytest.mark.django_db
def test_import_command_caps_a_file_as_the_download(tmp_path, monkeypatch):
    """review16b G5: a file has the download's size cap (one constant) and a row cap; a clear error, nothing
    imported."""
    from billing.m365 import sku_download, sku_names

    assert sku_names.MAX_BYTES == 20 * 1024 * 1024 and not hasattr(sku_download, "MAX_BYTES")
    big = tmp_path / "big.csv"
    big.write_text("String_Id,Product_Display_Name\n" + "".join(f"SKU{n},Name {n}\n" for n in range(60)))
    monkeypatch.setattr(sku_names, "MAX_BYTES", 500)
    with pytest.raises(CommandError, match=r"big.csv is not a product-names CSV: the file is larger than 500 bytes"):
        call_command("import_m365_sku_names", str(big))
    monkeypatch.setattr(sku_names, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(sku_names, "MAX_ROWS", 50)
    with pytest.raises(CommandError, match=r"more than 50 rows"):
        call_command("import_m365_sku_names", str(big))
    long_field = tmp_path / "field.csv"
    long_field.write_text("String_Id,Product_Display_Name\nSPB," + "x" * 200_000 + "\n")
    with pytest.raises(CommandError, match=r"field.csv is not a product-names CSV: not a readable CSV: field larger"):
        call_command("import_m365_sku_names", str(long_field))
    assert M365ProductName.objects.count() == 0


@pytest.mark.django_db
def test_duplicates_keep_the_first_row_and_case_variants_are_reported(tmp_path, capsys):
    """review16b G9: a String_Id repeated with another name keeps the first (parse, import and the shipped table
    agree), and a part number differing only in case from another is a warning, not a second product."""
    from billing.m365.sku_names import write_shipped_names

    lines = ["String_Id,Product_Display_Name\n", "NEW_SKU,First\n", "NEW_SKU,Second\n", "new_sku,Lower\n",
             "OTHER,Other\n", "OTHER,Other\n"]
    warnings = []
    names = parse_product_names(lines, warnings)
    assert names == {"NEW_SKU": ("First", ""), "OTHER": ("Other", "")}
    assert warnings == ["row 3: String_Id 'NEW_SKU' named 'Second' again; kept the first name 'First'",
                        "row 4: String_Id 'new_sku' differs only in case from 'NEW_SKU'; skipped"]
    path = tmp_path / "dups.csv"
    path.write_text("".join(lines) + "spb,lower case of a shipped one\n")
    call_command("import_m365_sku_names", str(path))
    out, err = capsys.readouterr()
    assert "2 product names added, 0 updated, 0 unchanged, 1 skipped" in out
    assert "warning: String_Id 'spb' differs only in case from the known 'SPB'; skipped" in err
    assert "warning: row 3: String_Id 'NEW_SKU' named 'Second' again" in err
    assert dict(M365ProductName.objects.values_list("string_id", "display_name")) == {"NEW_SKU": "First",
                                                                                     "OTHER": "Other"}
    shipped = tmp_path / "shipped.csv"
    write_shipped_names({code: name for code, (name, _) in names.items()}, shipped, "dups.csv")
    with shipped.open(encoding="utf-8") as handle:
        assert parse_product_names(handle) == names
