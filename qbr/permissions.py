"""Who may read and write QBR data.

- Signed-in users (Microsoft sign-in or admin session): read when in the
  "QBR" or "QBR editors" group, or staff, or superuser; write when in
  "QBR editors" or superuser. Unsafe methods need the CSRF token (DRF's
  SessionAuthentication enforces it).
- API keys: a read key reads QBR, a write key also writes (entries are
  audited as `apikey:NAME`).
- Anonymous callers get 401 JSON, whatever ESINV_ANONYMOUS_READ says: QBR
  data is never public.
"""
from django.conf import settings
from rest_framework import permissions

from esinv.auth import is_api_key


def _group_names(user) -> set[str]:
    cached = getattr(user, "_qbr_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._qbr_groups = cached
    return cached


def user_can_read_qbr(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(_group_names(user) & {settings.QBR_READER_GROUP, settings.QBR_EDITOR_GROUP})


def user_can_write_qbr(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or settings.QBR_EDITOR_GROUP in _group_names(user)


class QBRAccess(permissions.BasePermission):
    message = "You are not allowed to use QBR data."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 (NotAuthenticated) for unauthenticated callers
        write = request.method not in permissions.SAFE_METHODS
        if is_api_key(request):
            if write and not request.auth.can_write:
                self.message = "This API key is read-only."
                return False
            return True
        if write:
            self.message = f'Changing QBR data needs membership of the "{settings.QBR_EDITOR_GROUP}" group.'
            return user_can_write_qbr(user)
        self.message = f'Reading QBR data needs membership of the "{settings.QBR_READER_GROUP}" group.'
        return user_can_read_qbr(user)
