import csv
import datetime as dt
import io

from variances.exports import COLUMN_KEYS, ExportFilters, export_filename, iter_csv

from .conftest import make_meta, make_row


def parse(data: bytes):
    """(metadata dict, header, rows as dicts) of an export, read the way docs/exports.md says: the header
    first, or with ``meta=true`` the key,value block up to an empty line, then the header."""
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    metadata = {}
    first = next(reader)
    if first and first[0] == "report" and len(first) == 2:  # the metadata block (meta=true)
        metadata[first[0]] = first[1]
        for record in reader:
            if not record:
                break
            key, value = record
            metadata[key] = value
        header = next(reader)
    else:
        header = first
    return metadata, header, [dict(zip(header, record, strict=True)) for record in reader]


def render(rows, meta=None) -> bytes:
    return b"".join(iter_csv(iter(rows), meta or make_meta(rows)))


def test_one_row_per_exception_with_every_field(mixed_rows):
    metadata, header, rows = parse(render(mixed_rows))
    assert header == list(COLUMN_KEYS)
    assert [r["id"] for r in rows] == [str(r["id"]) for r in mixed_rows]
    resolved = rows[4]
    assert resolved["status"] == "resolved"
    assert resolved["variance_status"] == "collector_verified"
    assert resolved["resolved_at"] == "2026-11-22T16:30:00+00:00"
    assert resolved["resolved_by"] == "tech@example.com"
    assert resolved["date_found"] == "2026-11-01"
    assert resolved["variance_type"] == "site_mismatches"


def test_quoting_and_non_ascii_survive_a_round_trip(mixed_rows):
    _, _, rows = parse(render(mixed_rows))
    assert rows[0]["hostname"] == "ünïcode-pc"
    assert rows[0]["ninja_hostname"] == "Ünïcode-PC"
    assert rows[0]["organization"] == "Café Müller GmbH"
    assert rows[1]["notes"] == 'said "later", then\nleft'
    assert rows[3]["organization"] == "Zeta, Ltd."


def test_formula_injection_is_neutralised(mixed_rows):
    rows = [*mixed_rows, make_row("MISSING_NINJA", "\tTAB-PC", notes="\rcr")]
    _, _, parsed = parse(render(rows))
    assert parsed[2]["ninja_hostname"] == "'=cmd|' /C calc'!A0"
    assert parsed[2]["notes"] == "'@SUM(A1:A9)"
    assert parsed[3]["threatlocker_display_name"] == "'+1-555-0100"
    assert parsed[4]["notes"] == "'-fixed on site"
    assert parsed[5]["ninja_hostname"] == "'\tTAB-PC"
    assert parsed[5]["notes"] == "'\rcr"
    # numbers and dates are not text a user typed: left alone
    assert parsed[0]["id"].isdigit()


def test_metadata_block_echoes_meta_and_passed_summary_numbers(mixed_rows):
    meta = make_meta(
        mixed_rows,
        filters=ExportFilters(date="2026-11-23", include_resolved=True, variance_type="all", organization="=evil"),
        counts_by_type={"MISSING_NINJA": 40, "DUPLICATE_TL": 2},
        metadata_rows=True,
    )
    metadata, header, _ = parse(render(mixed_rows, meta))
    assert header == list(COLUMN_KEYS)
    assert metadata["generated_at"] == "2026-11-23T14:05:09+00:00"
    assert metadata["report_date"] == "2026-11-23"
    assert metadata["data_status"] == "current"
    assert metadata["data_status_message"] == "Data is current"
    assert metadata["filter_include_resolved"] == "true"
    assert metadata["filter_organization"] == "'=evil"
    # the numbers given (the API's), not a recount of the rows
    assert metadata["count_missing_in_ninja"] == "40"
    assert metadata["count_threatlocker_duplicates"] == "2"
    assert metadata["count_site_mismatches"] == "0"
    assert metadata["total_exceptions"] == "42"


def test_missing_and_unknown_keys():
    _, header, rows = parse(render([{"hostname": "lonely", "surprise": "ignored"}], make_meta([])))
    assert header == list(COLUMN_KEYS)
    assert rows[0]["hostname"] == "lonely"
    assert all(rows[0][key] == "" for key in COLUMN_KEYS if key != "hostname")


def test_empty_export_is_a_valid_file():
    metadata, header, rows = parse(render([], make_meta([], metadata_rows=True)))
    assert metadata["total_exceptions"] == "0"
    assert header == list(COLUMN_KEYS)
    assert rows == []


def test_rows_are_streamed_in_chunks_not_collected():
    consumed = []

    def source():
        for i in range(25):
            consumed.append(i)
            yield make_row(hostname=f"ws-{i}")

    chunks = iter_csv(source(), make_meta([]), chunk_rows=10)
    next(chunks)  # metadata + header
    assert consumed == []
    next(chunks)
    assert len(consumed) == 10
    rest = list(chunks)
    assert len(rest) == 2 and len(consumed) == 25


def test_filename_carries_date_type_and_organization():
    meta = make_meta([], filters=ExportFilters(variance_type="missing_in_ninja"))
    assert export_filename(meta, "csv") == "variances_2026-11-23_missing_in_ninja.csv"
    meta = make_meta([], filters=ExportFilters(organization="Café Müller GmbH"))
    assert export_filename(meta, "xlsx") == "variances_2026-11-23_all_cafe-muller-gmbh.xlsx"
    no_report = make_meta([])
    object.__setattr__(no_report, "report_date", None)
    assert export_filename(no_report, ".pdf") == "variances_latest_all.pdf"


def test_date_strings_and_datetimes_render_iso():
    row = make_row(date_found="2026-10-01", resolved_at=dt.datetime(2026, 11, 2, 3, 4, 5))
    _, _, rows = parse(render([row]))
    assert rows[0]["date_found"] == "2026-10-01"
    assert rows[0]["resolved_at"] == "2026-11-02T03:04:05"


def test_rows_may_be_objects_with_attributes():
    class Record:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    _, _, rows = parse(render([Record(**make_row("SPARE_MISMATCH", "=obj-pc"))], make_meta([])))
    assert rows[0]["variance_type"] == "spare_mismatches"
    assert rows[0]["ninja_hostname"] == "'=obj-pc"


def test_documented_reading_recipe(tmp_path, mixed_rows):
    path = tmp_path / "export.csv"
    path.write_bytes(render(mixed_rows))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["organization"] for r in rows][:2] == ["Café Müller GmbH", "Acme Inc."]
    assert len(rows) == 5

    path.write_bytes(render(mixed_rows, make_meta(mixed_rows, metadata_rows=True)))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        meta = dict(iter(lambda: next(reader), []))
        rows = list(csv.DictReader(handle, fieldnames=next(reader)))
    assert meta["total_exceptions"] == "5"
    assert [r["organization"] for r in rows][:2] == ["Café Müller GmbH", "Acme Inc."]


def test_the_first_line_is_the_header_for_dict_reader(mixed_rows):
    data = render(mixed_rows).decode("utf-8-sig")
    assert data.splitlines()[0].split(",") == list(COLUMN_KEYS)
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    assert [r["id"] for r in rows] == [str(r["id"]) for r in mixed_rows]
    assert "report" not in data.splitlines()[0] and "total_exceptions" not in data


def test_meta_true_puts_the_block_then_an_empty_line_before_the_header(mixed_rows):
    lines = render(mixed_rows, make_meta(mixed_rows, metadata_rows=True)).decode("utf-8-sig").split("\r\n")
    blank = lines.index("")
    assert lines[0] == "report,Variance report" and blank > 10
    assert dict(line.split(",", 1) for line in lines[:blank])["total_exceptions"] == "5"
    assert lines[blank + 1].split(",") == list(COLUMN_KEYS)


def test_both_vendors_clients_for_a_site_mismatch():
    row = make_row("SITE_MISMATCH", "ws-9", "Acme Inc.", ninja_organization="Acme Inc.",
                   threatlocker_organization="Globex")
    _, header, rows = parse(render([row]))
    assert header.index("ninja_organization") < header.index("threatlocker_organization")
    assert (rows[0]["ninja_organization"], rows[0]["threatlocker_organization"]) == ("Acme Inc.", "Globex")


DUPLICATE_ENTRIES = [
    {"vendor": "threatlocker", "vendor_device_id": "tl-111", "hostname": "DUP-PC.corp.local", "display_name": "DUP-PC",
     "organization": "Globex", "site": "Head office", "last_contact": "2026-12-05T08:00:00+00:00",
     "os": "Windows 11 Pro", "agent_version": "9.6.1", "console_url": "https://portal.threatlocker.com/computers/tl-111",
     "stale": False},
    {"vendor": "threatlocker", "vendor_device_id": "tl-222", "hostname": "DUP-PC", "display_name": "DUP-PC | old",
     "organization": "Globex", "site": "Warehouse", "last_contact": "2026-10-01T17:30:00+02:00", "os": "Windows 10 Pro",
     "agent_version": "8.9.0", "console_url": None, "stale": True},
    # written before the contract: only hostname, display name and organization
    {"hostname": "DUP-PC", "display_name": "DUP-PC", "organization": "Globex"},
]


def test_duplicate_entries_one_line_per_copy_in_a_readable_cell():
    row = make_row("DUPLICATE_TL", "DUP-PC", "Globex", entries=DUPLICATE_ENTRIES)
    _, _, rows = parse(render([row, make_row("MISSING_NINJA", "ws-1")]))
    lines = rows[0]["duplicate_entries"].split("\n")
    assert len(lines) == 3
    assert lines[0] == ("1. vendor: ThreatLocker · id: tl-111 · hostname: DUP-PC.corp.local · client: Globex · "
                        "site: Head office · last contact: 2026-12-05 08:00 UTC · OS: Windows 11 Pro · agent: 9.6.1 · "
                        "copy: newest · console: https://portal.threatlocker.com/computers/tl-111")
    assert "id: tl-222" in lines[1] and "last contact: 2026-10-01 15:30 UTC" in lines[1] and "copy: stale" in lines[1]
    assert "console: —" in lines[1]
    assert lines[2].startswith("3. vendor: — · id: — · hostname: DUP-PC · client: Globex · site: —")
    assert rows[1]["duplicate_entries"] == ""
