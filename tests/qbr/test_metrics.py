"""Monthly/quarterly metrics, manual entry (with override reporting and audit), SmartNumbers endpoint."""
from decimal import Decimal

import pytest
from django.utils import timezone

from qbr.aggregation import MonthValue, aggregate_quarter, quarter_inputs
from qbr.models import MetricChange, MonthlyMetric, Threshold
from qbr.periods import Month, Quarter, parse_month, parse_quarter
from qbr.services import record_collected_metric, record_manual_metric
from tests import factories


class TestPeriods:
    def test_parse(self):
        assert parse_month("2025-02") == Month(2025, 2) and Month(2025, 2).last_day.day == 28
        assert parse_quarter("2025-q4").months == [Month(2025, 10), Month(2025, 11), Month(2025, 12)]
        assert Month(2025, 1).previous() == Month(2024, 12) and Month(2025, 5).quarter == Quarter(2025, 2)

    @pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-1", "25-01", "2025/01", "", "2025-Q1"])
    def test_bad_months(self, text):
        with pytest.raises(ValueError):
            parse_month(text)

    @pytest.mark.parametrize("parse, text, says", [
        (parse_month, "0001-01", "the year must be 1900 or later"), (parse_month, "2025-13", "the month must be 01-12"),
        (parse_quarter, "0001-Q1", "the year must be 1900 or later"), (parse_quarter, "2025-Q5", "n must be 1-4"),
    ])
    def test_the_message_names_what_is_wrong(self, parse, text, says):
        # review16b G9: 0001-01 was refused with "the month must be 01-12" (the year is what is wrong).
        with pytest.raises(ValueError, match=says):
            parse(text)

    @pytest.mark.parametrize("text", ["2025-Q5", "2025-Q0", "Q1-2025", "2025Q1", "2025-01"])
    def test_bad_quarters(self, text):
        with pytest.raises(ValueError):
            parse_quarter(text)


class TestAggregation:
    VALUES = [
        MonthValue("2025-10", "reactive_tickets_created", 2, Decimal(100)),
        MonthValue("2025-11", "reactive_tickets_created", 2, Decimal(120)),
        MonthValue("2025-12", "reactive_tickets_created", 2, Decimal(80)),
        MonthValue("2025-10", "seats_managed", 1, Decimal(500)),
        MonthValue("2025-11", "seats_managed", 1, Decimal(510), "manual"),
        MonthValue("2025-10", "mrr", None, Decimal(1000), "manual"),
        MonthValue("2025-12", "mrr", None, Decimal(1500), "manual"),
    ]

    def test_flow_is_summed_stock_is_averaged_over_months_present(self):
        result = {q.metric_name: q for q in aggregate_quarter(self.VALUES)}
        assert result["reactive_tickets_created"].value == 300
        assert result["reactive_tickets_created"].aggregation == "sum"
        assert result["seats_managed"].value == 505 and result["seats_managed"].aggregation == "average"
        assert result["seats_managed"].months == ("2025-10", "2025-11")
        assert result["seats_managed"].data_sources == ("collected", "manual")
        assert result["mrr"].value == 2500 and result["mrr"].months == ("2025-10", "2025-12")

    def test_vendors_add_up_within_a_month_for_smart_number_inputs(self):
        extra = [MonthValue("2025-10", "reactive_tickets_created", 9, Decimal(50)),
                 MonthValue("2025-10", "seats_managed", 9, Decimal(100))]
        inputs = quarter_inputs(self.VALUES + extra)
        assert inputs["reactive_tickets_created"] == 350
        assert inputs["seats_managed"] == Decimal(555)  # (500 + 100 + 510) / 2


class TestManualEntry:
    def test_single_entry_creates_with_audit(self, qbr_editor):
        body = {"period": "2025-10", "metric_name": "mrr", "metric_value": "125000.50", "notes": "from QuickBooks"}
        response = qbr_editor.post("/api/qbr/metrics/manual", body, format="json")
        assert response.status_code == 200, response.json()
        saved = response.json()["data"]["metrics"][0]
        assert saved["created"] is True and saved["overrode_collected"] is False
        assert saved["metric_value"] == 125000.5 and saved["data_source"] == "manual" and saved["vendor_id"] is None
        change = MetricChange.objects.get()
        assert change.action == "created" and change.actor == "qeditor" and change.user.username == "qeditor"

    def test_overriding_a_collected_value_is_reported_and_audited(self, qbr_editor):
        record_collected_metric("2025-10", 1, 1, "seats_managed", 530)
        response = qbr_editor.post(
            "/api/qbr/metrics/manual", {"period": "2025-10", "metric_name": "seats_managed", "metric_value": 525},
            format="json",
        )
        data = response.json()["data"]
        assert data["metrics"][0]["overrode_collected"] is True
        assert data["metrics"][0]["previous_value"] == 530 and data["metrics"][0]["previous_source"] == "collected"
        assert "replaced the collected value 530" in data["warnings"][0]
        metric = MonthlyMetric.objects.get(metric_name="seats_managed")
        assert metric.data_source == "manual" and metric.metric_value == 525 and metric.vendor_id == 1
        assert metric.changes.filter(action="overrode_collected", old_value=530, new_value=525).exists()

    def test_a_later_collection_keeps_the_manual_value_and_says_so(self, db):
        record_manual_metric("2025-10", 1, 1, "seats_managed", 525, actor="someone")
        result = record_collected_metric("2025-10", 1, 1, "seats_managed", 530)
        assert result.kept_manual and not result.changed
        metric = MonthlyMetric.objects.get()
        assert metric.metric_value == 525 and metric.data_source == "manual"
        assert metric.changes.filter(action="kept_manual", note__contains="530").exists()

    def test_many_at_once(self, qbr_editor):
        org = factories.organization("Acme Corp")
        body = {"metrics": [
            {"period": "2025-10", "metric_name": "employees", "metric_value": 12},
            {"period": "2025-10", "metric_name": "net_profit", "metric_value": -300, "organization_id": org.id},
        ]}
        response = qbr_editor.post("/api/qbr/metrics/manual", body, format="json")
        assert response.status_code == 200
        assert MonthlyMetric.objects.get(organization=org).metric_value == -300

    @pytest.mark.parametrize(
        "item, field, status",
        [
            ({"period": "2025-13", "metric_name": "mrr", "metric_value": 1}, "metrics[1].period", 400),
            ({"metric_name": "mrr", "metric_value": 1}, "metrics[1].period", 400),
            ({"period": "9999-12", "metric_name": "mrr", "metric_value": 1}, "metrics[1].period", 400),
            ({"period": "1999-12", "metric_name": "mrr", "metric_value": 1}, "metrics[1].period", 400),
            ({"period": "2025-10", "metric_name": "bogus", "metric_value": 1}, "metrics[1].metric_name", 400),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": "lots"}, "metrics[1].metric_value", 400),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": True}, "metrics[1].metric_value", 400),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": "NaN"}, "metrics[1].metric_value", 400),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": -5}, "metrics[1].metric_value", 400),
            ({"period": "2025-10", "metric_name": "mrr"}, "metrics[1].metric_value", 400),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": 1, "organization_id": 999},
             "metrics[1].organization_id", 404),
            ({"period": "2025-10", "metric_name": "mrr", "metric_value": 1, "vendor_id": 77},
             "metrics[1].vendor_id", 404),
        ],
    )
    def test_invalid_items_name_the_field_and_nothing_is_saved(self, qbr_editor, item, field, status):
        good = {"period": "2025-10", "metric_name": "employees", "metric_value": 3}
        response = qbr_editor.post("/api/qbr/metrics/manual", {"metrics": [good, item]}, format="json")
        assert response.status_code == status
        assert response.json()["error"]["details"]["field"] == field
        assert not MonthlyMetric.objects.exists()

    def test_months_from_2000_to_december_of_next_year(self, qbr_editor):
        next_year = timezone.localdate().year + 1

        def post(period):
            return qbr_editor.post("/api/qbr/metrics/manual", {"period": period, "metric_name": "mrr",
                                                              "metric_value": 1}, format="json")

        assert post("2000-01").status_code == 200 and post(f"{next_year}-12").status_code == 200
        response = post(f"{next_year + 1}-01")
        assert response.status_code == 400 and response.json()["error"] == {
            "code": "invalid_parameter", "details": {"field": "period"},
            "message": f"period {next_year + 1}-01 is outside the months a value may be entered for: 2000-01 to "
                       f"{next_year}-12."}
        assert post("1900-01").json()["error"]["details"] == {"field": "period"}
        assert sorted(MonthlyMetric.objects.values_list("period", flat=True)) == ["2000-01", f"{next_year}-12"]

    def test_the_service_refuses_the_same_months(self, db):
        with pytest.raises(ValueError, match="outside the months"):
            record_manual_metric("9999-12", 1, None, "mrr", 1, actor="someone")
        assert not MonthlyMetric.objects.exists()

    @pytest.mark.parametrize("body", [[], {"metrics": []}, "text", {"metrics": "x"}])
    def test_malformed_bodies(self, qbr_editor, body):
        assert qbr_editor.post("/api/qbr/metrics/manual", body, format="json").status_code == 400


class TestMonthly:
    def test_latest_period_by_default_and_filters(self, qbr_reader, metrics):
        metrics("2025-09", seats_managed=500)
        metrics("2025-10", seats_managed=530, endpoints_managed=579, reactive_tickets_created=125,
                mrr=(1000, "manual"))
        data = qbr_reader.get("/api/qbr/metrics/monthly").json()["data"]
        assert data["period"] == "2025-10" and data["organization_id"] == 1
        names = {m["metric_name"]: m for m in data["metrics"]}
        assert names["seats_managed"]["metric_value"] == 530 and names["seats_managed"]["vendor_id"] == 1
        assert names["reactive_tickets_created"]["vendor_id"] == 2
        assert names["mrr"]["data_source"] == "manual" and names["seats_managed"]["data_source"] == "collected"
        only = qbr_reader.get("/api/qbr/metrics/monthly?period=2025-09&metric_name=seats_managed").json()["data"]
        assert [m["metric_value"] for m in only["metrics"]] == [500]
        by_vendor = qbr_reader.get("/api/qbr/metrics/monthly?period=2025-10&vendor_id=2").json()["data"]
        assert [m["metric_name"] for m in by_vendor["metrics"]] == ["reactive_tickets_created"]

    def test_no_data(self, qbr_reader):
        data = qbr_reader.get("/api/qbr/metrics/monthly").json()["data"]
        assert data == {"period": None, "organization_id": 1, "metrics": [], "billed_seats": None,
                        "agreements_date": None}

    @pytest.mark.parametrize(
        "query, field", [("period=2025-13", "period"), ("metric_name=x", "metric_name"), ("vendor_id=z", "vendor_id")]
    )
    def test_bad_filters(self, qbr_reader, query, field):
        response = qbr_reader.get("/api/qbr/metrics/monthly?" + query)
        assert response.status_code == 400 and response.json()["error"]["details"]["field"] == field


class TestQuarterly:
    def test_sums_and_averages_with_months(self, qbr_reader, metrics):
        metrics("2025-10", seats_managed=500, reactive_tickets_created=100)
        metrics("2025-11", seats_managed=520, reactive_tickets_created=120)
        metrics("2025-12", reactive_tickets_created=80)
        metrics("2026-01", seats_managed=999)  # next quarter
        data = qbr_reader.get("/api/qbr/metrics/quarterly?period=2025-Q4").json()["data"]
        assert data["months"] == ["2025-10", "2025-11", "2025-12"] and data["months_included"] == data["months"]
        result = {m["metric_name"]: m for m in data["metrics"]}
        assert result["reactive_tickets_created"]["metric_value"] == 300
        assert result["reactive_tickets_created"]["aggregation"] == "sum"
        assert result["seats_managed"]["metric_value"] == 510 and result["seats_managed"]["aggregation"] == "average"
        assert result["seats_managed"]["months"] == ["2025-10", "2025-11"]

    def test_default_is_the_latest_quarter(self, qbr_reader, metrics):
        metrics("2025-10", seats_managed=500)
        metrics("2026-02", seats_managed=600)
        assert qbr_reader.get("/api/qbr/metrics/quarterly").json()["data"]["period"] == "2026-Q1"

    @pytest.mark.parametrize("period", ["2025-Q5", "Q1-2025", "2025-13"])
    def test_bad_quarter(self, qbr_reader, period):
        response = qbr_reader.get(f"/api/qbr/metrics/quarterly?period={period}")
        assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "period"


class TestSmartNumbersEndpoint:
    def test_values_statuses_and_thresholds(self, qbr_reader, metrics):
        for month in ("2025-10", "2025-11", "2025-12"):
            metrics(month, endpoints_managed=100, reactive_tickets_created=30, technical_employees=(2, "manual"))
        Threshold.objects.update_or_create(
            metric_name="tickets_per_endpoint_per_month", organization_id=1,
            defaults=dict(direction="lower", green_bound=Decimal("0.25"), yellow_bound=Decimal("0.5")))
        Threshold.objects.update_or_create(metric_name="net_profit_pct", organization_id=1, defaults=dict(
            direction="higher", green_bound=15, yellow_bound=10))
        response = qbr_reader.get("/api/qbr/smartnumbers?period=2025-Q4")
        assert response.status_code == 200
        data = response.json()["data"]
        # 90 tickets / 100 endpoints (averaged) / 3 months = 0.3
        assert data["smart_numbers"]["tickets_per_endpoint_per_month"] == 0.3
        assert data["status"]["tickets_per_endpoint_per_month"] == "yellow"
        assert data["thresholds"]["tickets_per_endpoint_per_month"] == {
            "green_max": 0.25, "yellow_max": 0.5, "direction": "lower", "status": "yellow",
        }
        # No revenue entered: null value, null status, not an error.
        assert data["smart_numbers"]["net_profit_pct"] is None and data["status"]["net_profit_pct"] is None
        assert data["thresholds"]["net_profit_pct"]["green_min"] == 15
        assert data["inputs"]["reactive_tickets_created"] == 90
        assert data["months_included"] == ["2025-10", "2025-11", "2025-12"]

    def test_the_contracts_four_kpis_field_for_field(self, qbr_reader, metrics):
        # Hand-computed: 3 months x 100 endpoints; 90 tickets created, 60 closed, 45 of them on first contact;
        # revenue 36,000 in the quarter; CSAT 4, 4.5, 5.
        for month, csat in (("2025-10", 4), ("2025-11", 4.5), ("2025-12", 5)):
            metrics(month, endpoints_managed=100, reactive_tickets_created=30, reactive_tickets_closed=20,
                    reactive_tickets_closed_first_contact=15, total_revenue=(12000, "manual"),
                    csat_score=(csat, "manual"))
        data = qbr_reader.get("/api/qbr/smartnumbers?period=2025-Q4&organization_id=1").json()["data"]
        numbers = data["smart_numbers"]
        assert numbers["tickets_per_endpoint"] == 0.3  # 90 / 100 / 3
        assert numbers["revenue_per_endpoint"] == 120  # 36000 / 100 / 3
        assert numbers["csat_score"] == 4.5  # (4 + 4.5 + 5) / 3
        assert numbers["first_call_resolution"] == 75  # 45 / 60 x 100
        assert len(numbers) == 22  # the eighteen of DESIGN.md and the contract's four
        # The shipped defaults: tickets_per_endpoint green <= 1.0, yellow <= 1.5; revenue green >= 100, yellow >= 80.
        assert data["thresholds"]["tickets_per_endpoint"] == {
            "green_max": 1.0, "yellow_max": 1.5, "direction": "lower", "status": "green"}
        assert data["thresholds"]["revenue_per_endpoint"] == {
            "green_min": 100, "yellow_min": 80, "direction": "higher", "status": "green"}
        assert data["thresholds"]["csat_score"]["status"] == "green"  # 4.5 >= 4.5
        assert data["thresholds"]["first_call_resolution"]["status"] == "green"  # 75 >= 70
        assert isinstance(data["thresholds"]["tickets_per_endpoint"]["green_max"], float)

    def test_first_call_resolution_falls_back_to_the_manual_figure(self, qbr_reader, metrics):
        metrics("2025-10", first_call_resolution_pct=(60, "manual"), csat_score=(3, "manual"))
        metrics("2025-11", first_call_resolution_pct=(70, "manual"))
        numbers = qbr_reader.get("/api/qbr/smartnumbers?period=2025-Q4").json()["data"]["smart_numbers"]
        assert numbers["first_call_resolution"] == 65 and numbers["csat_score"] == 3
        assert numbers["tickets_per_endpoint"] is None and numbers["revenue_per_endpoint"] is None

    @pytest.mark.parametrize("value", [0, 0.5, 5.01, 6])
    def test_csat_is_one_to_five(self, qbr_editor, value):
        body = {"period": "2025-10", "metric_name": "csat_score", "metric_value": value}
        response = qbr_editor.post("/api/qbr/metrics/manual", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "metric_value"
        assert "csat_score is at" in response.json()["error"]["message"]

    def test_empty_quarter_is_all_null(self, qbr_reader):
        data = qbr_reader.get("/api/qbr/smartnumbers?period=2024-Q1").json()["data"]
        assert set(data["smart_numbers"].values()) == {None}

    @pytest.mark.parametrize("query, code", [("", "missing_parameter"), ("?period=2025-Q5", "invalid_parameter"),
                                             ("?period=Q1-2025", "invalid_parameter")])
    def test_period_is_required_and_checked(self, qbr_reader, query, code):
        response = qbr_reader.get("/api/qbr/smartnumbers" + query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == code and response.json()["error"]["details"]["field"] == "period"

    def test_unknown_organization(self, qbr_reader):
        response = qbr_reader.get("/api/qbr/smartnumbers?period=2025-Q4&organization_id=424242")
        assert response.status_code == 404 and response.json()["error"]["details"]["field"] == "organization_id"


class TestBulkCollection:
    def test_mixed_batch_in_a_fixed_number_of_queries(self, db, django_assert_max_num_queries):
        from qbr.services import record_collected_metrics

        acme = factories.organization("Acme Corp")
        beta = factories.organization("Beta LLC")
        record_collected_metric("2025-10", 1, 1, "seats_managed", 10)
        record_collected_metric("2025-10", acme.id, 1, "seats_managed", 5)
        record_manual_metric("2025-10", beta.id, 1, "seats_managed", 7, actor="t")
        wanted = {(1, "seats_managed"): 11, (acme.id, "seats_managed"): 5, (beta.id, "seats_managed"): 8,
                  (1, "endpoints_managed"): 12}
        with django_assert_max_num_queries(8):
            writes = record_collected_metrics("2025-10", 1, wanted)
        assert [(w.created, w.changed, w.kept_manual) for w in writes] == [
            (False, True, False), (False, False, False), (False, False, True), (True, True, False),
        ]
        values = {(m.organization_id, m.metric_name): m.metric_value for m in MonthlyMetric.objects.all()}
        assert values == {(1, "seats_managed"): 11, (acme.id, "seats_managed"): 5, (beta.id, "seats_managed"): 7,
                          (1, "endpoints_managed"): 12}
        assert MetricChange.objects.filter(action="kept_manual", organization=beta, note__contains="8").exists()
