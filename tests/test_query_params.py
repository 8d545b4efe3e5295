"""One rule hub-wide (review16b G4): a single-valued query parameter given twice is a 400 naming it, never
silently the last one; every API query serializer derives from esinv.validation.QueryParamsSerializer."""
import importlib
import inspect

import pytest
from rest_framework import serializers

from esinv.validation import QueryParamsSerializer

SERIALIZER_MODULES = ["billing.api.serializers", "collectors.api.serializers", "inventory.api.serializers",
                      "variances.api.serializers", "qbr.api.serializers", "esinv.api.serializers"]


def test_every_query_serializer_derives_from_query_params_serializer():
    found = []
    for module_name in SERIALIZER_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and "Query" in name:
                found.append(cls)
                assert issubclass(cls, QueryParamsSerializer), f"{module_name}.{name}"
    assert len(found) >= 15


@pytest.mark.django_db
@pytest.mark.parametrize("url, name", [
    ("/api/exceptions?status=open&status=resolved", "status"),
    ("/api/exceptions?organization=2&organization=3", "organization"),
    ("/api/exceptions?page_size=1&page_size=2", "page_size"),
    ("/api/exceptions?date=2026-12-07&date=2026-12-06", "date"),
    ("/api/variances/export/csv?variance_type=MISSING_NINJA&variance_type=DUPLICATE_TL", "variance_type"),
    ("/api/variances/export/csv?date=2026-12-07&date=2026-12-06", "date"),
    ("/api/variances/trends?end_date=2026-01-01&end_date=2026-01-02", "end_date"),
    ("/api/qbr/metrics/devices-by-client?period=2025-10&period=2025-09", "period"),
    ("/api/qbr/metrics/monthly?period=2025-10&period=2025-09", "period"),
    ("/api/collectors/history?limit=1&limit=2", "limit"),
    ("/api/devices/search?q=abc&q=def", "q"),
    ("/api/windows-11-24h2/incompatible?organization_id=1&organization_id=2", "organization_id"),
    ("/api/windows-11-24h2/incompatible?page=1&page=2", "page"),
    ("/api/organizations?page=1&page=2", "page"),
])
def test_a_repeated_single_valued_parameter_is_a_400_naming_it(reader, url, name):
    response = reader.get(url)
    assert response.status_code == 400, (url, response.content)
    error = response.json()["error"]
    assert error["details"]["field"] == name, error
    assert "2 times" in error["message"], error


@pytest.mark.django_db
@pytest.mark.parametrize("path, names", [
    ("/api/exceptions", ("date", "type", "status", "ordering", "organization")),
    ("/api/billing/variances", ("date", "type", "status", "ordering")),
    ("/api/billing/report", ("date",)),
])
def test_a_blank_value_is_the_parameter_not_given(path, names):
    """review16b G9: a blank (`?date=%20`) answers as if absent, on /api/exceptions and billing alike."""
    from rest_framework.test import APIClient

    from esinv.models import APIKey

    client = APIClient()
    client.credentials(HTTP_X_API_KEY=APIKey.issue("k", billing_scope=True)[1])
    absent = client.get(path)
    assert absent.status_code == 200, absent.content
    for name in names:
        for blank in (" ", ""):
            response = client.get(path, {name: blank})
            assert response.status_code == 200, (name, response.content)
            assert response.json() == absent.json(), name
