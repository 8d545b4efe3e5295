"""A DRF permission for a feature guarded by a pair of grants of esinv.access (QBR, billing).

Anonymous callers: 401. API keys: a read key reads, a write key also writes; a feature that names a
`key_scope` (a boolean of esinv.models.APIKey, e.g. billing's `billing_scope`) is refused (403 "This API key has
no billing scope.") to keys created without it, whatever they may otherwise do. Signed-in accounts granted nothing
yet: the no-access message. Others need the feature's read grant for safe methods and its write grant for the
rest, with a message saying what is missing.
"""
from rest_framework import permissions

from esinv.access import user_access
from esinv.auth import NO_ACCESS_MESSAGE, is_api_key


class GrantPermission(permissions.BasePermission):
    read_grant = ""  # an attribute of esinv.access.Access
    write_grant = ""
    key_scope = ""  # a boolean of esinv.models.APIKey an API key needs for this feature ("": every key)
    message = "You are not allowed to use this data."

    def read_refusal(self) -> str:
        return self.message

    def write_refusal(self) -> str:
        return self.message

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 (NotAuthenticated) for unauthenticated callers
        write = request.method not in permissions.SAFE_METHODS
        if is_api_key(request):
            if self.key_scope and not getattr(request.auth, self.key_scope):
                self.message = f"This API key has no {self.key_scope.replace('_', ' ')}."
                return False
            if write and not request.auth.can_write:
                self.message = "This API key is read-only."
                return False
            return True
        access = user_access(user)
        if not access.anything:
            self.message = NO_ACCESS_MESSAGE
            return False
        if write:
            self.message = self.write_refusal()
            return getattr(access, self.write_grant)
        self.message = self.read_refusal()
        return getattr(access, self.read_grant)
