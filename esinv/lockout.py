"""Lockout after repeated failed authentication, per client address.

Every failed password sign-in (the admin's form and allauth's /accounts/login/,
through Django's `user_login_failed` signal) and every unknown or revoked API
key is stored as an `AuthFailure` row. When ESINV_AUTH_FAILURE_LIMIT failures
from one address fall within ESINV_AUTH_FAILURE_WINDOW_MINUTES, the address is
locked out for ESINV_AUTH_LOCKOUT_MINUTES after the last of them: every further
attempt, with the right password or key too, answers 429 (JSON `throttled`
with `Retry-After` under /api/, a plain page for the sign-in forms). The rows
live in the database, so every worker process and machine shares the count.

The client address is REMOTE_ADDR, or, behind ESINV_TRUSTED_PROXIES proxies,
the address the outermost trusted proxy appended to X-Forwarded-For (a caller
cannot choose it).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from esinv.models import AuthFailure

KEEP_FOR_REVIEW = timedelta(days=1)


@dataclass(frozen=True)
class LockoutPolicy:
    limit: int  # failures that lock an address out; 0 turns the lockout off
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls) -> "LockoutPolicy":
        return cls(
            limit=settings.ESINV_AUTH_FAILURE_LIMIT,
            window=timedelta(minutes=settings.ESINV_AUTH_FAILURE_WINDOW_MINUTES),
            lockout=timedelta(minutes=settings.ESINV_AUTH_LOCKOUT_MINUTES),
        )


def lockout_ends(recent_failures: Sequence[datetime], policy: LockoutPolicy) -> datetime | None:
    """When the lockout earned by these failures ends, or None when they earn none.

    Locked out: the latest failure and the `limit - 1` before it fall within one window;
    the lockout runs from the latest failure.
    """
    if policy.limit <= 0 or len(recent_failures) < policy.limit:
        return None
    newest_first = sorted(recent_failures, reverse=True)
    latest, oldest_counted = newest_first[0], newest_first[policy.limit - 1]
    if latest - oldest_counted < policy.window:
        return latest + policy.lockout
    return None


def client_address(request) -> str:
    meta = getattr(request, "META", {})
    proxies = settings.ESINV_TRUSTED_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-min(proxies, len(hops))][:64] or "unknown"
    return (meta.get("REMOTE_ADDR") or "unknown")[:64]


def locked_until(address: str, *, now: datetime | None = None) -> datetime | None:
    policy = LockoutPolicy.from_settings()
    if policy.limit <= 0:
        return None
    now = now or timezone.now()
    # Only the newest `limit` failures can decide, and only ones recent enough to still lock.
    recent = list(
        AuthFailure.objects.filter(address=address, at__gt=now - policy.window - policy.lockout)
        .order_by("-at").values_list("at", flat=True)[: policy.limit]
    )
    ends = lockout_ends(recent, policy)
    return ends if ends is not None and ends > now else None


def wait_text(seconds: int) -> str:
    """How long to wait, for people: whole minutes (rounded up) from a minute on, else seconds."""
    if seconds >= 60:
        minutes = ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class LockedOut(Exception):
    """Raised before credentials are checked when the caller's address is locked out.

    Its message is the one sentence every refusal shows (the API's `throttled` error and the
    sign-in forms' page); the exact wait in seconds travels in `seconds` (Retry-After).
    """

    def __init__(self, seconds: int):
        super().__init__(f"Too many failed sign-in attempts from this address; try again in {wait_text(seconds)}.")
        self.seconds = seconds


def refuse_if_locked_out(request) -> None:
    ends = locked_until(client_address(request))
    if ends is not None:
        raise LockedOut(max(1, ceil((ends - timezone.now()).total_seconds())))


def record_failure(request, kind: str, username: str = "") -> None:
    policy = LockoutPolicy.from_settings()
    if policy.limit <= 0:
        return
    now = timezone.now()
    AuthFailure.objects.create(address=client_address(request), at=now, kind=kind, username=(username or "")[:150])
    # Old rows decide nothing any more; a day is kept for the admin's list.
    AuthFailure.objects.filter(at__lt=now - max(policy.window + policy.lockout, KEEP_FOR_REVIEW)).delete()


@receiver(user_login_failed, dispatch_uid="esinv.lockout.count_failed_sign_in")
def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is not None:  # authenticate() without a request (scripts, tests) has no address
        name = credentials.get("username") or credentials.get("email") or ""
        record_failure(request, AuthFailure.PASSWORD, str(name))


class LockoutBackend(ModelBackend):
    """Django's model backend, refusing a locked-out address before any password is checked.

    First in AUTHENTICATION_BACKENDS, so the refusal also comes before allauth's backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            refuse_if_locked_out(request)
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out_response(request, exc: LockedOut):
    # Imported here: esinv.auth imports this module while DRF (which esinv.errors imports) loads it.
    from esinv.errors import error_response
    from esinv.middleware import is_api_path

    if is_api_path(request.path):
        response = error_response(request, 429, "throttled", str(exc), {"retry_after_seconds": exc.seconds})
    else:
        response = render(request, "pages/locked_out.html",
                          {"title": "Too many attempts", "wait": wait_text(exc.seconds)}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


class LockoutMiddleware:
    """Answers 429 when a sign-in form's authenticate() met a locked-out address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LockedOut):
            return locked_out_response(request, exception)
        return None
