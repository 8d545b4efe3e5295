"""Who may call the API.

Callers are API keys (`X-API-Key: <key>` or `Authorization: Bearer <key>`) or
signed-in users (Django sessions from the admin or the Microsoft sign-in, with
CSRF on unsafe methods). Keys read (and write keys write); signed-in people get what their grants
say (esinv.access); anonymous callers read only when ESINV_ANONYMOUS_READ is
on. Bad keys count towards the lockout of esinv.lockout.
"""
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from esinv import lockout
from esinv.access import user_access
from esinv.models import APIKey, AuthFailure, hash_key


@dataclass(frozen=True)
class APIKeyPrincipal:
    """Stands in for `request.user` when a request is made with an API key."""

    key: APIKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_superuser: bool = False
    pk = None
    id = None

    @property
    def username(self) -> str:
        return f"apikey:{self.key.name}"

    def __str__(self):
        return self.username

    def has_perm(self, *args, **kwargs):
        return False

    def get_username(self):
        return self.username


def _raw_key_from(request) -> str | None:
    header = request.headers.get("X-API-Key")
    if header:
        return header.strip()
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return None


class LockedOutThrottled(exceptions.Throttled):
    """DRF's 429 carrying the lockout's own sentence, without DRF's "Expected available in N seconds."
    appended to it (the wait is already in the sentence and in Retry-After)."""

    def __init__(self, locked: lockout.LockedOut):
        super().__init__(wait=None, detail=str(locked))
        self.wait = locked.seconds


class APIKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = _raw_key_from(request)
        if not raw:
            return None
        try:
            lockout.refuse_if_locked_out(request)
        except lockout.LockedOut as locked:
            raise LockedOutThrottled(locked) from None
        key = APIKey.objects.active().filter(key_hash=hash_key(raw)).first()
        if key is None:
            lockout.record_failure(request, AuthFailure.API_KEY)
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        now = timezone.now()
        # Touch at most once a minute: a dashboard polling every few seconds
        # should not turn every read into a write.
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return APIKeyPrincipal(key), key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def is_api_key(request) -> bool:
    return isinstance(getattr(request, "auth", None), APIKey)


def actor_label(request) -> str:
    """A readable name for audit trails: the user's username or `apikey:NAME`."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def actor_user(request):
    """The Django user behind a request, or None for API keys and anonymous calls."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or isinstance(user, APIKeyPrincipal):
        return None
    return user


def can_write(request) -> bool:
    if is_api_key(request):
        return request.auth.can_write
    return user_access(getattr(request, "user", None)).inventory_write


NO_ACCESS_MESSAGE = "Your account has no access yet: ask an administrator to grant it."


class HubAccess(permissions.BasePermission):
    """Default permission for every hub endpoint (QBR has its own).

    API keys: read keys read, write keys write. Signed-in people: what
    esinv.access grants them (staff read and write, "Viewers" read, anyone
    else 403). Anonymous callers: 401, except GETs with ESINV_ANONYMOUS_READ.
    """

    message = "Authentication required: send an API key or sign in."

    def has_permission(self, request, view):
        safe = request.method in permissions.SAFE_METHODS
        if is_api_key(request):
            if not safe and not request.auth.can_write:
                self.message = "This API key is read-only."
                return False
            return True
        user = request.user
        if user and user.is_authenticated:
            access = user_access(user)
            if not access.anything:
                self.message = NO_ACCESS_MESSAGE
                return False
            if not access.inventory_read:
                self.message = "Your account may use QBR data only; inventory data needs another grant."
                return False
            if not safe and not access.inventory_write:
                self.message = "Only staff users may change data."
                return False
            return True
        return safe and settings.ESINV_ANONYMOUS_READ


class PublicAccess(permissions.BasePermission):
    """For health endpoints that orchestrators call without credentials."""

    def has_permission(self, request, view):
        return True
