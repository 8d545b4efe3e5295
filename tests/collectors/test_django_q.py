"""A batch through django-q2's real task machinery (sync mode: the package is signed, run by
`django_q.worker.worker` and its result saved by `django_q.monitor.monitor`), not a direct call."""
import pytest
from django_q.conf import Conf
from django_q.models import Success

from collectors.simulators import install_aliases
from inventory.models import Snapshot, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def q_sync(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)


def test_api_batch_runs_on_django_q(q_sync, sims, dataset, writer, reader, monkeypatch):
    reconciled = []
    monkeypatch.setattr("variances.services.reconcile_day", lambda day, **kw: reconciled.append(day) or None)
    install_aliases(dataset)
    response = writer.post("/api/collectors/run", {"collectors": ["ninja", "threatlocker"],
                                                   "run_cross_vendor": True}, format="json")
    assert response.status_code == 202
    batch_id = response.json()["batch_id"]
    body = reader.get(f"/api/collectors/runs/batch/{batch_id}").json()
    assert body["status"] == "completed", body
    assert body["progress_percent"] == 100
    assert [(c["name"], c["status"], c["progress_percent"]) for c in body["collectors"]] == [
        ("ninja", "completed", 100), ("threatlocker", "completed", 100)]
    assert body["cross_vendor_status"] == "completed" and reconciled
    # django-q2 recorded both tasks as successful runs of our task function.
    tasks = Success.objects.filter(group=batch_id)
    assert tasks.count() == 2 and {t.func for t in tasks} == {"collectors.tasks.run_collector_job"}
    assert Snapshot.objects.filter(vendor_id=Vendor.NINJA).count() == len(dataset.day(0)[0])


def test_failed_vendor_job_ends_failed_through_django_q(q_sync, sims, writer, settings):
    settings.COLLECTORS_HTTP_RETRIES = 1
    sims.ninja.inject("server_error", count=-1, path="organizations")
    batch_id = writer.post("/api/collectors/run", {"collectors": ["ninja"]}, format="json").json()["batch_id"]
    body = writer.get(f"/api/collectors/runs/batch/{batch_id}").json()
    job = body["collectors"][0]
    assert body["status"] == "failed" and job["status"] == "failed"
    assert job["message"] == ("NinjaOne GET /v2/organizations failed: server error (HTTP 500: "
                              "Internal server error); gave up after 2 attempts")
    assert job["error"].startswith("VendorError:")
