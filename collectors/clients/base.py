"""What both vendor clients share: one HTTP call with timeouts, retries and clear errors.

Every call has a (connect, read) timeout. 429 answers wait for `Retry-After`;
5xx answers, connection errors, timeouts and malformed JSON are retried with
exponential backoff; a 401 lets the client renew its credentials once. Failures
raise `VendorError`, whose message names the vendor, the call and the cause and
never carries credentials.
"""
import json
import logging
import time
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


class VendorError(Exception):
    """A vendor call failed for good (after retries, or at once when retrying cannot help)."""

    def __init__(self, vendor: str, call: str, cause: str, *, status: int | None = None):
        self.vendor, self.call, self.cause, self.status = vendor, call, cause, status
        super().__init__(f"{vendor} {call} failed: {cause}")


class VendorAuthError(VendorError):
    """The vendor refused our credentials."""


def _short(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_text(response) -> str:
    """The vendor's own error message, if its body has one (never the request)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        nested = body.get("error")
        if isinstance(nested, dict):  # Microsoft Graph: {"error": {"code", "message"}}
            return _short(": ".join(str(nested[k]) for k in ("code", "message") if nested.get(k)))
        for key in ("Message", "message", "error_description", "error", "resultCode"):
            if body.get(key):
                return _short(str(body[key]))
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


class VendorHTTP:
    """Base for a vendor client. Subclasses set `vendor` and implement the auth hooks."""

    vendor = "Vendor"

    def __init__(self, base_url: str, *, session: requests.Session | None = None, sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.sleep = sleep
        self.timeout = (settings.COLLECTORS_CONNECT_TIMEOUT, settings.COLLECTORS_READ_TIMEOUT)
        self.retries = max(0, settings.COLLECTORS_HTTP_RETRIES)
        self.backoff = settings.COLLECTORS_BACKOFF_SECONDS
        self.backoff_max = settings.COLLECTORS_BACKOFF_MAX_SECONDS
        self.retry_after_max = settings.COLLECTORS_RETRY_AFTER_MAX_SECONDS
        self.calls = 0  # HTTP requests made, retries included

    # --- hooks -------------------------------------------------------------
    def auth_headers(self) -> dict:
        return {}

    def renew_credentials(self) -> bool:
        """Called once on a 401; return True when a retry may succeed."""
        return False

    # --- the call ----------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def backoff_delay(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff * (2 ** (attempt - 1)))

    def request_json(self, method: str, path: str, *, call: str | None = None, authenticated: bool = True,
                     read=None, **kwargs):
        """(decoded JSON body, response) of one call, retried as the module docstring says.

        `read(response)`, when given, replaces the JSON decoding of a 2xx answer: its result is returned instead
        (a streamed download, `stream=True`); a timeout or lost connection while it reads is retried like one
        before the answer, anything it raises itself ends the call."""
        call = call or f"{method} {path.split('?', 1)[0]}"
        attempt, renewed = 0, False
        extra_headers = kwargs.pop("headers", {})
        while True:
            wait = None
            headers = {"Accept": "application/json", **extra_headers}
            if authenticated:
                headers.update(self.auth_headers())
            self.calls += 1
            try:
                response = self.session.request(method, self.url(path), headers=headers, timeout=self.timeout, **kwargs)
                body = read(response) if read is not None and 200 <= response.status_code < 300 else None
            except requests.Timeout:
                cause = f"timed out (connect {self.timeout[0]:g}s, read {self.timeout[1]:g}s)"
            except requests.ConnectionError as exc:
                cause = f"could not connect ({exc.__class__.__name__})"
            else:
                status = response.status_code
                if status == 401 and authenticated and not renewed:
                    renewed = True
                    if self.renew_credentials():
                        continue
                if status in (401, 403):
                    detail = error_text(response)
                    raise VendorAuthError(
                        self.vendor, call, f"authentication refused (HTTP {status}{': ' + detail if detail else ''})",
                        status=status,
                    )
                if status == 429:
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    if wait is not None and wait > self.retry_after_max:
                        raise VendorError(
                            self.vendor, call, f"rate limited (HTTP 429) with Retry-After {wait:g}s, "
                            f"longer than the {self.retry_after_max:g}s allowed", status=429,
                        )
                    cause = "rate limited (HTTP 429)"
                elif status >= 500:
                    detail = error_text(response)
                    cause = f"server error (HTTP {status}{': ' + detail if detail else ''})"
                elif status >= 400:
                    detail = error_text(response)
                    raise VendorError(
                        self.vendor, call, f"refused (HTTP {status}{': ' + detail if detail else ''})", status=status
                    )
                elif read is not None:
                    return body, response
                else:
                    try:
                        return json.loads(response.content), response
                    except ValueError:
                        cause = f"malformed JSON in the answer ({len(response.content)} bytes)"
            attempt += 1
            if attempt > self.retries:
                raise VendorError(self.vendor, call, f"{cause}; gave up after {attempt} attempts")
            delay = wait if wait is not None else self.backoff_delay(attempt)
            log.warning("%s %s: %s; retry %d/%d in %.2fs", self.vendor, call, cause, attempt, self.retries, delay)
            self.sleep(delay)

    def close(self):
        self.session.close()


class BearerTokenHTTP(VendorHTTP):
    """A vendor client on an OAuth2 client-credentials token (NinjaOne, Microsoft Graph): fetched on first use,
    fetched again `token_renew_seconds()` before it expires or once after a 401. Subclasses implement
    `_fetch_token()`, which asks the vendor and hands the answer to `_keep_token`; `clock` is set by them too."""

    _token: str | None = None
    _expires_at = 0.0
    clock = staticmethod(time.monotonic)

    def token_renew_seconds(self) -> float:
        return 0.0

    def _fetch_token(self):
        raise NotImplementedError

    def _keep_token(self, payload):
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise VendorAuthError(self.vendor, "POST token", "the answer carries no access_token")
        try:
            expires_in = float(payload.get("expires_in") or 3600)
        except (TypeError, ValueError):
            expires_in = 3600.0
        self._token = str(payload["access_token"])
        self._expires_at = self.clock() + expires_in

    def auth_headers(self) -> dict:
        if self._token is None or self.clock() >= self._expires_at - self.token_renew_seconds():
            self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    def renew_credentials(self) -> bool:
        self._token = None
        return True
