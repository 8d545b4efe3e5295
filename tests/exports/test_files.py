import openpyxl
import pypdf
import pytest

from variances.exports import CONTENT_TYPES, ExportFilters, write_export_file

from .conftest import make_meta


@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
def test_write_export_file_leaves_only_the_finished_file(tmp_path, mixed_rows, fmt):
    meta = make_meta(mixed_rows, filters=ExportFilters(variance_type="all"))
    path = write_export_file(fmt, iter(mixed_rows), meta, tmp_path / "exports", prefix="job-7_")
    assert path.parent == tmp_path / "exports"
    assert path.name.startswith("job-7_variances_2026-11-23_all.")
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    if fmt == "excel":
        assert "Summary" in openpyxl.load_workbook(path).sheetnames
    elif fmt == "pdf":
        assert "Device inventory report" in pypdf.PdfReader(path).pages[0].extract_text()
    else:
        assert path.read_bytes().startswith(b"\xef\xbb\xbfid,type,variance_type,")


def test_failed_render_leaves_nothing_behind(tmp_path):
    def broken_rows():
        yield {"hostname": "ok"}
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_export_file("excel", broken_rows(), make_meta([]), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        write_export_file("docx", [], make_meta([]), tmp_path)


def test_content_types_by_extension():
    assert CONTENT_TYPES == {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
