"""The admin: manual metrics go through the audited service; thresholds are editable and validated."""
from decimal import Decimal

import pytest

from qbr.models import MonthlyMetric, Threshold
from qbr.services import record_collected_metric
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-Strong-123")
    client.force_login(user)
    return client


def test_changing_a_collected_value_in_the_admin_is_audited_as_an_override(admin_client_):
    write = record_collected_metric("2025-10", 1, 1, "seats_managed", 530)
    url = f"/admin/qbr/monthlymetric/{write.metric.pk}/change/"
    page = admin_client_.get(url)
    assert page.status_code == 200 and b"Collected" in page.content  # source and history shown
    response = admin_client_.post(url, {"metric_value": "520", "notes": "recount", "changes-TOTAL_FORMS": "0",
                                        "changes-INITIAL_FORMS": "1", "changes-MIN_NUM_FORMS": "0",
                                        "changes-MAX_NUM_FORMS": "0"}, follow=True)
    assert response.status_code == 200
    metric = MonthlyMetric.objects.get()
    assert metric.metric_value == 520 and metric.data_source == "manual" and metric.updated_by == "boss"
    assert metric.changes.filter(action="overrode_collected", actor="boss").exists()
    assert b"replaced the collected value" in response.content


def test_admin_refuses_inverted_threshold_bounds(admin_client_):
    client = factories.organization("Acme Corp")
    data = {"organization": str(client.id), "metric_name": "rhem", "direction": "lower", "green_bound": "2",
            "yellow_bound": "1", "notes": ""}
    response = admin_client_.post("/admin/qbr/threshold/add/", data)
    assert response.status_code == 200 and not Threshold.objects.filter(organization=client).exists()
    response = admin_client_.post("/admin/qbr/threshold/add/", {**data, "green_bound": "1", "yellow_bound": "2"})
    assert response.status_code == 302
    assert Threshold.objects.get(organization=client).updated_by == "boss"


def test_shipped_default_thresholds_are_editable_in_the_admin(admin_client_):
    default = Threshold.objects.get(organization_id=1, metric_name="tickets_per_endpoint")
    data = {"organization": "1", "metric_name": "tickets_per_endpoint", "direction": "lower", "green_bound": "0.8",
            "yellow_bound": "1.2", "notes": "ours"}
    response = admin_client_.post(f"/admin/qbr/threshold/{default.pk}/change/", data)
    assert response.status_code == 302
    default.refresh_from_db()
    assert (default.green_bound, default.yellow_bound, default.updated_by) == (Decimal("0.8"), Decimal("1.2"), "boss")


def test_admin_lists_render(admin_client_):
    record_collected_metric("2025-10", 1, 1, "seats_managed", 530)
    for url in ("/admin/qbr/monthlymetric/", "/admin/qbr/metricchange/", "/admin/qbr/threshold/"):
        assert admin_client_.get(url).status_code == 200, url


@pytest.mark.parametrize("period, error", [("9999-12", "outside the months a value may be entered for"),
                                           ("2025-13", "is not a month")])
def test_admin_refuses_a_month_the_api_refuses(admin_client_, period, error):
    data = {"period": period, "organization": "1", "vendor": "", "metric_name": "mrr", "metric_value": "10",
            "notes": "", "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0", "changes-MIN_NUM_FORMS": "0",
            "changes-MAX_NUM_FORMS": "0"}
    response = admin_client_.post("/admin/qbr/monthlymetric/add/", data)
    assert response.status_code == 200 and error in response.content.decode()
    assert not MonthlyMetric.objects.exists()
    response = admin_client_.post("/admin/qbr/monthlymetric/add/", {**data, "period": "2025-10"})
    assert response.status_code == 302 and MonthlyMetric.objects.get().period == "2025-10"
