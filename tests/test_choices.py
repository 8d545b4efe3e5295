"""One way to declare choices (esinv.choices.ChoiceSet), one run-status vocabulary, colours declared once."""
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework import serializers

from collectors.models import BatchStatus, CollectorBatch, CollectorJob
from esinv.choices import HEX, ChoiceSet, RunStatus
from inventory.freshness import Freshness, ReportStatus
from inventory.models import Windows11Run
from inventory.models.windows11 import Windows11RunStatus
from variances.models_exports import ExportJob, ExportStatus
from variances.types import KINDS, VarianceType

OUR_APPS = ("esinv", "inventory", "collectors", "variances", "qbr", "notifications")


class Light(ChoiceSet):
    RED, GREEN, OFF = "red", "green", "off"
    CHOICES = [(RED, "Stop", "red"), (GREEN, "Go", "#00ff00"), (OFF, "Off")]


def test_a_choice_set_is_its_value_label_pairs_with_labels_and_colours_on_the_side():
    assert list(Light) == [("red", "Stop"), ("green", "Go"), ("off", "Off")]
    assert Light() == list(Light) and len(Light) == 3
    assert Light.values() == ["red", "green", "off"]
    assert "green" in Light and "blue" not in Light
    assert Light.label("red") == "Stop" and Light.label("blue") == "blue"
    assert Light.colour("red") == "red" and Light.colour("off") == "grey" and Light.colour("x", "blue") == "blue"
    assert Light.hex("red") == HEX["red"] and Light.hex("green") == "#00ff00"


def test_model_fields_and_serializers_take_the_set_itself():
    field = CollectorJob._meta.get_field("status")
    assert field.choices == list(BatchStatus)
    assert serializers.ChoiceField(choices=BatchStatus).choices == dict(BatchStatus)


def _api_fields():
    from qbr.api import serializers as q
    from variances.api import serializers as v

    return {
        "qbr data_source": (q.MetricSerializer().fields["data_source"], "qbr.models.DataSource"),
        "qbr aggregation": (q.QuarterMetricSerializer().fields["aggregation"], "qbr.catalogue.Aggregation"),
        "qbr threshold direction": (q.ThresholdSerializer().fields["direction"], "qbr.thresholds.Direction"),
        "qbr direction in": (q.ThresholdInputSerializer().fields["direction"], "qbr.thresholds.Direction"),
        "qbr status": (q.ThresholdStatusSerializer().fields["status"], "qbr.thresholds.ThresholdStatus"),
        "qbr smartnumber status": (q.SmartNumbersSerializer().fields["status"].child,
                                   "qbr.thresholds.ThresholdStatus"),
        "variance report filter": (v.VarianceReportSerializer().fields["filter"], "variances.reports.ReportFilter"),
    }


@pytest.mark.parametrize("name, values", [
    ("qbr data_source", ["collected", "manual"]),
    ("qbr aggregation", ["sum", "average"]),
    ("qbr threshold direction", ["lower", "higher"]),
    ("qbr direction in", ["lower", "higher"]),
    ("qbr status", ["green", "yellow", "red"]),
    ("qbr smartnumber status", ["green", "yellow", "red"]),
    ("variance report filter", ["all", "unresolved"]),
])
def test_api_value_lists_come_from_their_sets_with_the_values_the_api_always_had(name, values):
    from django.utils.module_loading import import_string

    field, set_path = _api_fields()[name]
    choice_set = import_string(set_path)
    assert list(field.choices) == values == choice_set.values()
    assert dict(field.choices) == dict(choice_set)  # the set's labels: declared there, not in the serializer


@pytest.mark.parametrize("rows, message", [
    ([("a", "A", "purple")], "unknown colour"),
    ([("a", "A"), ("a", "B")], "declared twice"),
    ([("a",)], "rows are"),
])
def test_a_bad_declaration_fails_at_import(rows, message):
    with pytest.raises(TypeError, match=message):
        type("Bad", (ChoiceSet,), {"CHOICES": rows})


def test_a_narrower_set_keeps_the_wider_sets_names_labels_and_colours():
    for narrow in (BatchStatus, ExportStatus, Windows11RunStatus):
        assert issubclass(narrow, RunStatus)
        for value, label in narrow:
            assert RunStatus.label(value) == label and RunStatus.colour(value) == narrow.colour(value)
    with pytest.raises(ValueError, match="success"):
        RunStatus.only("success")


def test_one_run_status_vocabulary_for_batches_jobs_exports_and_windows11_runs():
    fields = [CollectorBatch._meta.get_field("status"), CollectorJob._meta.get_field("status"),
              ExportJob._meta.get_field("status"), Windows11Run._meta.get_field("status")]
    for field in fields:
        assert {value for value, _ in field.choices} <= set(RunStatus.values()), field
    assert Windows11RunStatus.values() == ["running", "completed", "failed"]
    assert ExportStatus.values() == ["queued", "running", "completed", "failed", "expired"]
    assert BatchStatus.values() == ["queued", "running", "completed", "failed", "cancelled"]


def test_every_choice_field_of_the_hub_is_declared_by_a_choice_set():
    """No ad-hoc tuples or TextChoices: each field's choices are exactly some ChoiceSet's pairs."""
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    declared = [list(s) for s in subclasses(ChoiceSet)]
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if getattr(field, "choices", None):
                    assert list(field.choices) in declared, f"{model.__name__}.{field.name}"


def test_colours_are_declared_on_the_sets_the_pages_and_pdf_read():
    assert Freshness.colour("stale") == "yellow" and ReportStatus.colour("out_of_sync") == "red"
    assert RunStatus.colour("failed") == "red" and RunStatus.colour("completed") == "green"
    assert [VarianceType.colour(k.code) for k in KINDS] == [k.colour for k in KINDS]
    assert len({k.colour for k in KINDS}) == len(KINDS)  # one colour per type


@pytest.mark.django_db(transaction=True)
def test_windows11_success_becomes_completed_and_back():
    executor = MigrationExecutor(connection)
    before, after = ("inventory", "0005_windows11_categories_and_microsoft_list"), \
        ("inventory", "0006_windows11_run_status_completed")
    executor.migrate([before])
    old = MigrationExecutor(connection).loader.project_state([before]).apps.get_model("inventory", "Windows11Run")
    now = "2026-11-23T08:00:00Z"
    old.objects.create(status="success", started_at=now)
    old.objects.create(status="failed", started_at=now)
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    assert sorted(Windows11Run.objects.values_list("status", flat=True)) == ["completed", "failed"]
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    assert sorted(old.objects.values_list("status", flat=True)) == ["failed", "success"]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_renderers_hex_is_the_stylesheets_colour():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static/esinv/badges.css").read_text()
    for name, hex_value in HEX.items():
        assert f"--{name}: {hex_value};" in css, name


@pytest.mark.django_db
def test_admin_change_lists_show_status_badges_in_the_sets_colours(admin_client):
    CollectorBatch.objects.create(status=RunStatus.FAILED, snapshot_date="2026-11-23",
                                  cross_vendor_status="skipped")
    page = admin_client.get("/admin/collectors/collectorbatch/").content.decode()
    assert '<span class="badge red">Failed</span>' in page
    assert '<span class="badge yellow">Skipped (a collector failed)</span>' in page
    assert "esinv/badges" in page
    Windows11Run.objects.create(status=RunStatus.COMPLETED, started_at="2026-11-23T08:00:00Z")
    page = admin_client.get("/admin/inventory/windows11run/").content.decode()
    assert '<span class="badge green">Completed</span>' in page
