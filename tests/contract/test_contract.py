"""The dashboard contract: every endpoint and example of the integration guide against the app.

One parametrised test per case of `tests/contract/reference.py` (read it for the shapes and the
guide's sections). Each case sends the request as the guide shows it, as a signed-in person with
every grant the guide's dashboard needs (or anonymously where the guide calls without signing in),
over the seeded MSP of `conftest.py`, and checks the status and the response's fields and JSON types.
Known-pending cases (issue 13) are strict xfails. How it works and every deliberate difference:
docs/api-contract.md.
"""
import http.client
import re
from contextlib import ExitStack
from datetime import date, datetime
from urllib.parse import urlencode, urlparse

import pytest
from rest_framework.test import APIClient

from tests.contract import reference as R
from tests.contract.reference import CASES, Case

pytestmark = pytest.mark.django_db


# --- the shape checker -----------------------------------------------------------------------------


def shape_errors(value, shape, where="$") -> list[str]:
    """Every way `value` (decoded JSON) departs from `shape` (reference.py's vocabulary)."""
    if shape is R.ANY:
        return []
    if isinstance(shape, R.Nullable):
        return [] if value is None else shape_errors(value, shape.shape, where)
    if shape is R.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number, got {value!r}"]
    if shape is R.DATE:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return []
        return [f"{where}: expected a date YYYY-MM-DD, got {value!r}"]
    if shape is R.DATETIME:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return [] if "T" in value else [f"{where}: expected a date and time, got {value!r}"]
        except (AttributeError, ValueError):
            return [f"{where}: expected an ISO 8601 date and time, got {value!r}"]
    if isinstance(shape, R.OneOf):
        return [] if value in shape.values and type(value) is type(shape.values[0]) else [
            f"{where}: expected one of {shape.values}, got {value!r}"]
    if isinstance(shape, R.MapOf):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        return [e for key, item in value.items() for e in shape_errors(item, shape.value, f"{where}.{key}")]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        errors = []
        for key, sub in shape.items():
            if key not in value:
                errors.append(f"{where}: missing field {key!r}")
            else:
                errors.extend(shape_errors(value[key], sub, f"{where}.{key}"))
        return errors
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        return [e for i, item in enumerate(value) for e in shape_errors(item, shape[0], f"{where}[{i}]")]
    if shape in (str, int, bool, float):
        ok = isinstance(value, shape) and (shape is bool or not isinstance(value, bool))
        return [] if ok else [f"{where}: expected {shape.__name__}, got {value!r}"]
    raise TypeError(f"unknown shape {shape!r} at {where}")


def non_empty(value, shape, where="$") -> list[str]:
    """Lists the contract describes must hold at least one item, so their items' shapes are checked."""
    if isinstance(shape, dict) and isinstance(value, dict):
        return [e for key, sub in shape.items() if key in value for e in non_empty(value[key], sub, f"{where}.{key}")]
    if isinstance(shape, R.MapOf) and isinstance(value, dict):
        return [f"{where}: empty, so its values go unchecked"] if not value else [
            e for key, item in value.items() for e in non_empty(item, shape.value, f"{where}.{key}")]
    if isinstance(shape, list) and isinstance(value, list):
        if not value:
            return [f"{where}: empty list, so its items go unchecked"]
        return [e for item in value for e in non_empty(item, shape[0], f"{where}[]")]
    return []


class TestShapeChecker:
    """The checker itself must be able to fail, or the contract proves nothing."""

    @pytest.mark.parametrize("value, shape", [
        ({"a": 1}, {"a": str}), ({}, {"a": int}), ({"a": True}, {"a": int}), ({"a": "1"}, {"a": R.NUMBER}),
        ([{"a": 1}, {"a": None}], [{"a": int}]), ("2025-13", R.DATE), ("2025-10-01", R.DATETIME),
        ({"x": {"a": 1}}, R.MapOf({"a": str})), ("purple", R.OneOf("green", "red")), (None, {"a": int}),
        ({"a": None}, {"a": str}),
    ])
    def test_rejects(self, value, shape):
        assert shape_errors(value, shape)

    @pytest.mark.parametrize("value, shape", [
        ({"a": 1, "extra": "x"}, {"a": int}), ({"a": 1.5}, {"a": R.NUMBER}), ({"a": None}, {"a": R.Nullable(str)}),
        ({"a": None}, {"a": R.ANY}), ("2025-11-05T02:09:03.781381+00:00", R.DATETIME),
        ("2025-10-02T23:45:00Z", R.DATETIME),
        ({"Org A": [{"a": 1}]}, R.MapOf([{"a": int}])), ("green", R.OneOf("green", "red")),
    ])
    def test_accepts(self, value, shape):
        assert shape_errors(value, shape) == []

    def test_empty_lists_are_reported(self):
        assert non_empty({"results": []}, {"results": [{"a": int}]})
        assert non_empty({"m": {}}, {"m": R.MapOf(int)})
        assert non_empty({"results": [{"a": 1}]}, {"results": [{"a": int}]}) == []


def test_every_case_names_its_section():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert case.doc and case.method in ("get", "post") and case.path.startswith("/api/"), case.id


def test_every_path_of_the_guide_has_a_case():
    """The guide's endpoint list (COMPLETE API ENDPOINTS REFERENCE and the usage examples), path by path."""
    guide = {
        ("get", "/api/health"), ("get", "/api/status"), ("get", "/api/collectors/status"),
        ("get", "/api/collectors/history"), ("get", "/api/collectors/progress"),
        ("post", "/api/collectors/cleanup-stale"), ("get", "/api/variance-report/latest"),
        ("get", "/api/variance-report/{date}"), ("get", "/api/variance-report/filtered"),
        ("get", "/api/variances/available-dates"), ("get", "/api/variances/historical/{date}"),
        ("get", "/api/variances/trends"), ("get", "/api/variances/export/csv"), ("get", "/api/variances/export/pdf"),
        ("get", "/api/variances/export/excel"), ("post", "/api/collectors/run"),
        ("get", "/api/collectors/runs/batch/{batch_id}"), ("get", "/api/exceptions"),
        ("get", "/api/exceptions/status-summary"), ("post", "/api/exceptions/{id}/resolve"),
        ("post", "/api/exceptions/{id}/mark-manually-fixed"), ("post", "/api/exceptions/bulk-update"),
        ("get", "/api/devices/search"), ("get", "/api/windows-11-24h2/status"),
        ("get", "/api/windows-11-24h2/incompatible"), ("get", "/api/windows-11-24h2/compatible"),
        ("post", "/api/windows-11-24h2/run"), ("get", "/api/auth/microsoft/login"),
        ("get", "/api/auth/microsoft/callback"), ("get", "/api/auth/status"), ("post", "/api/auth/logout"),
        ("get", "/api/qbr/metrics/monthly"), ("get", "/api/qbr/metrics/quarterly"),
        ("get", "/api/qbr/metrics/devices-by-client"), ("get", "/api/qbr/smartnumbers"),
        ("get", "/api/qbr/thresholds"), ("post", "/api/qbr/thresholds"), ("post", "/api/qbr/metrics/manual"),
    }

    def generic(path):
        path = path.split("?")[0]
        path = re.sub(r"/\d{4}-\d{2}-\d{2}$", "/{date}", path)
        return path

    covered = {(case.method, generic(case.path)) for case in CASES}
    assert guide - covered == set()


# --- steps that make what a request needs -------------------------------------------------------------

TENANT = "contoso.example"
PROFILE = {"id": "00000000-0000-0000-0000-00000000abcd", "displayName": "User Name", "givenName": "User",
           "surname": "Name", "mail": "user@contoso.example", "userPrincipalName": "user@contoso.example"}


def _microsoft(settings, login_url="https://login.microsoftonline.com"):
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {"TENANT": TENANT, "APPS": [{
        "client_id": "client-123", "secret": "s3cret",
        "settings": {"tenant": TENANT, "login_url": login_url, "graph_url": login_url}}]}}
    settings.QBR_ALLOWED_EMAIL_DOMAINS = [TENANT]


def prepare_microsoft(ctx):
    _microsoft(ctx.settings)
    return {}


def prepare_microsoft_authorized(ctx):
    """Start the sign-in, let a stand-in Microsoft authorize it; the query it sends the browser back with."""
    from tests.qbr.fake_microsoft import FakeMicrosoft

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        ctx.monkeypatch.delenv(name, raising=False)
    ctx.monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = ctx.stack.enter_context(FakeMicrosoft(tenant=TENANT, client_id="client-123", secret="s3cret",
                                                 profile=PROFILE))
    _microsoft(ctx.settings, fake.base_url)
    start = ctx.client.get("/api/auth/microsoft/login")
    assert start.status_code == 302
    url = urlparse(start["Location"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", f"{url.path}?{url.query}")
    back = connection.getresponse().getheader("Location")
    connection.close()
    return {"query": urlparse(back).query}


def _exception_id(client, **params):
    """An open exception of the latest report, as the dashboard finds one: through the list."""
    rows = client.get(f"/api/exceptions?{urlencode({'status': 'open', **params})}").json()["results"]
    return rows[0]["id"]


def prepare_open_exception(ctx):
    return {"id": _exception_id(ctx.client, type="MISSING_NINJA")}


def prepare_one_resolved(ctx):
    resolved_id = _exception_id(ctx.client)
    response = ctx.client.post(f"/api/exceptions/{resolved_id}/resolve", {"notes": "done"}, format="json")
    assert response.status_code == 200
    return {"resolved_id": resolved_id}


def prepare_collector_batch(ctx):
    response = ctx.client.post("/api/collectors/run", {"collectors": ["ninja", "threatlocker"]}, format="json")
    assert response.status_code in (200, 202)
    return {"batch_id": response.json()["batch_id"]}


class Context:
    def __init__(self, client, settings, monkeypatch, stack):
        self.client, self.settings, self.monkeypatch, self.stack = client, settings, monkeypatch, stack


def fill(body, values):
    if isinstance(body, R.Ref):
        return values[body.name]
    if isinstance(body, dict):
        return {k: fill(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [fill(v, values) for v in body]
    return body


def call(client, method, path, params=None, body=None, headers=None):
    if params:
        path = f"{path}?{urlencode(params)}"
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    if method == "get":
        return client.get(path, **extra)
    return getattr(client, method)(path, body if body is not None else {}, format="json", **extra)


def assert_matches(response, status, shape, where):
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (where, response.status_code, response.content[:500])
    if isinstance(shape, R.FILE):
        assert response["Content-Type"].startswith(shape.content_type), (where, response["Content-Type"])
        assert "attachment" in response.get("Content-Disposition", ""), where
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert content.startswith(shape.magic) and content, where
        return None
    if response.status_code in (301, 302, 303, 307, 308):
        return None
    assert response["Content-Type"].startswith("application/json"), (where, response["Content-Type"])
    body = response.json()
    if shape is not None:
        errors = shape_errors(body, shape) + non_empty(body, shape)
        assert not errors, (where, errors)
    return body


def _params(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=f"pending: {case.pending}")] if case.pending else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_params(case) for case in CASES])
def test_contract(case: Case, msp, dashboard, settings, monkeypatch):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    client = dashboard if case.client == "dashboard" else APIClient()
    with ExitStack() as stack:
        values = globals()[f"prepare_{case.prepare}"](Context(client, settings, monkeypatch, stack)) \
            if case.prepare else {}
        path = case.path.format(**values)
        response = call(client, case.method, path, case.params, fill(case.body, values), case.headers)
        body = assert_matches(response, case.status, case.response, f"{case.id} ({case.doc})")
        if case.redirect:
            assert response["Location"].startswith(case.redirect), response["Location"]
        if case.check:
            case.check(body, values)
        if case.then:
            method, then_path, status, shape = case.then
            assert_matches(call(client, method, then_path), status, shape, f"{case.id}: then {then_path}")
