"""Who may read and write QBR data.

- Signed-in users (Microsoft sign-in or a password): read when in the
  "QBR" or "QBR editors" group, or staff, or superuser; write when in
  "QBR editors" or superuser (the rule is esinv.access's). Unsafe methods
  need the CSRF token (DRF's SessionAuthentication enforces it).
- API keys: a read key reads QBR, a write key also writes (entries are
  audited as `apikey:NAME`).
- Anonymous callers get 401 JSON, whatever ESINV_ANONYMOUS_READ says: QBR
  data is never public.
"""
from django.conf import settings
from rest_framework import permissions

from esinv.access import user_access
from esinv.auth import NO_ACCESS_MESSAGE, is_api_key


def user_can_read_qbr(user) -> bool:
    return user_access(user).qbr_read


def user_can_write_qbr(user) -> bool:
    return user_access(user).qbr_write


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
        access = user_access(user)
        if not access.anything:
            self.message = NO_ACCESS_MESSAGE
            return False
        if write:
            self.message = f'Changing QBR data needs membership of the "{settings.QBR_EDITOR_GROUP}" group.'
            return access.qbr_write
        self.message = f'Reading QBR data needs membership of the "{settings.QBR_READER_GROUP}" group.'
        return access.qbr_read
