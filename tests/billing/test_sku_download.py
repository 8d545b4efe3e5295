"""Microsoft 365 product names refreshed from a URL (the Graph simulator serves Microsoft's CSV), refused answers
that change nothing, and the shipped table rewritten with `--write-shipped`."""
import csv
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from billing.m365 import sku_download, sku_names
from billing.m365.sku_names import SHIPPED, parse_product_names, product_name, write_shipped_names
from billing.models import M365ProductName
from collectors.simulators.graph import PRODUCT_NAMES, SKUS, plan_id, sku_id
from tests.billing.pages_data import DAY, billing_day

RENAMED = "Microsoft 365 Business Premium (from the simulator)"


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@pytest.fixture
def names_url(m365, monkeypatch):
    """The simulator's product-names CSV, SPB renamed so the refresh is seen to win over the shipped table."""
    monkeypatch.setitem(m365.product_names, "SPB", RENAMED)
    return m365.product_names_url


def test_the_simulator_serves_microsofts_format(m365):
    import requests

    answer = requests.get(m365.product_names_url, timeout=5)
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(answer.content.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["Product_Display_Name", "String_Id", "GUID", "Service_Plan_Name", "Service_Plan_Id",
                             "Service_Plans_Included_Friendly_Names"]
    spb = [row for row in rows if row["String_Id"] == "SPB"]
    assert len(spb) == len(SKUS["SPB"][1]) + 1  # one row per service plan, as Microsoft's file
    assert {row["GUID"] for row in spb} == {sku_id("SPB")}  # the skuId the tenants' subscribedSkus carry
    assert plan_id("TEAMS1") in {row["Service_Plan_Id"] for row in spb}
    assert {row["String_Id"]: row["Product_Display_Name"] for row in rows} == PRODUCT_NAMES


@pytest.mark.django_db
def test_download_refresh_imports_the_names_and_the_billing_page_shows_them(names_url, settings, staff_user, capsys):
    leaky = billing_day()["leaky"]
    page = Client()
    page.force_login(staff_user)
    url = f"/billing/clients/{leaky.id}/?date={DAY.isoformat()}"
    assert "Microsoft 365 licences bought: Microsoft 365 Business Premium<" in page.get(url).content.decode()

    assert settings.ESINV_M365_PRODUCT_NAMES_URL == names_url
    call_command("import_m365_sku_names", "--download")
    assert f"{len(PRODUCT_NAMES)} product names added, 0 updated, 0 unchanged" in capsys.readouterr().out
    spb = M365ProductName.objects.get(string_id="SPB")
    assert (spb.display_name, spb.sku_id, spb.source) == (RENAMED, sku_id("SPB"), names_url)
    assert product_name("SPB") == RENAMED
    assert f"Microsoft 365 licences bought: {RENAMED}<" in page.get(url).content.decode()

    call_command("import_m365_sku_names", names_url)  # the URL given directly: nothing new
    assert f"0 product names added, 0 updated, {len(PRODUCT_NAMES)} unchanged" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "message"), [
    ("refused", "could not connect (ConnectionError); gave up after 3 attempts"),
    ("not_found", "refused (HTTP 404)"),
    ("html", "an HTML page (text/html; charset=utf-8), not the CSV"),
    ("json", "not a product-names CSV: missing column(s) String_Id, Product_Display_Name"),
    ("oversize", "the answer is larger than 500 bytes"),
    ("timeout", "timed out (connect 5s, read 0.3s); gave up after 3 attempts"),
    ("server_error", "server error (HTTP 500: generalException: Internal server error); gave up after 3 attempts"),
])
def test_a_bad_download_is_refused_naming_the_url_and_changes_nothing(m365, names_url, settings, monkeypatch, case,
                                                                      message):
    M365ProductName.objects.create(string_id="SPB", display_name="Kept as it was", source="before.csv")
    url = {"refused": "http://127.0.0.1:9/product-names.csv", "not_found": f"{m365.url}/licensing/missing.csv",
           "html": f"{m365.url}/licensing/", "json": f"{m365.url}/_simulator/stats"}.get(case, names_url)
    settings.COLLECTORS_CONNECT_TIMEOUT = 5
    settings.COLLECTORS_READ_TIMEOUT = 0.3 if case == "timeout" else 5
    if case == "oversize":
        monkeypatch.setattr(sku_download.sku_names, "MAX_BYTES", 500)
    if case == "timeout":
        m365.inject("slow", count=3, path="/licensing/", seconds=0.8)
    if case == "server_error":
        m365.inject("server_error", count=3, path="/licensing/")
    settings.ESINV_M365_PRODUCT_NAMES_URL = url
    with pytest.raises(CommandError) as refused:
        call_command("import_m365_sku_names", "--download")
    assert message in str(refused.value) and url in str(refused.value)
    assert list(M365ProductName.objects.values_list("string_id", "display_name", "source")) == [
        ("SPB", "Kept as it was", "before.csv")]


@pytest.mark.django_db
def test_a_download_cut_short_by_retries_succeeds_and_other_sources_are_refused(m365, names_url, capsys):
    m365.inject("server_error", count=2, path="/licensing/")  # two failures, then the file (2 retries allowed)
    call_command("import_m365_sku_names", names_url)
    assert f"{len(PRODUCT_NAMES)} product names added" in capsys.readouterr().out
    with pytest.raises(CommandError, match="cannot read ftp://example.invalid/names.csv"):
        call_command("import_m365_sku_names", "ftp://example.invalid/names.csv")
    with pytest.raises(CommandError, match="give FILE_OR_URL or --download, not both"):
        call_command("import_m365_sku_names", names_url, "--download")
    with pytest.raises(CommandError, match="give FILE_OR_URL, or --download"):
        call_command("import_m365_sku_names")


def test_write_shipped_names_reads_back_the_same_names(tmp_path):
    names = {"ZETA": "Zeta, with a comma", "ALPHA": "Alpha \"quoted\"", " SPB ": "Microsoft 365   Business Premium"}
    path = tmp_path / "names.csv"
    assert write_shipped_names(names, path, "https://example.test/a.csv", when=date(2026, 12, 7)) == 3
    text = path.read_text(encoding="utf-8")
    assert text.startswith(sku_names.SHIPPED_TITLE + "\n")
    assert "(https://example.test/a.csv)" in text and "written on 2026-12-07" in text
    with path.open(encoding="utf-8") as handle:
        assert parse_product_names(handle) == {"ALPHA": ("Alpha \"quoted\"", ""), "SPB": (
            "Microsoft 365 Business Premium", ""), "ZETA": ("Zeta, with a comma", "")}
    assert [row["String_Id"] for row in rows_of(path)] == ["ALPHA", "SPB", "ZETA"]  # sorted
    with pytest.raises(ValueError, match="read as a comment"):
        write_shipped_names({"#X": "y"}, tmp_path / "bad.csv", "x")
    assert not (tmp_path / "bad.csv").exists()


def test_write_shipped_command_from_the_simulator(names_url, tmp_path, monkeypatch, capsys):
    target = tmp_path / "m365_product_names.csv"
    monkeypatch.setattr(sku_names, "SHIPPED", target)  # never the real file
    call_command("import_m365_sku_names", "--write-shipped", names_url)
    assert f"{len(PRODUCT_NAMES)} product names written to {target}" in capsys.readouterr().out
    rows = rows_of(target)
    assert [row["String_Id"] for row in rows] == sorted(PRODUCT_NAMES)  # distinct, sorted; one per product
    with target.open(encoding="utf-8") as handle:
        assert {code: name for code, (name, _) in parse_product_names(handle).items()} == {
            **PRODUCT_NAMES, "SPB": RENAMED}
    assert f"({names_url})" in target.read_text(encoding="utf-8")


def test_write_shipped_from_a_file_keeps_the_first_name_per_part_number(tmp_path):
    source = tmp_path / "Product names and service plan identifiers for licensing.csv"
    source.write_text("\ufeffProduct_Display_Name,String_Id,GUID,Service_Plan_Name\r\n"
                      "Office 365 E3,ENTERPRISEPACK,6fd2c87f-0000-0000-0000-000000000000,TEAMS1\r\n"
                      "Office 365 E3 (second spelling),ENTERPRISEPACK ,6fd2c87f-0000-0000-0000-000000000000,X\r\n"
                      "Exchange Online (Plan 1),EXCHANGESTANDARD,4b9405b0-0000-0000-0000-000000000000,Y\r\n",
                      encoding="utf-8")
    target = tmp_path / "out.csv"
    assert sku_download.write_shipped(str(source), target) == (2, target)
    assert [(r["String_Id"], r["Product_Display_Name"]) for r in rows_of(target)] == [
        ("ENTERPRISEPACK", "Office 365 E3"), ("EXCHANGESTANDARD", "Exchange Online (Plan 1)")]
    assert f"({source.name})" in target.read_text(encoding="utf-8")  # the file's name, not the maintainer's path


def test_the_shipped_table_parses_without_duplicate_part_numbers():
    with SHIPPED.open(encoding="utf-8") as handle:
        assert handle.readline().startswith("# Microsoft 365 product names")  # the header says what and whence
    rows = rows_of(SHIPPED)
    codes = [row["String_Id"].strip() for row in rows]
    assert codes and len(codes) == len(set(codes))
    assert all(row["Product_Display_Name"].strip() for row in rows)
    with SHIPPED.open(encoding="utf-8") as handle:
        assert len(parse_product_names(handle)) == len(codes)


class FakeAnswer:
    def __init__(self, chunks, headers):
        self.status_code, self.headers, self.chunks = 200, headers, chunks

    def iter_content(self, size):
        yield from self.chunks


class FakeSession:
    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs.get("stream")))
        return self.answer

    def close(self):
        pass


@pytest.mark.parametrize(("chunks", "headers", "message"), [
    ([b"String_Id,Product_Display_Name\n", b"X" * 600], {}, "larger than 500 bytes (stopped reading there)"),
    ([b"\xef\xbb\xbf  <!DOCTYPE html><html>...</html>"], {"Content-Type": "application/octet-stream"},
     "an HTML page (application/octet-stream), not the CSV"),
    ([], {}, "the answer is empty"),
])
def test_download_caps_the_stream_and_sniffs_html_without_a_length_or_type(tmp_path, settings, chunks, headers,
                                                                           message):
    session = FakeSession(FakeAnswer(chunks, headers))
    url = "https://download.example.test/names.csv"
    with pytest.raises(sku_download.DownloadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sku_download.download(url, tmp_path / "x.csv", max_bytes=500, session=session)
    assert session.calls == [("GET", url, True)]  # streamed, the address as given
