"""The override table wins over the list and the rule; import_cpu_list refreshes Microsoft's lists."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from inventory.models import CpuOverride, SupportedProcessor
from inventory.windows11.cpu_list import CpuListError, parse_cpu_list, pattern_for
from inventory.windows11.microsoft_list import MicrosoftList, read_shipped_entries
from inventory.windows11.overrides import CpuResolver, Override

I7_7700K = "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz"


def test_override_wins_over_the_rule_and_says_so():
    resolver = CpuResolver([Override(7, "i7-7700K", "contains", True, "tested by vendor")])
    verdict = resolver.resolve(I7_7700K)
    assert verdict.verdict == "supported" and verdict.rule == "override:7"
    assert "tested by vendor" in verdict.reason
    assert CpuResolver([]).resolve(I7_7700K).verdict == "unsupported"


def test_override_can_mark_a_rule_supported_cpu_unsupported_and_settle_unknowns():
    resolver = CpuResolver([
        Override(1, "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "exact", False, "buggy firmware"),
        Override(2, r"^QEMU Virtual CPU", "regex", True, "host is a Xeon Gold 6248"),
    ])
    assert resolver.resolve("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz").verdict == "unsupported"
    assert resolver.resolve("qemu virtual cpu version 2.5+").verdict == "supported"
    assert resolver.resolve("Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz").rule == "microsoft-list"


def test_most_specific_override_wins():
    resolver = CpuResolver([
        Override(1, "ryzen 5", "contains", False),
        Override(2, "ryzen 5 2600", "contains", True),
        Override(3, "AMD Ryzen 5 2600 Six-Core Processor", "exact", False),
        Override(4, "Ryzen", "regex", True),
    ])
    assert resolver.resolve("AMD Ryzen 5 2600 Six-Core Processor").rule == "override:3"  # exact
    assert resolver.resolve("AMD Ryzen 5 2600 Processor").rule == "override:3"  # same normal form
    assert resolver.resolve("AMD Ryzen 5 PRO 2600").rule == "override:1"  # "ryzen 5 2600" is not a token run here
    assert resolver.resolve("AMD Ryzen 7 3700X").rule == "override:4"


def test_contains_does_not_leak_to_neighbouring_models():
    resolver = CpuResolver([Override(1, "ryzen 5 2600", "contains", False)], MicrosoftList())
    assert resolver.resolve("AMD Ryzen 5 2600X Six-Core Processor").rule == "generation-rule:amd-ryzen-2000-desktop"


def test_bad_regex_rows_are_skipped_not_fatal():
    resolver = CpuResolver([Override(1, "([unclosed", "regex", True)])
    assert resolver.resolve(I7_7700K).verdict == "unsupported"


@pytest.mark.django_db
def test_model_validates_regex_and_database_overrides_apply():
    with pytest.raises(ValidationError):
        CpuOverride(pattern="([", match_type="regex", supported=True).full_clean()
    CpuOverride.objects.create(pattern="i7-7700k", match_type="contains", supported=True, note="exception")
    assert CpuResolver.from_database().resolve(I7_7700K).verdict == "supported"


# --- Microsoft's lists -----------------------------------------------------------

MICROSOFT_CSV = (
    "\ufeffManufacturer,Series,Model,Notes\n"
    "Intel®,8th Generation Intel® Core™ i5,i5-8250U,\n"
    "\n"
    "Intel®,Celeron®,6305,\n"
    "Intel®,Xeon®,Gold 5215,\n"
    "AMD,AMD Ryzen™ 5,2600,\n"
    "AMD,AMD Ryzen™ 5,2600,\n"
    "AMD,AMD Athlon™,3000G,extra\n"
    "Qualcomm®,Snapdragon™,Snapdragon (TM) 850 @ 2.96 GHz,\n"
    ",,,\n"
    "AMD,AMD Ryzen™ 7,,\n"
)


def test_pattern_for_microsoft_rows():
    assert pattern_for("8th Generation Intel® Core™ i5", "i5-8250U") == "i5-8250u"
    assert pattern_for("AMD Ryzen™ 5", "2600") == "ryzen 5 2600"
    assert pattern_for("Celeron®", "6305") == "celeron 6305"
    assert pattern_for("Snapdragon™", "Snapdragon (TM) 850 @ 2.96 GHz") == "snapdragon 850"


def test_parse_tolerates_bom_extra_columns_blank_lines_and_duplicates():
    parsed = parse_cpu_list(MICROSOFT_CSV)
    assert [e.pattern for e in parsed.entries] == [
        "i5-8250u", "celeron 6305", "gold 5215", "ryzen 5 2600", "3000g", "snapdragon 850"]
    assert parsed.duplicates == 1 and parsed.skipped_blank == 1


@pytest.mark.parametrize("text, message", [("", "empty"), ("Vendor,Name\nIntel,i5\n", r"missing column\(s\)"),
                                           ("a\x00b", "NUL")])
def test_parse_refuses_bad_files(text, message):
    with pytest.raises(CpuListError, match=message):
        parse_cpu_list(text)


@pytest.mark.django_db
def test_import_command_refreshes_the_microsoft_list_per_manufacturer(tmp_path):
    _call("import_cpu_list", "--shipped")
    shipped = len(read_shipped_entries())
    assert SupportedProcessor.objects.count() == shipped
    path = tmp_path / "amd.csv"
    path.write_text(MICROSOFT_CSV, encoding="utf-8")
    out = _call("import_cpu_list", str(path), "--date", "2026-10-01")
    assert "8 rows read, 6 processors (AMD 2, Intel 3, Qualcomm 1), list of 2026-10-01" in out
    assert "1 duplicate rows, 1 rows without a model skipped" in out
    # Each manufacturer in the file now has exactly the file's rows; none was added as an override.
    assert SupportedProcessor.objects.count() == 6 and not CpuOverride.objects.exists()
    gold = SupportedProcessor.objects.get(model="Gold 5215")
    assert gold.manufacturer == "Intel" and str(gold.list_date) == "2026-10-01" and gold.source == "amd.csv"
    resolver = CpuResolver.from_database()
    assert resolver.resolve("Intel(R) Xeon(R) Gold 5215 CPU @ 2.50GHz").rule == "microsoft-list"
    assert resolver.resolve("AMD Ryzen 5 2600 Six-Core Processor").rule == "microsoft-list"
    assert resolver.resolve("AMD Ryzen 7 5800X 8-Core Processor").rule.startswith("generation-rule:")
    assert resolver.resolve("Snapdragon(R) 850 @ 2.96 GHz").rule == "microsoft-list"
    assert "replaced 6 rows with 6" in _call("import_cpu_list", str(path))  # idempotent
    _call("import_cpu_list", "--shipped")
    assert SupportedProcessor.objects.count() == shipped


@pytest.mark.django_db
def test_import_command_windows_1252_and_unsupported_flag(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("Manufacturer;Series;Model\r\nIntel®;Core™;i7-7700K\r\n".encode("cp1252"))
    assert "added 1 unsupported overrides" in _call("import_cpu_list", str(path), "--unsupported")
    assert CpuOverride.objects.get(pattern="i7-7700k").supported is False
    assert not SupportedProcessor.objects.exists()


@pytest.mark.django_db
def test_import_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(MICROSOFT_CSV)
    assert "would replace the rows of AMD, Intel, Qualcomm" in _call("import_cpu_list", str(path), "--dry-run")
    assert "would add 6" in _call("import_cpu_list", str(path), "--dry-run", "--unsupported")
    assert CpuOverride.objects.count() == 0 and SupportedProcessor.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    (None, "Cannot read"), (b"Vendor,Name\n", r"missing column\(s\) Manufacturer"), (b"", "empty")])
def test_import_command_bad_files_are_command_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_cpu_list", str(path))


@pytest.mark.django_db
def test_import_command_needs_a_file_or_shipped_and_a_real_date(tmp_path):
    with pytest.raises(CommandError, match="--shipped"):
        call_command("import_cpu_list")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_cpu_list", "--shipped", "--date", "last week")


def _call(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
