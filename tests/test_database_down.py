"""A database that cannot be reached answers 503 with Retry-After (JSON under /api/, a page elsewhere), like the
ready probe, never `500 internal_error`. The default connection is swapped for one pointed at a closed port
(PostgreSQL) or an unopenable file (SQLite) for the duration of each test."""
import socket

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once it is closed


@pytest.fixture
def database_down(tmp_path):
    original = connections["default"]
    broken_settings = {**original.settings_dict}
    if original.vendor == "postgresql":
        broken_settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        broken_settings["NAME"] = str(tmp_path / "no-such-dir" / "esinv.sqlite3")
    broken = load_backend(broken_settings["ENGINE"]).DatabaseWrapper(broken_settings, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        connections["default"] = original
        broken.close()


def assert_unavailable(response):
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["success"] is False and body["request_id"] == response["X-Request-ID"]
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["details"] == {"retry_after_seconds": 30}


@pytest.mark.parametrize("path", ["/api/status", "/api/exceptions", "/api/devices/search?q=PC-1",
                                  "/api/collectors/status", "/api/qbr/smartnumbers?period=2025-Q3"])
def test_api_reads_answer_503_json(reader, database_down, path):
    assert_unavailable(reader.get(path))


def test_api_writes_answer_503_json(writer, database_down):
    assert_unavailable(writer.post("/api/collectors/run", {"collectors": ["ninja"]}, format="json"))
    assert_unavailable(writer.post("/api/exceptions/1/resolve", {"notes": "x"}, format="json"))


def test_session_callers_answer_503_json(staff_user, database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    assert_unavailable(client.get("/api/status"))


def test_pages_answer_a_503_page(staff_user, database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32  # the session is read from the database
    response = client.get("/variances/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "The database is unavailable" in response.content.decode()


def test_the_probes_still_answer_with_retry_after(client_anon, database_down):
    assert client_anon.get("/api/health/live").status_code == 200
    for path in ("/api/health/ready", "/api/health"):
        response = client_anon.get(path)
        assert response.status_code == 503 and response["Retry-After"] == "30"


def test_after_the_outage_the_api_answers(reader):
    assert reader.get("/api/status").status_code == 200
