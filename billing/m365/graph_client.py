"""Microsoft Graph client for one client tenant (client credentials of the MSP's multi-tenant app).

Wire format (docs/vendors.md, "Microsoft Graph"):

- token: `POST {ESINV_M365_AUTHORITY}/{tenant id}/oauth2/v2.0/token`, form `grant_type=client_credentials,
  client_id, client_secret, scope={graph}/.default` -> `{access_token, expires_in, token_type}`; renewed
  ESINV_M365_TOKEN_RENEW_SECONDS before it expires and once on a 401;
- `GET /v1.0/subscribedSkus` -> `{value: [sku...]}`;
- `GET /v1.0/users?$select=...&$top=N` -> `{value: [user...], @odata.nextLink?}`, followed until no link.

Timeouts, 429 with Retry-After (at most COLLECTORS_RETRY_AFTER_MAX_SECONDS), 5xx and malformed JSON are the
shared `VendorHTTP` policy; the token is `BearerTokenHTTP`'s, as NinjaOne's. A refused token (consent revoked,
app removed from the tenant, wrong secret) and
401/403 on Graph are `VendorAuthError`s; messages never carry the secret or a token. A `@odata.nextLink` is
followed only on the Graph host it was configured with (the bearer token is never sent elsewhere).
"""
import time
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

from billing import settings as m365_settings
from collectors.clients.base import BearerTokenHTTP, VendorAuthError, VendorError

USER_FIELDS = ("id", "userPrincipalName", "displayName", "accountEnabled", "userType", "assignedLicenses", "mail",
               "createdDateTime")
MAX_PAGE_SIZE = 999  # Graph's largest $top for users


class GraphClient(BearerTokenHTTP):
    vendor = "Microsoft 365"

    def __init__(self, tenant_id: str, *, client_id=None, client_secret=None, authority=None, graph_url=None,
                 page_size=None, clock=time.monotonic, **kwargs):
        def pick(given, name):
            return given if given is not None else m365_settings.value(name)

        graph = str(pick(graph_url, "ESINV_M365_GRAPH_URL") or "").rstrip("/")
        self.authority = str(pick(authority, "ESINV_M365_AUTHORITY") or "").rstrip("/")
        for name, url in (("ESINV_M365_GRAPH_URL", graph), ("ESINV_M365_AUTHORITY", self.authority)):
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise VendorError(self.vendor, "configuration", f"{name} must be an http(s) URL, not {url!r}")
        super().__init__(graph, **kwargs)
        self.graph_url = graph
        self.tenant_id = tenant_id
        self._client_id = pick(client_id, "ESINV_M365_CLIENT_ID")
        self._client_secret = pick(client_secret, "ESINV_M365_CLIENT_SECRET")
        try:
            size = int(page_size or m365_settings.value("ESINV_M365_PAGE_SIZE"))
        except (TypeError, ValueError):
            raise VendorError(self.vendor, "configuration", "ESINV_M365_PAGE_SIZE must be a number") from None
        self.page_size = max(1, min(MAX_PAGE_SIZE, size))
        self.renew_seconds = m365_settings.value("ESINV_M365_TOKEN_RENEW_SECONDS")
        self.clock = clock
        self.token_requests = 0

    def __repr__(self):  # never the secret
        return f"<GraphClient tenant={self.tenant_id} graph={self.graph_url}>"

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else super().url(path)

    # --- auth ----------------------------------------------------------------
    def _fetch_token(self):
        missing = [name for name, given in (("ESINV_M365_CLIENT_ID", self._client_id),
                                            ("ESINV_M365_CLIENT_SECRET", self._client_secret)) if not given]
        if missing:
            raise VendorAuthError(self.vendor, "POST token", f"{', '.join(missing)} not set")
        self.token_requests += 1
        try:
            payload, _ = self.request_json(
                "POST", f"{self.authority}/{self.tenant_id}/oauth2/v2.0/token", call="POST token",
                authenticated=False, data={
                    "grant_type": "client_credentials", "client_id": self._client_id,
                    "client_secret": self._client_secret, "scope": f"{self.graph_url}/.default",
                },
            )
        except VendorError as exc:
            if exc.status in (400, 401, 403):  # AADSTS errors: consent revoked, app not in tenant, bad secret
                raise VendorAuthError(
                    self.vendor, "POST token", f"{exc.cause} (is the app still consented in this tenant?)",
                    status=exc.status) from None
            raise
        self._keep_token(payload)

    def token_renew_seconds(self) -> float:
        return self.renew_seconds

    # --- calls ---------------------------------------------------------------
    def _pages(self, first: str, what: str) -> Iterator[list[dict]]:
        """The `value` arrays of a listing, following `@odata.nextLink` (same Graph host only) until absent."""
        link, seen, number = first, set(), 1
        while link:
            call = f"GET {what} page {number}"
            payload, _ = self.request_json("GET", link, call=call)
            rows = payload.get("value") if isinstance(payload, dict) else None
            if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
                raise VendorError(self.vendor, call, f"malformed page: expected {{\"value\": [...]}}, got "
                                                     f"{type(payload).__name__}")
            yield rows
            seen.add(link)
            link = payload.get("@odata.nextLink")
            if link is not None:
                if not isinstance(link, str) or not link.startswith(self.graph_url + "/"):
                    raise VendorError(self.vendor, call, "@odata.nextLink does not point at ESINV_M365_GRAPH_URL; "
                                                         "not followed")
                if link in seen:
                    raise VendorError(self.vendor, call, "paging did not advance (the same @odata.nextLink again)")
            number += 1

    def subscribed_skus(self) -> list[dict]:
        skus = [row for page in self._pages("v1.0/subscribedSkus", "/v1.0/subscribedSkus") for row in page]
        for sku in skus:
            if not sku.get("skuId"):
                raise VendorError(self.vendor, "GET /v1.0/subscribedSkus", "malformed answer: a SKU has no skuId")
        return skus

    def user_pages(self) -> Iterator[list[dict]]:
        query = urlencode({"$select": ",".join(USER_FIELDS), "$top": self.page_size}, safe="$,")
        return self._pages(f"v1.0/users?{query}", "/v1.0/users")
