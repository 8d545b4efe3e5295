"""QBR data: monthly metrics (with their change history) and KPI thresholds."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from esinv.choices import ChoiceSet
from inventory.models import Organization, Vendor
from qbr.catalogue import CATALOGUE
from qbr.smartnumbers import SMART_NUMBERS
from qbr.thresholds import Direction


class MetricName(ChoiceSet):
    """The catalogue's metrics (qbr.catalogue)."""

    CHOICES = [(name, name) for name in CATALOGUE]


class ThresholdMetric(ChoiceSet):
    """What a threshold may bound: the SmartNumbers first, then the catalogue's other metrics."""

    CHOICES = [(name, name) for name in [*SMART_NUMBERS, *(n for n in CATALOGUE if n not in SMART_NUMBERS)]]


def _msp_id():
    return Organization.MSP_ID


class DataSource(ChoiceSet):
    COLLECTED = "collected"
    MANUAL = "manual"
    CHOICES = [(COLLECTED, "Collected"), (MANUAL, "Manual")]


class MonthlyMetric(models.Model):
    """One metric's value for one month, organization and (optionally) vendor."""

    period = models.CharField(max_length=7, help_text="YYYY-MM")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, default=_msp_id, related_name="qbr_metrics"
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    metric_name = models.CharField(max_length=60, choices=MetricName)
    metric_value = models.DecimalField(max_digits=18, decimal_places=4)
    data_source = models.CharField(max_length=10, choices=DataSource, default=DataSource.MANUAL)
    notes = models.TextField(blank=True, null=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True, help_text="User, API key or collector that wrote it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "organization_id", "metric_name", "vendor_id"]
        constraints = [
            # A NULL vendor is distinct from every other NULL in a plain
            # unique index, so the vendor-less rows get their own.
            models.UniqueConstraint(
                fields=["period", "organization", "vendor", "metric_name"],
                condition=Q(vendor__isnull=False),
                name="qbr_metric_unique_with_vendor",
            ),
            models.UniqueConstraint(
                fields=["period", "organization", "metric_name"],
                condition=Q(vendor__isnull=True),
                name="qbr_metric_unique_without_vendor",
            ),
        ]
        indexes = [models.Index(fields=["organization", "period"], name="qbr_metric_org_period")]

    def __str__(self):
        return f"{self.period} {self.metric_name}={self.metric_value}"


class MetricChange(models.Model):
    """Audit trail: every write to a monthly metric, who made it and what it replaced."""

    class Action(ChoiceSet):
        CREATED = "created"
        UPDATED = "updated"
        OVERRODE_COLLECTED = "overrode_collected"
        KEPT_MANUAL = "kept_manual"
        DELETED = "deleted"
        CHOICES = [
            (CREATED, "Created"),
            (UPDATED, "Updated"),
            (OVERRODE_COLLECTED, "Manual value replaced a collected one"),
            (KEPT_MANUAL, "Collection left a manual value in place"),
            (DELETED, "Deleted"),
        ]

    # SET_NULL: the history outlives a deleted metric; the key fields are copied.
    metric = models.ForeignKey(MonthlyMetric, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes")
    period = models.CharField(max_length=7)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    metric_name = models.CharField(max_length=60)
    action = models.CharField(max_length=20, choices=Action)
    old_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    old_source = models.CharField(max_length=10, blank=True)
    new_source = models.CharField(max_length=10, blank=True)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["period", "metric_name"], name="qbr_change_period_metric")]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.action} {self.metric_name} {self.period}"


class Threshold(models.Model):
    """Green/yellow bounds of one KPI (or metric) for one organization."""

    Direction = Direction  # qbr.thresholds: the one vocabulary, also the API's

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, default=_msp_id, related_name="qbr_thresholds"
    )
    metric_name = models.CharField(max_length=60, choices=ThresholdMetric)
    direction = models.CharField(max_length=10, choices=Direction)
    green_bound = models.DecimalField(max_digits=18, decimal_places=4, help_text="Green up to/from this value.")
    yellow_bound = models.DecimalField(max_digits=18, decimal_places=4, help_text="Yellow up to/from this value.")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["organization_id", "metric_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "metric_name"], name="qbr_threshold_org_metric_unique")
        ]

    def __str__(self):
        return f"{self.metric_name} ({self.get_direction_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        from qbr.thresholds import bounds_error

        if self.green_bound is not None and self.yellow_bound is not None and self.direction:
            error = bounds_error(green=self.green_bound, yellow=self.yellow_bound, direction=self.direction)
            if error:
                raise ValidationError(error)
