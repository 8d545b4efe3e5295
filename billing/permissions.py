"""Who may use billing: staff, superusers and the "Billing" group (BILLING_GROUP) read; staff and superusers
write (esinv.access). QBR-only users and viewers get 403; anonymous callers 401; API keys as everywhere (read
keys read, write keys write)."""
from django.conf import settings
from rest_framework import permissions

from esinv.access import user_access
from esinv.auth import NO_ACCESS_MESSAGE, is_api_key


class BillingAccess(permissions.BasePermission):
    message = "You are not allowed to use billing data."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
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
            self.message = "Only staff users may change billing variances."
            return access.billing_write
        self.message = f'Reading billing data needs staff or membership of the "{settings.BILLING_GROUP}" group.'
        return access.billing_read
