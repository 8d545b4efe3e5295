from django.contrib import admin, messages

from esinv.admin_mixins import ViewOnlyAdminMixin
from esinv.models import APIKey, AuthFailure


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "can_write", "billing_scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("can_write", "billing_scope", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "can_write", "billing_scope", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke_keys"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = APIKey.issue(obj.name, can_write=obj.can_write, billing_scope=obj.billing_scope)
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = key.pk, key.prefix, key.key_hash, key.created_at
        obj._state.adding = False
        messages.warning(request, f"API key for {key.name}: {raw} (copy it now; it is not shown again).")

    @admin.action(description="Revoke selected keys")
    def revoke_keys(self, request, queryset):
        count = 0
        for key in queryset.active():
            key.revoke()
            count += 1
        self.message_user(request, f"Revoked {count} key(s).")


@admin.register(AuthFailure)
class AuthFailureAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Failed sign-ins and bad API keys of the last day; deleting an address's rows lifts its lockout."""

    list_display = ("at", "address", "kind", "username")
    list_filter = ("kind",)
    search_fields = ("address", "username")
    date_hierarchy = "at"
