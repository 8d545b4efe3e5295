"""NinjaOne public API v2 client (OAuth2 client credentials).

Wire format: docs/vendors.md, "NinjaOne". Listings page with `after` (the last id
of the previous page) and end on a page shorter than `pageSize`; custom fields
page with a `cursor`. A short page is trusted as the end only when the page
after it is empty: NinjaOne reports no total, so a short page followed by more
rows (a page cut short by the vendor) raises `ListingShort` instead of
silently ending the listing, and the listing is read again from the start.
"""
import time
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings

from collectors.clients.base import BearerTokenHTTP, VendorAuthError, VendorError


class ListingShort(Exception):
    """A page came back shorter than `pageSize` but was not the last: the listing may be incomplete."""

    def __init__(self, what: str, got: int, page_size: int):
        self.what, self.got, self.page_size = what, got, page_size
        super().__init__(f"a page of {what} came back with {got} of {page_size} rows but was not the last")


class NinjaClient(BearerTokenHTTP):
    vendor = "NinjaOne"

    def __init__(self, base_url=None, client_id=None, client_secret=None, *, page_size=None, clock=time.monotonic,
                 **kwargs):
        super().__init__(base_url or settings.NINJA_BASE_URL, **kwargs)
        self._client_id = client_id if client_id is not None else settings.NINJA_CLIENT_ID
        self._client_secret = client_secret if client_secret is not None else settings.NINJA_CLIENT_SECRET
        self.page_size = page_size or settings.NINJA_PAGE_SIZE
        self.prefix = "/" + settings.NINJA_API_PREFIX.strip("/")
        self.clock = clock
        self.token_requests = 0

    # --- auth ----------------------------------------------------------------
    def _fetch_token(self):
        if not self._client_id or not self._client_secret:
            raise VendorAuthError(self.vendor, "POST token", "NINJA_CLIENT_ID / NINJA_CLIENT_SECRET are not set")
        self.token_requests += 1
        payload, _ = self.request_json(
            "POST", settings.NINJA_TOKEN_PATH, call="POST token", authenticated=False,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "scope": settings.NINJA_SCOPE,
            },
        )
        self._keep_token(payload)

    def token_renew_seconds(self) -> float:
        return settings.NINJA_TOKEN_RENEW_SECONDS

    # --- listings ------------------------------------------------------------
    def _get(self, path: str, params: dict, call: str):
        return self.request_json("GET", f"{self.prefix}/{path}?{urlencode(params)}", call=call)[0]

    def _paged(self, path: str, extra: dict | None = None) -> Iterator[list[dict]]:
        """Pages of a listing, following `after` until a short page that an empty one confirms as the end.

        Raises ListingShort when a short page is followed by more rows."""
        after = None
        short = None  # the length of the last page when it was short
        call = f"GET {self.prefix}/{path}"
        while True:
            params = {"pageSize": self.page_size, **(extra or {})}
            if after is not None:
                params["after"] = after
            page = self._get(path, params, call)
            if not isinstance(page, list):
                raise VendorError(self.vendor, call,
                                  f"malformed page: expected a JSON array, got {type(page).__name__}")
            if not page:
                return
            if short is not None:
                raise ListingShort(path, short, self.page_size)
            yield page
            if len(page) < self.page_size:
                short = len(page)
            last = page[-1].get("id") if isinstance(page[-1], dict) else None
            if last is None or last == after:
                raise VendorError(self.vendor, call, "malformed page: the last row has no usable id to page after")
            after = last

    def _all(self, path: str) -> list[dict]:
        """A whole small listing, read again from the start when a page was cut short."""
        for _attempt in range(settings.NINJA_MAX_RESTARTS + 1):
            try:
                return [row for page in self._paged(path) for row in page]
            except ListingShort as exc:
                last = exc
        raise VendorError(self.vendor, f"GET {self.prefix}/{path}",
                          f"{last}; gave up after {settings.NINJA_MAX_RESTARTS + 1} reads")

    def organizations(self) -> list[dict]:
        return self._all("organizations")

    def locations(self) -> list[dict]:
        return self._all("locations")

    def device_pages(self) -> Iterator[list[dict]]:
        return self._paged("devices-detailed")

    def custom_field_pages(self, fields: list[str]) -> Iterator[list[dict]]:
        """Pages of `{deviceId, fields}` for the given device custom fields."""
        path = "queries/custom-fields"
        call = f"GET {self.prefix}/{path}"
        cursor = None
        seen_cursors = set()
        while True:
            params = {"fields": ",".join(fields), "pageSize": self.page_size}
            if cursor:
                params["cursor"] = cursor
            body = self._get(path, params, call)
            if not isinstance(body, dict) or not isinstance(body.get("results", []), list):
                raise VendorError(self.vendor, call, "malformed page: expected {cursor, results}")
            results = body.get("results") or []
            if results:
                yield results
            cursor = (body.get("cursor") or {}).get("name") if isinstance(body.get("cursor"), dict) else None
            if not results or len(results) < self.page_size or not cursor:
                return
            if cursor in seen_cursors:
                raise VendorError(self.vendor, call, "malformed page: the cursor does not advance")
            seen_cursors.add(cursor)
