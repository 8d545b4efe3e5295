"""Exceptions (variances) staff act on, their audit trail, and the reconciliation runs.

An `ExceptionRecord` has a stable identity, (type, canonical_key), and at most
one is open at a time (a partial unique constraint holds that). It is present
on the report dates from `date_found` to `last_seen`; the daily run refreshes
it while the variance persists and auto-resolves it when it is gone.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from esinv.choices import ChoiceSet
from inventory.models import Organization
from variances import types as T


class ExceptionStatus(ChoiceSet):
    OPEN = "open"
    RESOLVED = "resolved"
    CHOICES = [(OPEN, "Open", "red"), (RESOLVED, "Resolved", "green")]


class VarianceStatus(ChoiceSet):
    ACTIVE = "active"
    MANUALLY_FIXED = "manually_fixed"  # staff say fixed; the next run verifies
    COLLECTOR_VERIFIED = "collector_verified"  # fixed, and the next run agreed
    RESOLVED = "resolved"
    CHOICES = [
        (ACTIVE, "Active", "red"),
        (MANUALLY_FIXED, "Manually fixed (awaiting verification)", "yellow"),
        (COLLECTOR_VERIFIED, "Verified by collector", "green"),
        (RESOLVED, "Resolved", "green"),
    ]


class Resolution(ChoiceSet):
    AUTO = "auto"  # the variance disappeared on its own
    MANUAL = "manual"  # staff resolved it (an accepted variance stays resolved while it persists)
    COLLECTOR_VERIFIED = "collector_verified"  # marked manually fixed, and the next run confirmed
    CHOICES = [(AUTO, "Automatic"), (MANUAL, "Manual"), (COLLECTOR_VERIFIED, "Verified by collector")]


class ExceptionRecord(models.Model):
    type = models.CharField(max_length=32, choices=T.VarianceType)
    canonical_key = models.CharField(max_length=15)
    hostname = models.CharField(
        max_length=255, blank=True, help_text="Clean hostname (NinjaOne's, else ThreatLocker's)."
    )
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    date_found = models.DateField()
    last_seen = models.DateField()
    status = models.CharField(max_length=16, choices=ExceptionStatus, default=ExceptionStatus.OPEN)
    variance_status = models.CharField(
        max_length=24, choices=VarianceStatus, default=VarianceStatus.ACTIVE
    )
    resolution = models.CharField(max_length=24, choices=Resolution, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolved_on = models.DateField(null=True, blank=True, help_text="Report date on which it was resolved.")
    manually_fixed_at = models.DateTimeField(null=True, blank=True)
    manually_fixed_by = models.CharField(max_length=150, blank=True)
    fixed_as_of = models.DateField(
        null=True, blank=True, help_text="last_seen when marked manually fixed: runs after it verify the fix."
    )
    failed_fix_count = models.PositiveSmallIntegerField(default=0)

    details = models.JSONField(default=dict, blank=True, help_text="Both vendors' names and organizations.")
    notes = models.TextField(blank=True, help_text="Staff notes; reconciliation never overwrites them.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["type", "canonical_key", "-date_found"]
        verbose_name = "exception"
        constraints = [
            models.UniqueConstraint(
                fields=["type", "canonical_key"], condition=Q(status="open"), name="exception_one_open_per_identity"
            ),
        ]
        indexes = [
            # Reports of a date: date_found <= D <= last_seen.
            models.Index(fields=["last_seen", "date_found"], name="exception_seen_range"),
            # The run loads the open ones.
            models.Index(fields=["status", "type"], name="exception_status_type"),
            models.Index(fields=["canonical_key"], name="exception_key"),
        ]

    def __str__(self):  # what the admin's titles, breadcrumbs and history say: "Missing in NinjaOne: PC-1 (Active)"
        device = self.hostname or self.canonical_key
        return f"{self.get_type_display()}: {device} ({self.get_variance_status_display()})"

    @property
    def variance_type(self) -> str:
        return T.BY_CODE[self.type].api_name if self.type in T.BY_CODE else self.type.lower()


class EventAction(ChoiceSet):
    CREATED = "created"
    AUTO_RESOLVED = "auto_resolved"
    RESOLVED = "resolved"
    MANUALLY_FIXED = "manually_fixed"
    FIX_VERIFIED = "fix_verified"
    FIX_FAILED = "fix_failed"
    CHOICES = [
        (CREATED, "Found"),
        (AUTO_RESOLVED, "Resolved automatically"),
        (RESOLVED, "Resolved by staff"),
        (MANUALLY_FIXED, "Marked manually fixed"),
        (FIX_VERIFIED, "Fix verified by collector"),
        (FIX_FAILED, "Fix failed: still present"),
    ]


class ExceptionEvent(models.Model):
    """Audit trail: every state change of an exception, automatic or by staff."""

    exception = models.ForeignKey(ExceptionRecord, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    report_date = models.DateField(null=True, blank=True)
    action = models.CharField(max_length=24, choices=EventAction)
    actor = models.CharField(max_length=150, help_text="Username, apikey:NAME, or 'reconcile' for runs.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["exception_id", "at", "id"]
        indexes = [models.Index(fields=["at"], name="exception_event_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor}"


class ReconciliationRun(models.Model):
    """One run of the engine for a report date, with its summary."""

    report_date = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    duration_seconds = models.FloatField()
    triggered_by = models.CharField(max_length=150, blank=True)
    rules = models.JSONField(default=list, help_text="The rules switched on for this run.")
    ninja_devices = models.PositiveIntegerField(default=0)
    threatlocker_devices = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Exceptions found, by type.")
    total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    refreshed_count = models.PositiveIntegerField(default=0)
    resolved_count = models.PositiveIntegerField(default=0, help_text="Auto-resolved plus verified fixes.")
    verified_count = models.PositiveIntegerField(default=0)
    reopened_count = models.PositiveIntegerField(default=0, help_text="Manual fixes that did not hold.")

    class Meta:
        ordering = ["-report_date", "-started_at"]
        indexes = [models.Index(fields=["report_date", "started_at"], name="run_date_started")]

    def __str__(self):
        return f"{self.report_date}: {self.total} exceptions"
from variances.models_exports import ExportJob  # noqa: E402,F401  (export jobs, see docs/exports.md)
