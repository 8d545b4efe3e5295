import pytest
from django.db import connection
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db


def test_health_contract_endpoint(client_anon):
    response = client_anon.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"


def test_live_and_ready_without_credentials(client_anon):
    assert client_anon.get("/api/health/live").json()["status"] == "alive"
    assert client_anon.get("/api/health/ready").json()["status"] == "ready"


def test_ready_is_503_when_database_is_down(client_anon, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    ready = client_anon.get("/api/health/ready")
    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"
    assert client_anon.get("/api/health").status_code == 503
    # Liveness does not depend on the database.
    assert client_anon.get("/api/health/live").status_code == 200
