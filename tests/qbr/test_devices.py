"""Seats and endpoints: billing rules, month-end snapshot choice, devices-by-client, collect_qbr."""
from datetime import date

import pytest
from django.core.management import call_command

from inventory.models import Vendor
from qbr.devices import DeviceGroup, count_by_client, device_counts, month_snapshot_date
from qbr.models import MetricChange, MonthlyMetric
from qbr.periods import Month
from tests import factories

NINJA, TL = Vendor.NINJA, Vendor.THREATLOCKER
OCT_END = date(2025, 10, 31)


def _acme_and_friends(day=OCT_END):
    s = factories.snapshot
    for name, node in [("ACME-WS1", "WINDOWS_WORKSTATION"), ("ACME-MAC", "MAC"), ("ACME-LNX", "LINUX_WORKSTATION"),
                       ("ACME-SRV", "WINDOWS_SERVER"), ("ACME-ESX", "VMWARE_VM_HOST"), ("ACME-HV", "HYPERV_VMM_HOST"),
                       ("ACME-SW", "NMS_SWITCH")]:
        s(NINJA, name, day=day, org="Acme Corp", node_class=node)
    s(NINJA, "ACME-SP1", day=day, org="Acme Corp", display_name="ACME-SP1 | SPARE")
    s(NINJA, "ACME-SP2", day=day, org="Acme Corp", location="Spare shelf")
    s(NINJA, "ACME-SP3", day=day, org="Acme Corp", node_class="WINDOWS_SERVER", display_name="ACME-SP3 | spare")
    s(NINJA, "BETA-WS1", day=day, org="Beta LLC")
    s(NINJA, "BETA-SRV", day=day, org="Beta LLC", node_class="LINUX_SERVER")
    s(NINJA, "OPS-WS1", day=day, org=factories.organization("MSP Ops", internal=True))
    s(NINJA, "OPS-WS2", day=day, org="MSP Ops")
    s(TL, "ACME-WS1", day=day, org="Acme Corp")  # ThreatLocker rows never count


class TestBillingRules:
    def test_plain_rules_without_the_database(self):
        groups = [
            DeviceGroup(1, "Acme", False, "workstation", False, 5),
            DeviceGroup(1, "Acme", False, "server", False, 2),
            DeviceGroup(1, "Acme", False, "virtualization_host", False, 3),
            DeviceGroup(1, "Acme", False, "workstation", True, 4),  # spares
            DeviceGroup(2, "Ops", True, "workstation", False, 7),  # internal
            DeviceGroup(3, "Tiny", False, "server", False, 1),
        ]
        clients = count_by_client(groups)
        assert [(c.client_name, c.seats, c.endpoints) for c in clients] == [("Acme", 5, 7), ("Tiny", 0, 1)]

    def test_servers_hosts_spares_and_internal_orgs(self, db):
        _acme_and_friends()
        counts = device_counts(Month(2025, 10))
        by_name = {c.client_name: (c.seats, c.endpoints) for c in counts.clients}
        # Acme: 3 workstations are seats; + 1 server = 4 endpoints; hosts, switch, spares excluded.
        assert by_name == {"Acme Corp": (3, 4), "Beta LLC": (1, 2)}
        assert (counts.total_seats, counts.total_endpoints) == (4, 6)

    def test_the_organizations_current_internal_flag_decides(self, db):
        _acme_and_friends()
        beta = factories.organization("Beta LLC")
        ops = factories.organization("MSP Ops")
        beta.is_internal, ops.is_internal = True, False
        beta.save(), ops.save()
        by_name = {c.client_name: (c.seats, c.endpoints) for c in device_counts(Month(2025, 10)).clients}
        assert by_name == {"Acme Corp": (3, 4), "MSP Ops": (2, 2)}

    def test_one_client_only(self, db):
        _acme_and_friends()
        beta = factories.organization("Beta LLC")
        counts = device_counts(Month(2025, 10), beta.id)
        assert [(c.client_name, c.seats, c.endpoints) for c in counts.clients] == [("Beta LLC", 1, 2)]


class TestMonthEndSnapshot:
    def test_last_day_wins_and_next_month_is_ignored(self, db):
        factories.snapshot(NINJA, "A1", day=date(2025, 10, 30))
        factories.snapshot(NINJA, "A2", day=date(2025, 10, 30))
        factories.snapshot(NINJA, "A1", day=OCT_END)
        factories.snapshot(NINJA, "A1", day=date(2025, 11, 1))
        factories.snapshot(NINJA, "A2", day=date(2025, 11, 1))
        factories.snapshot(NINJA, "A3", day=date(2025, 11, 1))
        counts = device_counts(Month(2025, 10))
        assert counts.snapshot_date == OCT_END and counts.total_seats == 1

    def test_latest_day_in_the_month_when_the_last_is_missing(self, db):
        factories.snapshot(NINJA, "A1", day=date(2025, 9, 27))
        factories.snapshot(NINJA, "A1", day=date(2025, 9, 28))
        factories.snapshot(TL, "A1", day=date(2025, 9, 30))  # another vendor's later day does not count
        assert month_snapshot_date(Month(2025, 9)) == date(2025, 9, 28)

    def test_no_snapshot_in_the_month(self, db):
        factories.snapshot(NINJA, "A1", day=OCT_END)
        counts = device_counts(Month(2025, 8))
        assert counts.snapshot_date is None and counts.clients == []


class TestDevicesByClientEndpoint:
    def test_shape_and_totals(self, db, qbr_reader):
        _acme_and_friends()
        response = qbr_reader.get("/api/qbr/metrics/devices-by-client?period=2025-10")
        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        data = body["data"]
        assert data["snapshot_date"] == "2025-10-31" and data["period"] == "2025-10" and data["organization_id"] == 1
        assert [(c["client_name"], c["seats"], c["endpoints"]) for c in data["clients"]] == [
            ("Acme Corp", 3, 4), ("Beta LLC", 1, 2),
        ]
        assert (data["total_seats"], data["total_endpoints"]) == (4, 6)

    def test_a_month_without_snapshot_is_empty_not_an_error(self, qbr_reader):
        data = qbr_reader.get("/api/qbr/metrics/devices-by-client?period=2024-01").json()["data"]
        assert data["snapshot_date"] is None and data["clients"] == [] and data["total_seats"] == 0

    @pytest.mark.parametrize(
        "query, status, code",
        [
            ("", 400, "missing_parameter"),
            ("?period=2025-13", 400, "invalid_parameter"),
            ("?period=Q1-2025", 400, "invalid_parameter"),
            ("?period=2025-10&organization_id=abc", 400, "invalid_parameter"),
            ("?period=2025-10&organization_id=9999", 404, "not_found"),
        ],
    )
    def test_bad_parameters(self, qbr_reader, query, status, code):
        response = qbr_reader.get("/api/qbr/metrics/devices-by-client" + query)
        assert response.status_code == status
        error = response.json()["error"]
        assert error["code"] == code and error["details"]["field"] in ("period", "organization_id")


class TestCollectQbr:
    def test_collects_totals_and_per_client_idempotently(self, db):
        _acme_and_friends()
        call_command("collect_qbr", "--period", "2025-10")
        acme = factories.organization("Acme Corp")
        values = {
            (m.organization_id, m.metric_name): m.metric_value
            for m in MonthlyMetric.objects.filter(period="2025-10", vendor_id=NINJA)
        }
        assert values[(1, "seats_managed")] == 4 and values[(1, "endpoints_managed")] == 6
        assert values[(acme.id, "seats_managed")] == 3 and values[(acme.id, "endpoints_managed")] == 4
        assert all(m.data_source == "collected" for m in MonthlyMetric.objects.all())
        changes = MetricChange.objects.count()
        call_command("collect_qbr", "--period", "2025-10")
        assert MetricChange.objects.count() == changes  # nothing changed, nothing audited

    def test_a_client_that_lost_its_devices_goes_to_zero(self, db):
        _acme_and_friends()
        call_command("collect_qbr", "--period", "2025-10")
        beta = factories.organization("Beta LLC")
        beta.is_internal = True
        beta.save()
        call_command("collect_qbr", "--period", "2025-10")
        row = MonthlyMetric.objects.get(period="2025-10", organization=beta, metric_name="endpoints_managed")
        assert row.metric_value == 0
        assert row.changes.filter(action="updated", old_value=2, new_value=0).exists()

    def test_bad_period(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            call_command("collect_qbr", "--period", "2025-13")
