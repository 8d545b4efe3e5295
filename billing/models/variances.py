"""Billing variances (billing/variances.py finds them): one row per identity for ever, and its events."""

from django.conf import settings
from django.db import models

from esinv.choices import ChoiceSet
from inventory.models import Organization


class BillingVarianceType(ChoiceSet):
    """The billing variance kinds (billing/variances.py, TYPES, says the rule of each)."""

    UNDER_BILLED = "UNDER_BILLED"
    OVER_BILLED = "OVER_BILLED"
    UNUSED_LICENCES = "UNUSED_LICENCES"
    DISABLED_USER_LICENSED = "DISABLED_USER_LICENSED"
    CHOICES = [
        (UNDER_BILLED, "Under-billed", "red"),
        (OVER_BILLED, "Over-billed", "yellow"),
        (UNUSED_LICENCES, "Unused licences", "yellow"),
        (DISABLED_USER_LICENSED, "Disabled user licensed", "yellow"),
    ]


class BillingVarianceStatus(ChoiceSet):
    OPEN = "open"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"
    CHOICES = [
        (OPEN, "Open", "red"),
        (RESOLVED, "Resolved", "green"),
        (ACCEPTED, "Accepted", "blue"),
    ]


class BillingVariance(models.Model):
    """One billing variance, with a stable identity (type, organization, subject): the product identifier for
    under/over-billing, the SKU part number for unused licences, empty for disabled licensed users. One row per
    identity for ever: its lifecycle (open, resolved, accepted, reopened) is its status and its events."""

    variance_type = models.CharField(max_length=30, choices=BillingVarianceType)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=220, blank=True,
                               help_text="Product identifier (under/over-billed), SKU part number (unused "
                                         "licences), empty (disabled users).")
    code = models.CharField(max_length=220, blank=True, help_text="The measured quantity compared.")
    status = models.CharField(max_length=12, choices=BillingVarianceStatus, default=BillingVarianceStatus.OPEN)
    date_found = models.DateField()
    last_seen = models.DateField()
    billed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="Billed quantity (bought licences for UNUSED_LICENCES).")
    measured = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   help_text="Measured quantity (assigned licences; disabled licensed users).")
    tolerance = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                     help_text="Unit price per month (unit cost for UNUSED_LICENCES); null when "
                                               "unknown.")
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                 help_text="Monthly money at stake (leak, over-charge or unused cost), currency-less: "
                                           "unit prices divided by the agreement's billing cycle in months.")
    cycle_note = models.CharField(
        max_length=200, blank=True,
        help_text="Set when a billed line's agreement billing cycle is unknown: its money was counted as "
                  "monthly.")
    ids = models.JSONField(default=list, blank=True, help_text="The devices or users behind the measured count.")
    ids_total = models.IntegerField(default=0)
    accepted_billed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    accepted_measured = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    resolution = models.CharField(max_length=12, blank=True, help_text="auto or manual (last resolution).")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "billing variance"
        ordering = ["organization__name", "variance_type", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["variance_type", "organization", "subject"],
                                    name="billing_variance_identity"),
        ]
        indexes = [models.Index(fields=["status", "last_seen"], name="billing_variance_status_idx")]

    def __str__(self):
        return f"{self.variance_type} {self.organization_id} {self.subject}".strip()


class BillingVarianceEvent(models.Model):
    """Audit trail: every state change of a billing variance, automatic or by staff."""

    variance = models.ForeignKey(BillingVariance, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    report_date = models.DateField(null=True, blank=True)
    action = models.CharField(max_length=20, help_text="found, reopened, auto_resolved, resolved, accepted, "
                                                       "numbers_changed")
    actor = models.CharField(max_length=150, help_text="Username, apikey:NAME, or 'reconcile' for runs.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["variance_id", "at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor}"
