"""The /api/windows-11-24h2/ endpoints: shapes from the contract, status codes and fixed query counts."""
import re

import pytest

from inventory.models import Windows11Assessment, Windows11Run
from inventory.windows11.service import run_assessment, start_run
from tests.windows11.conftest import ninja_windows

pytestmark = pytest.mark.django_db
BASE = "/api/windows-11-24h2"


def test_status_shape_before_any_run(reader):
    body = reader.get(f"{BASE}/status").json()
    assert body["total_windows_devices"] == 0 and body["compatibility_rate"] == 0.0
    assert body["last_assessment"] is None and body["last_run"] is None


def test_status_counts_and_contract_fields(reader, fleet):
    run_assessment()
    response = reader.get(f"{BASE}/status")
    assert response.status_code == 200
    body = response.json()
    assert {"total_windows_devices", "compatible_devices", "incompatible_devices", "not_assessed_devices",
            "compatibility_rate", "last_assessment"} <= set(body)
    # One category per device: ON-24H2 (compatible hardware) counts only as already on 24H2.
    assert (body["total_windows_devices"], body["compatible_devices"], body["incompatible_devices"],
            body["not_assessed_devices"], body["already_on_24h2_devices"]) == (6, 2, 2, 1, 1)
    assert (body["hardware_compatible_devices"], body["on_24h2_unsupported_devices"]) == (3, 0)
    assert body["compatibility_rate"] == 50.0  # hardware that passes: GOOD-1, GOOD-2, ON-24H2 of 6
    assert body["deficiency_counts"] == {"os_64bit": 0, "cpu_supported": 1, "tpm_2": 1, "secure_boot": 0,
                                         "memory": 1, "storage": 0, "cpu_clock": 0, "cpu_cores": 0}
    assert body["missing_data_counts"]["tpm_2"] == 1 and body["missing_data_counts"]["secure_boot"] == 1
    assert body["last_assessment"].endswith("Z") and body["snapshot_date"] == "2026-11-23"
    assert body["last_run"]["status"] == "completed"


def test_incompatible_lists_deficiencies_and_groups_by_organization(reader, fleet):
    run_assessment()
    body = reader.get(f"{BASE}/incompatible").json()
    assert body["count"] == 2 and [d["hostname"] for d in body["results"]] == ["OLD-CPU", "OLD-TPM"]
    device = body["results"][0]
    for field in ("cpu_model", "last_contact", "last_update", "system_manufacturer", "system_model",
                  "assessment_date", "organization", "deficiencies"):
        assert field in device
    assert device["deficiencies"][0] == {
        "requirement": "cpu_supported", "label": "Supported processor",
        "found": "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz",
        "needed": device["deficiencies"][0]["needed"], "remediation": device["deficiencies"][0]["remediation"]}
    assert device["deficiencies"][0]["remediation"].startswith("Replace the device")
    groups = {g["organization"]: g for g in body["by_organization"]}
    assert groups["Beta LLC"]["devices"] == 1 and groups["Beta LLC"]["deficiency_counts"]["memory"] == 1
    assert groups["Acme Corp"]["deficiency_counts"]["tpm_2"] == 1


def test_incompatible_filters(reader, fleet):
    run_assessment()
    only_tpm = reader.get(f"{BASE}/incompatible", {"deficiency": "tpm_2"}).json()
    assert [d["hostname"] for d in only_tpm["results"]] == ["OLD-TPM"]
    beta = Windows11Assessment.objects.get(hostname="OLD-CPU").organization_id
    by_org = reader.get(f"{BASE}/incompatible", {"organization_id": beta}).json()
    assert [d["hostname"] for d in by_org["results"]] == ["OLD-CPU"]


@pytest.mark.parametrize("params, field", [({"deficiency": "gpu"}, "deficiency"),
                                           ({"organization_id": "acme"}, "organization_id"),
                                           ({"page": "0"}, "page"), ({"page_size": "100000"}, "page_size")])
def test_bad_parameters_are_400(reader, params, field):
    response = reader.get(f"{BASE}/incompatible", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert response.json()["error"]["details"]["field"] == field


def test_compatible_lists_passed_requirements(reader, fleet):
    run_assessment()
    body = reader.get(f"{BASE}/compatible", {"page_size": 1}).json()
    assert body["count"] == 2 and body["total_pages"] == 2 and len(body["results"]) == 1
    assert body["results"][0]["passed_requirements"] == [
        "os_64bit", "cpu_supported", "tpm_2", "secure_boot", "memory", "storage", "cpu_clock", "cpu_cores"]
    assert body["results"][0]["deficiencies"] == []


def test_not_assessed_lists_missing_facts(reader, fleet):
    run_assessment()
    body = reader.get(f"{BASE}/not-assessed").json()
    assert [d["hostname"] for d in body["results"]] == ["NO-SCRIPT"]
    assert body["results"][0]["missing_facts"][0]["facts"] == ["tpm_present", "tpm_enabled", "tpm_version"]


def test_run_answers_the_contract(writer, fleet):
    response = writer.post(f"{BASE}/run")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["message"] == "Windows 11 24H2 assessment completed successfully"
    assert "Total devices assessed: 6" in body["output"] and "Compatibility rate: 50.0%" in body["output"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])
    run = Windows11Run.objects.get(pk=body["run_id"])
    assert run.trigger == "api" and run.actor == "apikey:writer"


def test_run_conflicts_while_a_run_is_in_progress(writer, fleet):
    held = start_run("schedule")
    response = writer.post(f"{BASE}/run")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "assessment_running" and error["details"]["run_id"] == held.pk


def test_run_without_ninja_data_explains(writer, db):
    response = writer.post(f"{BASE}/run")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_ninja_data"
    assert "NinjaOne" in response.json()["error"]["message"]


def test_run_needs_write_access(reader, staff_client, fleet):
    assert reader.post(f"{BASE}/run").status_code == 403
    assert staff_client.post(f"{BASE}/run").status_code == 403  # CSRF enforced for sessions


def _all_pages(client, path, **params):
    body = client.get(f"{BASE}/{path}", {"page_size": 500, **params}).json()
    return body


def test_every_windows_device_is_in_exactly_one_category(reader, fleet):
    ninja_windows("FORCED-24H2", os_build="10.0.26100.2033", os_name="Windows 11 Pro",
                  cpu_model="Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz")
    run_assessment()
    status = reader.get(f"{BASE}/status").json()
    parts = (status["compatible_devices"], status["incompatible_devices"], status["not_assessed_devices"],
             status["already_on_24h2_devices"])
    assert sum(parts) == status["total_windows_devices"] == 7
    assert parts == (2, 2, 1, 2) and status["on_24h2_unsupported_devices"] == 1
    lists = {path: _all_pages(reader, path) for path in ("compatible", "incompatible", "not-assessed",
                                                          "already-on-24h2")}
    assert tuple(lists[p]["count"] for p in lists) == parts
    hostnames = [d["hostname"] for body in lists.values() for d in body["results"]]
    assert len(hostnames) == len(set(hostnames)) == 7
    forced = next(d for d in lists["already-on-24h2"]["results"] if d["hostname"] == "FORCED-24H2")
    assert forced["on_unsupported_hardware"] is True and forced["status"] == "incompatible"
    assert forced["category"] == "already_on_24h2"
    assert "FORCED-24H2" not in [d["hostname"] for d in lists["incompatible"]["results"]]
    flagged = _all_pages(reader, "already-on-24h2", unsupported_hardware="true")
    assert [d["hostname"] for d in flagged["results"]] == ["FORCED-24H2"]
    assert [d["hostname"] for d in _all_pages(reader, "already-on-24h2", unsupported_hardware="false")[
        "results"]] == ["ON-24H2"]
    assert reader.get(f"{BASE}/already-on-24h2", {"unsupported_hardware": "maybe"}).status_code == 400
    run = Windows11Run.objects.get(pk=status["last_run"]["id"])
    assert (run.compatible_devices, run.incompatible_devices, run.not_assessed_devices,
            run.already_on_24h2_devices, run.on_24h2_unsupported_devices) == (*parts, 1)
