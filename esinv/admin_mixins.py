"""Admin permissions shared by every app: records the hub writes itself are shown, not edited."""


class ViewOnlyAdminMixin:
    """No adding or editing in the admin (deleting stays with the model admin's defaults)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImmutableAdminMixin(ViewOnlyAdminMixin):
    """View only, and never deleted from the admin: collected data and audit trails."""

    def has_delete_permission(self, request, obj=None):
        return False
