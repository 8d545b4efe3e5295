import csv
import datetime as dt
import io

from variances.exports import COLUMN_KEYS, ExportFilters, export_filename, iter_csv

from .conftest import make_meta, make_row


def parse(data: bytes):
    """(metadata dict, header, rows as dicts) of an export, read the way docs/exports.md says."""
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    metadata = {}
    for record in reader:
        if not record:
            break
        key, value = record
        metadata[key] = value
    header = next(reader)
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
    )
    metadata, _, _ = parse(render(mixed_rows, meta))
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
    metadata, header, rows = parse(render([], make_meta([])))
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
        reader = csv.reader(handle)
        meta = dict(iter(lambda: next(reader), []))
        header = next(reader)
        rows = [dict(zip(header, record, strict=True)) for record in reader]
    assert meta["total_exceptions"] == "5"
    assert [r["organization"] for r in rows][:2] == ["Café Müller GmbH", "Acme Inc."]
