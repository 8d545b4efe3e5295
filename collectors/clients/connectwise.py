"""ConnectWise Manage REST client (API member keys + clientId) and its conditions language.

Wire format (docs/vendors.md, "ConnectWise Manage"): base `https://{site}/v4_6_release/apis/3.0/`,
`Authorization: Basic base64("{company}+{publicKey}:{privateKey}")` and a
`clientId` header on every call. Listings page with `page` (1-based) and
`pageSize` (at most 1000); a page shorter than the page size is the last.
Filters are `conditions` strings such as
`dateEntered>=[2025-10-01T00:00:00Z] AND (board/name="Help Desk")`:
the functions at the top build them (plain, tested without HTTP).

Timeouts, 429/Retry-After, 5xx, malformed JSON and refused keys are handled
by `VendorHTTP`; failures are `VendorError("ConnectWise", call, cause)` and
never carry the keys.
"""
import base64
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from collectors import connectwise_settings as cw_settings
from collectors.clients.base import VendorAuthError, VendorError, VendorHTTP

MAX_PAGE_SIZE = 1000  # ConnectWise ignores larger page sizes and answers 1000 rows


# --- conditions -----------------------------------------------------------------
def cw_datetime(moment: datetime) -> str:
    """`[2025-10-01T05:00:00Z]`: a datetime literal (UTC) of the conditions language."""
    if moment.tzinfo is None:
        raise ValueError("ConnectWise datetimes must be timezone-aware")
    return f"[{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}]"


def cw_string(text: str) -> str:
    """A quoted string literal; backslashes and double quotes escaped."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(field: str, values: Iterable[str]) -> str:
    """`(field="a" OR field="b")`; empty when there is no value (no filter)."""
    parts = [f"{field}={cw_string(v)}" for v in values if str(v).strip()]
    return f"({' OR '.join(parts)})" if parts else ""


def all_of(*parts: str) -> str:
    return " AND ".join(part for part in parts if part)


def in_range(field: str, start: datetime, end: datetime) -> str:
    """`field>=[start] AND field<[end]`: a half-open interval."""
    return f"{field}>={cw_datetime(start)} AND {field}<{cw_datetime(end)}"


def id_in(field: str, ids: Iterable[int]) -> str:
    return f"{field} in ({','.join(str(int(i)) for i in ids)})"


# --- client ---------------------------------------------------------------------
class ConnectWiseClient(VendorHTTP):
    vendor = "ConnectWise"

    def __init__(self, base_url=None, company=None, public_key=None, private_key=None, client_id=None, *,
                 page_size=None, **kwargs):
        def pick(given, name):
            return given if given is not None else cw_settings.value(name)

        super().__init__(pick(base_url, "CONNECTWISE_BASE_URL") or "", **kwargs)
        self._company = pick(company, "CONNECTWISE_COMPANY")
        self._public_key = pick(public_key, "CONNECTWISE_PUBLIC_KEY")
        self._private_key = pick(private_key, "CONNECTWISE_PRIVATE_KEY")
        self._client_id = pick(client_id, "CONNECTWISE_CLIENT_ID")
        self.page_size = max(1, min(MAX_PAGE_SIZE, int(page_size or cw_settings.value("CONNECTWISE_PAGE_SIZE"))))

    def __repr__(self):  # never the keys
        return f"<ConnectWiseClient {self.base_url or '(no base URL)'} company={self._company!r}>"

    def auth_headers(self) -> dict:
        missing = [name for name, given in (
            ("CONNECTWISE_BASE_URL", self.base_url), ("CONNECTWISE_COMPANY", self._company),
            ("CONNECTWISE_PUBLIC_KEY", self._public_key), ("CONNECTWISE_PRIVATE_KEY", self._private_key),
            ("CONNECTWISE_CLIENT_ID", self._client_id),
        ) if not given]
        if missing:
            raise VendorAuthError(self.vendor, "authentication", f"{', '.join(missing)} not set")
        token = base64.b64encode(f"{self._company}+{self._public_key}:{self._private_key}".encode()).decode()
        return {"Authorization": f"Basic {token}", "clientId": self._client_id}

    # --- calls --------------------------------------------------------------
    def count(self, path: str, conditions: str, *, call: str | None = None) -> int:
        """`GET {path}/count?conditions=` -> N (ConnectWise's count of a listing's rows)."""
        call = call or f"GET {path}/count"
        payload, _ = self.request_json("GET", f"{path}/count", call=call, params={"conditions": conditions})
        count = payload.get("count") if isinstance(payload, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise VendorError(self.vendor, call, f"malformed answer: expected {{\"count\": N}}, got {_shape(payload)}")
        return count

    def pages(self, path: str, conditions: str, *, fields: str = "", call: str | None = None) -> Iterator[list[dict]]:
        """Pages of a listing ordered by id, until a short (or empty) page."""
        call = call or f"GET {path}"
        page, seen = 1, set()
        while True:
            params = {"conditions": conditions, "orderBy": "id asc", "page": page, "pageSize": self.page_size}
            if fields:
                params["fields"] = fields
            rows, _ = self.request_json("GET", path, call=f"{call} page {page}", params=params)
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise VendorError(self.vendor, f"{call} page {page}",
                                  f"malformed page: expected a JSON array of objects, got {_shape(rows)}")
            ids = {row.get("id") for row in rows}
            if ids & seen:  # the server ignored `page`: stop instead of looping forever
                raise VendorError(self.vendor, f"{call} page {page}", "paging did not advance (rows repeated)")
            seen |= ids
            if rows:
                yield rows
            if len(rows) < self.page_size:
                return
            page += 1

    def count_tickets(self, conditions: str, *, call: str = "GET service/tickets/count") -> int:
        return self.count("service/tickets", conditions, call=call)

    def agreement_pages(self, conditions: str = 'agreementStatus="Active"', *,
                        call: str = "GET finance/agreements") -> Iterator[list[dict]]:
        """Agreements (billing: what each company is billed for), `agreementStatus="Active"` by default."""
        return self.pages("finance/agreements", conditions, call=call)

    def addition_pages(self, agreement_id: int, conditions: str = "cancelledDate=null", *,
                       call: str | None = None) -> Iterator[list[dict]]:
        """One agreement's additions (its billable products), the cancelled ones left out by default."""
        path = f"finance/agreements/{int(agreement_id)}/additions"
        return self.pages(path, conditions, call=call or f"GET {path}")

    def time_entries(self, conditions: str, *, call: str = "GET time/entries") -> Iterator[list[dict]]:
        return self.pages("time/entries", conditions, call=call,
                          fields="id,chargeToId,chargeToType,timeStart,timeEnd,actualHours,hoursDeducted")

    def ticket_ids(self, conditions: str, *, call: str = "GET service/tickets") -> set[int]:
        return {int(row["id"]) for page in self.pages("service/tickets", conditions, fields="id", call=call)
                for row in page if isinstance(row.get("id"), int)}


def _shape(payload) -> str:
    if isinstance(payload, dict):
        return "an object with keys " + (", ".join(sorted(payload)[:5]) or "none")
    return type(payload).__name__
