"""Billing in the admin: the Microsoft 365 tenant on each organization (an inline added to inventory's
Organization admin from here, so inventory knows nothing of billing), the daily snapshot (read-only), the
imported product names and the daily ConnectWise agreements and additions (read-only)."""
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse

from billing.billing_map import code_warnings, not_mapped, rules_changed
from billing.m365.sku_names import product_names
from billing.measures import code_label
from billing.models import (
    BillingMapping,
    BillingVariance,
    BillingVarianceEvent,
    CWAgreement,
    CWAgreementAddition,
    M365ProductName,
    M365Sku,
    M365Tenant,
    M365User,
    MeasuredQuantity,
)
from esinv.admin_mixins import ImmutableAdminMixin
from esinv.admin_widgets import SafeAutocompleteMixin
from inventory.models import Organization


class M365TenantInline(admin.StackedInline):
    model = M365Tenant
    extra = 1  # an empty form to fill; left empty it saves nothing
    max_num = 1
    fields = ("tenant_id", "enabled", "user_definition", "user_definition_reviewed")
    verbose_name = "Microsoft 365 tenant"
    verbose_name_plural = "Microsoft 365 tenant"


def _with_m365_inline(base):
    """A subclass of the registered Organization admin with the tenant inline appended (once)."""
    if M365TenantInline in base.inlines:
        return base
    return type(base.__name__, (base,), {"inlines": [*base.inlines, M365TenantInline], "__module__": __name__})


if admin.site.is_registered(Organization):
    _registered = type(admin.site._registry[Organization])
    admin.site.unregister(Organization)
    admin.site.register(Organization, _with_m365_inline(_registered))


@admin.register(M365Tenant)
class M365TenantAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("organization", "tenant_id", "enabled", "user_definition", "user_definition_reviewed",
                    "updated_at")
    list_filter = ("enabled", "user_definition", "user_definition_reviewed")
    search_fields = ("organization__name", "tenant_id")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    ordering = ("organization__name",)


@admin.register(M365Sku)
class M365SkuAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot_date", "organization", "sku_part_number", "product", "prepaid_enabled",
                    "consumed_units", "unused", "capability_status")
    list_filter = ("snapshot_date", "capability_status", "organization")
    search_fields = ("sku_part_number", "sku_id", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "snapshot_date"
    show_full_result_count = False

    def get_queryset(self, request):
        self._names = product_names()  # one read per page, not one per row
        return super().get_queryset(request)

    @admin.display(description="product")
    def product(self, obj):
        return (getattr(self, "_names", None) or product_names()).get(obj.sku_part_number, obj.sku_part_number)

    @admin.display(description="bought, not assigned")
    def unused(self, obj):
        return max(0, obj.prepaid_enabled - obj.consumed_units)


@admin.register(M365User)
class M365UserAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot_date", "organization", "user_principal_name", "display_name", "user_type",
                    "account_enabled", "has_mailbox", "licences")
    list_filter = ("snapshot_date", "account_enabled", "has_mailbox", "user_type", "organization")
    search_fields = ("user_principal_name", "display_name", "user_id")
    list_select_related = ("organization",)
    date_hierarchy = "snapshot_date"
    show_full_result_count = False

    @admin.display(description="licences")
    def licences(self, obj):
        return len(obj.assigned_sku_ids or [])


@admin.register(M365ProductName)
class M365ProductNameAdmin(admin.ModelAdmin):
    list_display = ("string_id", "display_name", "sku_id", "source", "imported_at")
    search_fields = ("string_id", "display_name", "sku_id")
    readonly_fields = ("imported_at",)


class MappedFilter(admin.SimpleListFilter):
    """Rows whose company maps onto an organization, or not (staff add an alias for those)."""

    title = "mapped to an organization"
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return (("yes", "Mapped"), ("no", "Not mapped"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(organization__isnull=self.value() == "no")
        return queryset


@admin.register(CWAgreement)
class CWAgreementAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot_date", "company_name", "organization", "agreement_id", "name", "agreement_type",
                    "billing_cycle", "start_date", "end_date")
    list_filter = ("snapshot_date", MappedFilter, "agreement_type", "billing_cycle", "organization")
    search_fields = ("company_name", "company_identifier", "name", "=agreement_id")
    list_select_related = ("organization",)
    date_hierarchy = "snapshot_date"
    show_full_result_count = False


@admin.register(CWAgreementAddition)
class CWAgreementAdditionAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot_date", "company_name", "organization", "agreement_id", "product_identifier",
                    "description", "quantity", "less_included", "billed_quantity", "unit_price", "monthly",
                    "bill_customer", "effective_date", "cancelled_date")
    list_filter = ("snapshot_date", MappedFilter, "bill_customer", "product_identifier", "organization")
    search_fields = ("company_name", "product_identifier", "description", "=agreement_id", "=addition_id")
    list_select_related = ("organization",)
    date_hierarchy = "snapshot_date"
    show_full_result_count = False

    @admin.display(description="billed a month")
    def monthly(self, obj):
        return f"{obj.billed_quantity * obj.unit_price:,.2f}"


@admin.register(MeasuredQuantity)
class MeasuredQuantityAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot_date", "organization", "code", "quantity", "label")
    list_filter = ("snapshot_date", "code", "organization")
    search_fields = ("code", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "snapshot_date"
    show_full_result_count = False

    @admin.display(description="what")
    def label(self, obj):
        return code_label(obj.code)


@admin.register(BillingMapping)
class BillingMappingAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ("product_identifier", "code", "scope", "tolerance", "active", "updated_by", "updated_at")
    list_filter = ("active", ("organization", admin.EmptyFieldListFilter), "code", "organization")
    search_fields = ("product_identifier", "code", "notes", "organization__name")
    list_select_related = ("organization", "updated_by")
    autocomplete_fields = ("organization",)
    readonly_fields = ("updated_by", "updated_at")
    fields = ("product_identifier", "code", "organization", "tolerance", "active", "notes", "updated_by",
              "updated_at")
    change_list_template = "admin/billing/billingmapping/change_list.html"

    @admin.display(description="applies to", ordering="organization__name")
    def scope(self, obj):
        return obj.organization.name if obj.organization_id else "MSP-wide"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        rules_changed()
        for warning in code_warnings(obj.code):  # saved, but probably a typo
            messages.warning(request, warning)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rules_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        rules_changed()

    def get_urls(self):
        view = self.admin_site.admin_view(self.not_mapped_view)
        return [path("not-mapped/", view, name="billing_billingmapping_not_mapped"), *super().get_urls()]

    def not_mapped_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        report = not_mapped()
        codes = [{"row": row, "label": code_label(row.code)} for row in report.codes]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Not mapped",
                   "report": report, "codes": codes,
                   "add_url": reverse("admin:billing_billingmapping_add")}
        return TemplateResponse(request, "admin/billing/billingmapping/not_mapped.html", context)


class BillingVarianceEventInline(admin.TabularInline):
    model = BillingVarianceEvent
    extra = 0
    can_delete = False
    fields = ("at", "report_date", "action", "actor", "from_status", "to_status", "notes")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BillingVariance)
class BillingVarianceAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    """Billing variances, read-only (resolve and accept through the API, with notes and audit)."""

    list_display = ("organization", "variance_type", "subject", "status", "billed", "measured", "unit_price",
                    "amount", "date_found", "last_seen")
    list_filter = ("variance_type", "status", "last_seen", "organization")
    search_fields = ("organization__name", "subject", "code", "notes")
    list_select_related = ("organization",)
    ordering = ("-amount", "organization__name")
    inlines = [BillingVarianceEventInline]
    show_full_result_count = False
