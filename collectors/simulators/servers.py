"""Fake NinjaOne and ThreatLocker servers on loopback (stdlib ThreadingHTTPServer), serving an `MSPDataset`.

    with VendorSimulators(generate_msp(devices=500, seed=3)) as sims:
        sims.ninja.inject("rate_limit", retry_after=2)
        settings.NINJA_BASE_URL = sims.ninja.url
        ...

Wire formats follow docs/vendors.md: NinjaOne token at `/ws/oauth/token` and
`/oauth/token`, data under `/v2/` and `/api/v2/`; ThreatLocker under
`/portalapi/` in any case. Control endpoints (for a simulator in another
process, e.g. `manage.py simulate_vendors`): `GET /_simulator/stats`,
`POST /_simulator/faults` (`{"kind", "count", "path", ...params}`),
`DELETE /_simulator/faults`, `POST /_simulator/day` (`{"offset": N}`), `POST /_simulator/limit`
(`{"devices": N}`: serve only the first N devices of the day, `null` for all).
"""
import json
import math
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from collectors.simulators.dataset import Machine, MSPDataset, NinjaRow, TLRow, _uuid
from collectors.simulators.faults import FaultPlan

CONTROL_PREFIX = "/_simulator/"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "VendorSimulator/1.0"
    # Headers and body go out as two writes: without TCP_NODELAY the body waits for the client's delayed ACK
    # (~40 ms a call on Linux), which made small calls (tokens, SKU lists) dominate the benchmarks.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: tests and the demo do not want access logs
        pass

    def handle(self):
        try:
            super().handle()
        except ConnectionResetError:  # the client closed with our answer unread (a refused download): nothing to tell
            self.close_connection = True

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, method: str):
        sim: SimulatorServer = self.server.simulator
        body = self._body()
        status, payload, headers = sim.dispatch(method, self.path, self.headers, body)
        raw = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
        headers = dict(headers or {})
        self.send_response(status)
        self.send_header("Content-Type", headers.pop("Content-Type", "application/json; charset=utf-8"))
        self.send_header("Content-Length", str(len(raw)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test): nothing to tell
            self.close_connection = True

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")


class SimulatorServer:
    """One vendor's fake API. Subclasses implement `route`."""

    vendor = "vendor"

    def __init__(self, dataset: MSPDataset, *, host: str = "127.0.0.1", port: int = 0):
        self.dataset = dataset
        self.faults = FaultPlan()
        self.day_offset = 0
        # Serve only the first N devices of the day (a tenant that lost devices); None serves all.
        self.listing_limit: int | None = None
        self.requests: Counter = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.simulator = self
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"{self.vendor}-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- control -------------------------------------------------------------
    def inject(self, kind: str, count: int = 1, path: str | None = None, **params):
        return self.faults.add(kind, count, path, **params)

    def set_day(self, offset: int):
        with self._lock:
            self.day_offset = int(offset)
            self.listing_limit = None
            self.reset_overlay()

    def limit_listing(self, devices: int | None):
        """Serve only the first `devices` devices (consistently: totals match) until the day changes."""
        with self._lock:
            self.listing_limit = None if devices is None else int(devices)

    def _limited(self, rows: list) -> list:
        return rows if self.listing_limit is None else rows[: self.listing_limit]

    def reset_overlay(self):
        pass

    def stats(self) -> dict:
        return {"vendor": self.vendor, "day_offset": self.day_offset, "requests": dict(self.requests),
                "faults": self.faults.pending()}

    def _control(self, method: str, path: str, body: bytes):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"error": "body must be JSON"}, None
        if path == "stats" and method == "GET":
            return 200, self.stats(), None
        if path == "faults" and method == "POST":
            try:
                self.inject(data.pop("kind", ""), int(data.pop("count", 1)), data.pop("path", None), **data)
            except (ValueError, TypeError) as exc:
                return 400, {"error": str(exc)}, None
            return 200, self.stats(), None
        if path == "faults" and method == "DELETE":
            self.faults.clear()
            return 200, self.stats(), None
        if path == "day" and method == "POST":
            self.set_day(int(data.get("offset", 0)))
            return 200, self.stats(), None
        if path == "limit" and method == "POST":
            self.limit_listing(data.get("devices"))
            return 200, self.stats(), None
        return 404, {"error": "unknown control call"}, None

    # --- requests ------------------------------------------------------------
    def error_body(self, status: int, message: str) -> dict:
        return {"error": message}

    def dispatch(self, method: str, raw_path: str, headers, body: bytes):
        parts = urlsplit(raw_path)
        if parts.path.startswith(CONTROL_PREFIX):
            return self._control(method, parts.path[len(CONTROL_PREFIX):], body)
        self.requests[parts.path.lower()] += 1
        fault = self.faults.take(parts.path)
        after = None
        if fault:
            kind, params = fault.kind, fault.params
            if kind == "rate_limit":
                retry = params.get("retry_after", 1)
                return 429, self.error_body(429, "Too many requests"), {"Retry-After": str(retry)}
            if kind == "server_error":
                status = int(params.get("status", 500))
                return status, self.error_body(status, "Internal server error"), None
            if kind == "unauthorized":
                return 401, self.error_body(401, "Unauthorized"), None
            if kind == "slow":
                time.sleep(float(params.get("seconds", 2)))
            elif kind == "expire_token":
                self.expire_tokens()
            elif kind in ("truncate", "page_shift", "short_page", "nul_bytes"):
                after = kind
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        status, payload, extra = self.route(method, parts.path, query, headers, body)
        if after == "truncate":
            raw = json.dumps(payload, separators=(",", ":")).encode()
            payload = raw[: max(1, len(raw) // 2)]
        elif after == "page_shift":
            self.shift_listing()
        elif after == "short_page" and isinstance(payload, list):
            payload = payload[: int(fault.params.get("rows", 10))]
        elif after == "nul_bytes":
            payload = with_nul_bytes(payload, set(fault.params.get("keys") or NUL_KEYS))
        return status, payload, extra

    def expire_tokens(self):
        pass

    def shift_listing(self):
        pass

    def route(self, method, path, query, headers, body):
        raise NotImplementedError


# The console page of the simulated NinjaOne instance: a device's console link
# (`https://{instance}/#/deviceDashboard/{id}/overview`) lands here in the demo.
CONSOLE_PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>NinjaOne simulator</title></head><body>"
    b"<h1>NinjaOne console (simulated)</h1><p>This is the bundled NinjaOne simulator. With a real NinjaOne "
    b"instance, this link opens the device's dashboard: the device id is in this page's address, after "
    b"<code>#/deviceDashboard/</code>.</p></body></html>"
)


class NinjaSimulator(SimulatorServer):
    vendor = "ninja"

    def __init__(self, dataset, *, client_id="sim-client", client_secret="sim-secret", token_ttl=3600, **kwargs):
        super().__init__(dataset, **kwargs)
        self.client_id, self.client_secret, self.token_ttl = client_id, client_secret, token_ttl
        self._tokens: dict[str, float] = {}
        self._extra: list[NinjaRow] = []
        self.tokens_issued = 0

    @property
    def url(self) -> str:
        return self.origin

    def reset_overlay(self):
        self._extra = []

    def expire_tokens(self):
        with self._lock:
            self._tokens.clear()

    def shift_listing(self):
        """A device enrolled while the listing is paged: a new highest id."""
        with self._lock:
            rows = self.dataset.day(self.day_offset)[0]
            template = rows[len(self._extra) % len(rows)]
            new_id = 9_000_000 + len(self._extra)
            machine = Machine(new_id, f"NEW-{new_id}", template.machine.client, "WINDOWS_WORKSTATION",
                              template.location_id)
            self._extra.append(NinjaRow(new_id, machine, machine.name[:15], machine.name, template.org_id,
                                        template.location_id, False))

    def _rows(self) -> list[NinjaRow]:
        return self._limited(self.dataset.day(self.day_offset)[0]) + list(self._extra)

    def route(self, method, path, query, headers, body):
        lowered = path.rstrip("/").lower()
        if lowered == "" and method == "GET":  # where the duplicates' console links lead in the demo
            return 200, CONSOLE_PAGE, {"Content-Type": "text/html; charset=utf-8"}
        if lowered in ("/ws/oauth/token", "/oauth/token") and method == "POST":
            return self._token(body)
        for prefix in ("/api/v2/", "/v2/"):
            if lowered.startswith(prefix):
                resource = lowered[len(prefix):]
                break
        else:
            return 404, {"error": "not found"}, None
        auth = headers.get("Authorization") or ""
        token = auth[7:] if auth[:7].lower() == "bearer " else ""
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None or expiry < time.monotonic():
            return 401, {"error": "invalid_token", "error_description": "token expired or unknown"}, None
        try:
            page_size = int(query.get("pageSize") or 1000)
        except ValueError:
            return 400, {"error": "pageSize must be a number"}, None
        after = query.get("after")
        if resource == "organizations":
            return 200, _after_page(self.dataset.ninja_organizations(), after, page_size), None
        if resource == "locations":
            return 200, _after_page(self.dataset.ninja_locations(), after, page_size), None
        if resource == "devices-detailed":
            rows = self._rows()
            start = _bisect_after(rows, int(after)) if after not in (None, "") else 0
            page = rows[start:start + page_size]
            return 200, [self.dataset.ninja_device(row, self.day_offset) for row in page], None
        if resource == "queries/custom-fields":
            return 200, self._custom_fields(query, page_size), None
        return 404, {"error": f"unknown resource {resource}"}, None

    def _token(self, body: bytes):
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}, None
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Bad client credentials"}, None
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
            self.tokens_issued += 1
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_ttl,
                     "scope": form.get("scope", "")}, None

    def _custom_fields(self, query, page_size):
        cursor = query.get("cursor") or ""
        offset = int(cursor[3:]) if cursor.startswith("cf-") and cursor[3:].isdigit() else 0
        results = []
        rows = self._rows()
        index = offset
        # Only devices with values appear; walk from the cursor until the page is full.
        while index < len(rows) and len(results) < page_size:
            found = self.dataset.ninja_custom_fields(rows[index])
            index += 1
            if found:
                results.append(found)
        return {"cursor": {"name": f"cf-{index}", "offset": offset, "count": len(results),
                           "expires": int(time.time()) + 3600}, "results": results}


NUL_KEYS = ("systemName", "displayName", "dnsName", "netbiosName", "hostname", "computerName", "organization",
            "name", "operatingSystem", "group", "manufacturer", "model")


def with_nul_bytes(value, keys: set):
    """`value` with a NUL byte after the first character of every string under one of `keys` (at any depth)."""
    if isinstance(value, list):
        return [with_nul_bytes(item, keys) for item in value]
    if isinstance(value, dict):
        return {k: (v[:1] + "\x00" + v[1:] if k in keys and isinstance(v, str) and v else with_nul_bytes(v, keys))
                for k, v in value.items()}
    return value


def _after_page(items: list[dict], after, page_size: int) -> list[dict]:
    if after not in (None, ""):
        items = [item for item in items if item["id"] > int(after)]
    return items[:page_size]


def _bisect_after(rows: list[NinjaRow], after_id: int) -> int:
    low, high = 0, len(rows)
    while low < high:
        mid = (low + high) // 2
        if rows[mid].id <= after_id:
            low = mid + 1
        else:
            high = mid
    return low


class ThreatLockerSimulator(SimulatorServer):
    vendor = "threatlocker"

    def __init__(self, dataset, *, api_key="sim-api-key", organization_id=None, **kwargs):
        super().__init__(dataset, **kwargs)
        self.api_key = api_key
        self.organization_id = organization_id or dataset.parent_org_id
        self._extra: list[TLRow] = []

    @property
    def url(self) -> str:
        return f"{self.origin}/portalapi/"

    def error_body(self, status: int, message: str) -> dict:
        return {"LoggerId": secrets.token_hex(6), "StatusCode": status, "Message": message}

    def reset_overlay(self):
        self._extra = []

    def shift_listing(self):
        """A computer added while the listing is paged, sorted before every other one."""
        with self._lock:
            rows = self.dataset.day(self.day_offset)[1]
            template = rows[len(self._extra) % len(rows)]
            n = len(self._extra)
            name = f"AAA-NEW-{n:04d}"
            self._extra.insert(0, TLRow(_uuid("shift", n), template.machine, name, name, template.client))

    def route(self, method, path, query, headers, body):
        lowered = path.lower()
        if not lowered.startswith("/portalapi/"):
            return 404, self.error_body(404, "Not found"), None
        if (headers.get("Authorization") or "") != self.api_key:
            return 401, self.error_body(401, "Invalid API key"), None
        if (headers.get("ManagedOrganizationId") or "").lower() != self.organization_id.lower():
            return 403, self.error_body(403, "Not allowed to manage this organization"), None
        if method != "POST":
            return 405, self.error_body(405, "Use POST"), None
        try:
            data = json.loads(body or b"{}")
            page_number = max(1, int(data.get("pageNumber", 1)))
            page_size = max(1, int(data.get("pageSize", 25)))
        except (ValueError, TypeError):
            return 400, self.error_body(400, "Malformed body"), None
        resource = lowered[len("/portalapi/"):]
        if resource == "computer/computergetbyallparameters":
            with self._lock:
                rows = list(self._extra) + self._limited(self.dataset.day(self.day_offset)[1])
            total = len(rows)
            page = rows[(page_number - 1) * page_size: page_number * page_size]
            pages = max(1, math.ceil(total / page_size))
            pagination = {"currentPage": page_number, "itemsPerPage": page_size, "totalItems": total,
                          "totalPages": pages, "firstItem": (page_number - 1) * page_size + 1 if page else 0,
                          "lastItem": (page_number - 1) * page_size + len(page)}
            return 200, [self.dataset.tl_computer(row, self.day_offset, total) for row in page], \
                {"pagination": json.dumps(pagination)}
        if resource == "organization/organizationgetchildorganizationsbyparameters":
            orgs = self.dataset.tl_child_organizations()
            return 200, orgs[(page_number - 1) * page_size: page_number * page_size], None
        return 404, self.error_body(404, f"Unknown endpoint {resource}"), None


class VendorSimulators:
    """Both simulators over one dataset, as a context manager."""

    def __init__(self, dataset: MSPDataset, *, host: str = "127.0.0.1", ninja_port: int = 0,
                 threatlocker_port: int = 0, **ninja_options):
        self.dataset = dataset
        self.ninja = NinjaSimulator(dataset, host=host, port=ninja_port, **ninja_options)
        self.threatlocker = ThreatLockerSimulator(dataset, host=host, port=threatlocker_port)

    def start(self):
        self.ninja.start()
        self.threatlocker.start()
        return self

    def stop(self):
        self.ninja.stop()
        self.threatlocker.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def set_day(self, offset: int):
        self.ninja.set_day(offset)
        self.threatlocker.set_day(offset)

    def settings(self) -> dict:
        """The hub settings (and environment variables) that point the collectors here."""
        return {
            "NINJA_BASE_URL": self.ninja.url, "NINJA_CLIENT_ID": self.ninja.client_id,
            "NINJA_CLIENT_SECRET": self.ninja.client_secret,
            "THREATLOCKER_BASE_URL": self.threatlocker.url, "THREATLOCKER_API_KEY": self.threatlocker.api_key,
            "THREATLOCKER_ORGANIZATION_ID": self.threatlocker.organization_id,
        }
