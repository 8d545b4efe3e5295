"""Admin for Windows 11 readiness: assessments and runs (read-only), Microsoft's lists (read-only: refreshed with
`import_cpu_list`), CPU overrides (editable)."""
from django.contrib import admin, messages

from esinv.admin_badges import BadgeMedia, status_badge
from esinv.admin_mixins import ImmutableAdminMixin
from inventory.models import CpuOverride, SupportedProcessor, Windows11Assessment, Windows11Run
from inventory.models.windows11 import Windows11RunStatus
from inventory.windows11.engine import REQUIREMENT_LABELS, REQUIREMENTS, AssessmentCategory, AssessmentStatus
from inventory.windows11.overrides import CpuResolver


class _ReadOnly(ImmutableAdminMixin, admin.ModelAdmin):
    pass


class DeficiencyFilter(admin.SimpleListFilter):
    title = "deficiency"
    parameter_name = "deficiency"

    def lookups(self, request, model_admin):
        return [(code, REQUIREMENT_LABELS[code]) for code in REQUIREMENTS]

    def queryset(self, request, queryset):
        if self.value() in REQUIREMENTS:
            return queryset.filter(deficiency_codes__contains=f"|{self.value()}|")
        return queryset


class MissingDataFilter(DeficiencyFilter):
    title = "missing data for"
    parameter_name = "missing"

    def queryset(self, request, queryset):
        if self.value() in REQUIREMENTS:
            return queryset.filter(missing_codes__contains=f"|{self.value()}|")
        return queryset


@admin.register(Windows11Assessment)
class Windows11AssessmentAdmin(BadgeMedia, _ReadOnly):
    list_display = ("hostname", "organization", status_badge(AssessmentCategory, "category"),
                    status_badge(AssessmentStatus), "deficiency_summary", "cpu_model", "cpu_verdict", "cpu_rule",
                    "last_contact", "assessment_date")
    list_filter = ("category", "status", DeficiencyFilter, MissingDataFilter, "cpu_verdict", "already_on_24h2",
                   ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("hostname", "display_name", "vendor_device_id", "cpu_model", "system_model")
    list_select_related = ("organization",)
    ordering = ("hostname",)
    readonly_fields = [f.name for f in Windows11Assessment._meta.fields]

    @admin.display(description="deficiencies")
    def deficiency_summary(self, obj):
        return ", ".join(d["requirement"] for d in obj.deficiencies) or "—"


@admin.register(SupportedProcessor)
class SupportedProcessorAdmin(_ReadOnly):
    list_display = ("manufacturer", "series", "model", "list_date", "source")
    list_filter = ("manufacturer", "list_date", "source")
    search_fields = ("series", "model")
    readonly_fields = [f.name for f in SupportedProcessor._meta.fields]


@admin.register(Windows11Run)
class Windows11RunAdmin(BadgeMedia, _ReadOnly):
    list_display = ("started_at", status_badge(Windows11RunStatus), "trigger", "actor", "snapshot_date",
                    "total_devices", "compatible_devices", "incompatible_devices", "not_assessed_devices",
                    "already_on_24h2_devices", "on_24h2_unsupported_devices", "duration_seconds")
    list_filter = ("status", "trigger")
    ordering = ("-started_at",)
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in Windows11Run._meta.fields]


@admin.register(CpuOverride)
class CpuOverrideAdmin(admin.ModelAdmin):
    list_display = ("pattern", "match_type", "supported", "source", "note", "updated_at")
    list_filter = ("supported", "match_type", "source")
    list_editable = ("supported",)
    search_fields = ("pattern", "note")
    readonly_fields = ("source", "created_at", "updated_at")
    ordering = ("pattern",)
    actions = ["mark_supported", "mark_unsupported"]

    @admin.action(description="Mark selected patterns supported")
    def mark_supported(self, request, queryset):
        count = queryset.update(supported=True)
        messages.success(request, f"{count} override(s) marked supported; they apply from the next run.")

    @admin.action(description="Mark selected patterns unsupported")
    def mark_unsupported(self, request, queryset):
        count = queryset.update(supported=False)
        messages.success(request, f"{count} override(s) marked unsupported; they apply from the next run.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Tell staff what the pattern covers today, so a typo shows at once.
        covered = sorted({
            cpu for cpu in Windows11Assessment.objects.values_list("cpu_model", flat=True).distinct()
            if cpu and CpuResolver([obj]).match(cpu)
        })
        if covered:
            shown = "; ".join(covered[:5]) + (" …" if len(covered) > 5 else "")
            messages.info(request, f"Matches {len(covered)} CPU(s) in the current assessments: {shown}")
        else:
            messages.warning(request, "This pattern matches no CPU in the current assessments.")
