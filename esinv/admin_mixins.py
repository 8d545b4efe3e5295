"""Admin permissions shared by every app: records the hub writes itself are shown, not edited."""


class ViewOnlyAdminMixin:
    """No adding or editing in the admin (deleting stays with the model admin's defaults)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoDeleteAdminMixin:
    """Never deleted from the admin, not even by a superuser, and no "Delete selected" action: records whose
    history must not be bypassed (exceptions and their audit trail)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ImmutableAdminMixin(NoDeleteAdminMixin, ViewOnlyAdminMixin):
    """View only, and never deleted from the admin: collected data and audit trails."""
