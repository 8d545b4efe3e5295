"""QBR in the admin: hand-entered metrics (audited), their history, and editable thresholds."""
from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from esinv.admin_mixins import ImmutableAdminMixin, ViewOnlyAdminMixin
from qbr.labels import metric_label
from qbr.models import DataSource, MetricChange, MonthlyMetric, Threshold
from qbr.periods import manual_month_problem, parse_month
from qbr.services import record_manual_metric

_KEY_FIELDS = ("period", "organization", "vendor", "metric_name")


class MetricChangeInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = MetricChange
    extra = 0
    fields = ("changed_at", "action", "old_value", "old_source", "new_value", "new_source", "actor", "note")
    readonly_fields = fields
    can_delete = False
    ordering = ("-changed_at", "-id")


class MonthlyMetricForm(forms.ModelForm):
    """The month of a new entry, checked as the API checks it (the admin builds the Meta)."""

    def clean_period(self):
        try:
            month = parse_month(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        problem = manual_month_problem(month, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return str(month)


@admin.register(MonthlyMetric)
class MonthlyMetricAdmin(admin.ModelAdmin):
    """Saving here is a manual entry: it goes through the same service as the API (audited)."""

    form = MonthlyMetricForm

    list_display = ("period", "organization", "metric_name", "metric_value", "vendor", "data_source", "updated_at",
                    "updated_by")
    list_filter = ("data_source", "metric_name", "vendor", "period")
    search_fields = ("metric_name", "organization__name", "period", "notes")
    list_select_related = ("organization", "vendor")  # names on every row, one join
    ordering = ("-period", "organization__name", "metric_name")
    readonly_fields = ("data_source", "updated_at", "updated_by", "created_at")
    inlines = [MetricChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # The key of an existing value is fixed: a different month or metric is a new entry.
        return self.readonly_fields + (_KEY_FIELDS if obj else ())

    def save_model(self, request, obj, form, change):
        write = record_manual_metric(
            obj.period, obj.organization_id, obj.vendor_id, obj.metric_name, obj.metric_value,
            obj.notes, actor=request.user.get_username(), user=request.user,
        )
        obj.pk = write.metric.pk
        obj.data_source = DataSource.MANUAL
        if write.overrode_collected:
            self.message_user(
                request,
                f"The manual value replaced the collected value {write.previous_value} (recorded in the history).",
                messages.WARNING,
            )

    def _audit_delete(self, request, metric):
        MetricChange.objects.create(
            metric=None, period=metric.period, organization_id=metric.organization_id, vendor_id=metric.vendor_id,
            metric_name=metric.metric_name, action=MetricChange.Action.DELETED, old_value=metric.metric_value,
            old_source=metric.data_source, actor=request.user.get_username(), user=request.user,
        )

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for metric in queryset:
            self._audit_delete(request, metric)
        super().delete_queryset(request, queryset)


@admin.register(MetricChange)
class MetricChangeAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("changed_at", "period", "organization", "metric_name", "action", "old_value", "new_value",
                    "new_source", "actor")
    list_filter = ("action", "new_source", "metric_name")
    search_fields = ("metric_name", "period", "actor", "note", "organization__name")
    list_select_related = ("organization",)
    date_hierarchy = "changed_at"


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    """Each metric by its human name (qbr/labels.py); the direction and both bounds editable in the list."""

    # Narrow number boxes (static/esinv/admin.css) so every editable bound fits a 1366 px screen.
    list_display = ("metric", "organization", "direction", "green_bound", "yellow_bound")
    list_display_links = ("metric",)
    list_editable = ("direction", "green_bound", "yellow_bound")
    list_filter = ("direction", "organization")
    search_fields = ("metric_name", "notes", "organization__name")
    list_select_related = ("organization",)
    ordering = ("organization__name", "metric_name")
    fields = ("organization", "metric_name", "direction", "green_bound", "yellow_bound", "notes", "updated_at",
              "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    class Media:
        css = {"all": ["esinv/admin.css"]}

    @admin.display(description="metric", ordering="metric_name")
    def metric(self, obj):
        return metric_label(obj.metric_name)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "metric_name":  # the picker shows the human names too (the stored value is unchanged)
            kwargs["choices"] = [("", "---------"), *((value, f"{metric_label(value)} ({value})")
                                                      for value, _ in db_field.choices)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)
