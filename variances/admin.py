"""Staff work on exceptions here: filter, search, resolve or mark manually fixed (with notes).

Exceptions and their events are never deleted from the admin (no delete permission, no bulk delete action):
every change goes through the actions, so the audit trail cannot be bypassed.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils import timezone

from esinv.admin_badges import BadgeMedia, status_badge
from esinv.admin_mixins import ImmutableAdminMixin, NoDeleteAdminMixin
from esinv.errors import APIError
from variances.admin_details import details_html
from variances.admin_exports import EXPORT_ACTIONS
from variances.models import ExceptionEvent, ExceptionRecord, ExceptionStatus, ReconciliationRun, VarianceStatus
from variances.services import Action, apply_action, refusal


class ExceptionEventInline(ImmutableAdminMixin, admin.TabularInline):
    model = ExceptionEvent
    extra = 0
    fields = ("at", "report_date", "action", "actor", "from_status", "to_status", "notes")
    readonly_fields = fields
    can_delete = False
    ordering = ("at", "id")


class NotesForm(forms.Form):
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), required=False,
                            help_text="Why: recorded on each exception and in its history.")


def _notes_action(action: str, title: str):
    def run(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = NotesForm(request.POST)
            if form.is_valid():
                records = list(queryset.select_related(None).only("id", "status", "variance_status"))
                eligible = [r.id for r in records if refusal(r, action) is None]
                skipped = len(records) - len(eligible)
                try:
                    apply_action(eligible, action, notes=form.cleaned_data["notes"],
                                 actor=request.user.get_username(), user=request.user)
                except APIError as exc:
                    modeladmin.message_user(request, str(exc.detail), messages.ERROR)
                    return None
                text = f"{title}: {len(eligible)} exception(s)."
                if skipped:
                    text += f" {skipped} skipped (already resolved or marked)."
                modeladmin.message_user(request, text, messages.SUCCESS)
                return None
        else:
            form = NotesForm()
        return TemplateResponse(request, "admin/variances/action_notes.html", {
            **modeladmin.admin_site.each_context(request),
            "title": f"{title}: add notes",
            "action": request.POST.get("action"),
            "action_title": title,
            "queryset": queryset,
            "form": form,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })

    run.__name__ = action
    run.short_description = f"{title} (asks for notes)"
    run.allowed_permissions = ("change",)
    return run


def open_days(record, today=None) -> int:
    """Days from first seen to today while open; to the day it was last seen once resolved (both counted)."""
    end = (today or timezone.localdate()) if record.status == ExceptionStatus.OPEN else record.last_seen
    return max((end - record.date_found).days, 0) + 1


@admin.register(ExceptionRecord)
class ExceptionRecordAdmin(NoDeleteAdminMixin, BadgeMedia, admin.ModelAdmin):
    # Six columns that fit a 1366 px screen with the filters on the right; the canonical key is searchable and
    # on the change page.
    list_display = ("type_label", "device", "organization", status_badge(VarianceStatus, "variance_status", "status"),
                    "first_seen", "days_open")
    list_display_links = ("type_label", "device")
    list_filter = ("type", "status", "variance_status", "resolution", "organization", "last_seen", "date_found")
    search_fields = ("canonical_key", "hostname")
    date_hierarchy = "last_seen"
    ordering = ("-last_seen", "type", "canonical_key")
    list_select_related = ("organization",)  # the organization column costs no query per row
    list_per_page = 100
    actions = [
        _notes_action(Action.RESOLVE, "Resolve"),
        _notes_action(Action.MARK_MANUALLY_FIXED, "Mark manually fixed"),
        *EXPORT_ACTIONS,  # Export selected to CSV / Excel / PDF (variances/admin_exports.py)
    ]
    inlines = [ExceptionEventInline]
    fields = ("type", "canonical_key", "hostname", "organization", "date_found", "last_seen", "status",
              "variance_status", "resolution", "resolved_at", "resolved_by", "resolved_on",
              "manually_fixed_at", "manually_fixed_by", "fixed_as_of", "failed_fix_count", "details_table", "notes",
              "created_at", "updated_at")
    # Only the notes are editable; every state change goes through the actions (and so the audit trail).
    readonly_fields = tuple(f for f in fields if f != "notes")

    class Media:  # the badges, and the details table (BadgeMedia's Media is replaced, not extended)
        css = {"all": ["esinv/badges.css", "esinv/admin.css"]}

    @admin.display(description="type", ordering="type")
    def type_label(self, obj):
        return obj.get_type_display()

    @admin.display(description="device", ordering="hostname")
    def device(self, obj):
        return obj.hostname or obj.canonical_key

    @admin.display(description="first seen", ordering="date_found")
    def first_seen(self, obj):
        return obj.date_found.isoformat()  # 2026-12-05: shorter than "Dec. 5, 2026", and sorts as it reads

    @admin.display(description="days open", ordering="-date_found")
    def days_open(self, obj):
        return open_days(obj)

    @admin.display(description="details")
    def details_table(self, obj):
        return details_html(obj.details, obj.type)

    def has_add_permission(self, request):
        return False


@admin.register(ExceptionEvent)
class ExceptionEventAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    """The audit trail on its own: who changed which exception, when and why. Read only."""

    list_display = ("at", "exception", "action", "actor", "to_status", "report_date")
    list_filter = ("action", "to_status")
    search_fields = ("actor", "notes", "exception__canonical_key", "exception__hostname")
    list_select_related = ("exception",)  # its name on every row, one join
    date_hierarchy = "at"
    ordering = ("-at", "-id")


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ImmutableAdminMixin, admin.ModelAdmin):
    list_display = ("report_date", "started_at", "duration_seconds", "total", "created_count", "refreshed_count",
                    "resolved_count", "verified_count", "reopened_count", "ninja_devices", "threatlocker_devices",
                    "triggered_by")
    list_filter = ("report_date",)
    date_hierarchy = "report_date"
    ordering = ("-report_date", "-started_at")
