from django.contrib import admin

from esinv.admin_mixins import ImmutableAdminMixin
from esinv.admin_widgets import SafeAutocompleteMixin
from inventory.models import Device, Organization, OrganizationAlias, Snapshot, Vendor, VendorOrganization


class ReadOnlyAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    """Collected data is the vendors' word: viewable and searchable, never edited here."""


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "code", "api_label")


class OrganizationAliasInline(admin.TabularInline):
    model = OrganizationAlias
    extra = 1


class VendorOrganizationInline(admin.TabularInline):
    model = VendorOrganization
    extra = 0
    fields = ("vendor", "vendor_org_id", "name", "first_seen", "last_seen")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "is_internal", "created_at")
    list_filter = ("is_internal",)
    search_fields = ("name", "aliases__alias", "vendor_organizations__name")
    inlines = [OrganizationAliasInline, VendorOrganizationInline]
    ordering = ("name",)


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("alias", "organization", "created_at")
    search_fields = ("alias", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(VendorOrganization)
class VendorOrganizationAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("name", "vendor", "vendor_org_id", "organization", "last_seen")
    list_filter = ("vendor",)
    search_fields = ("name", "vendor_org_id", "organization__name")
    list_select_related = ("vendor", "organization")
    autocomplete_fields = ("organization",)
    readonly_fields = ("vendor", "vendor_org_id", "name", "first_seen", "last_seen")


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("canonical_key", "first_seen", "last_seen")
    search_fields = ("canonical_key",)
    date_hierarchy = "last_seen"


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "snapshot_date", "vendor", "hostname", "display_name", "organization",
        "device_class", "billing_status", "is_spare", "last_contact",
    )
    list_filter = ("vendor", "snapshot_date", "device_class", "billing_status", "is_spare", "organization")
    search_fields = ("hostname", "display_name", "canonical_key", "vendor_device_id", "serial_number")
    list_select_related = ("vendor", "organization")
    date_hierarchy = "snapshot_date"
    show_full_result_count = False  # a count over millions of rows is slow and rarely wanted
    ordering = ("-snapshot_date", "vendor", "canonical_key")

from inventory import admin_windows11  # noqa: E402,F401  (Windows 11 readiness admin)
