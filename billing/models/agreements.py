"""ConnectWise Manage agreements (billing/agreements/): per day, one `CWAgreement` row per active agreement and one
`CWAgreementAddition` row per addition (a billable product line) not cancelled on that day, each filed under
the organization its company maps to (null when no organization matches; the company's name is kept). The
whole day is replaced at once (billing/agreements/writer.py).
"""

from django.db import models

from esinv.choices import ChoiceSet
from inventory.models import Organization


class BillCustomer(ChoiceSet):
    """ConnectWise's `billCustomer` of an addition: only "Billable" lines are billed."""

    BILLABLE = "Billable"
    DO_NOT_BILL = "DoNotBill"
    NO_CHARGE = "NoCharge"
    CHOICES = [
        (BILLABLE, "Billable", "green"),
        (DO_NOT_BILL, "Do not bill", "grey"),
        (NO_CHARGE, "No charge", "grey"),
    ]


class CWAgreement(models.Model):
    """An active ConnectWise agreement of a company on a day."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The organization the company maps to (ConnectWise id, then name or alias); empty: unmapped.")
    company_id = models.IntegerField(null=True, help_text="ConnectWise company id")
    company_identifier = models.CharField(max_length=60, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    agreement_id = models.IntegerField()
    name = models.CharField(max_length=200, blank=True)
    agreement_type = models.CharField("type", max_length=100, blank=True)
    status = models.CharField(max_length=40, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    billing_cycle = models.CharField(max_length=60, blank=True, help_text="e.g. Monthly")

    class Meta:
        verbose_name = "ConnectWise agreement (daily)"
        verbose_name_plural = "ConnectWise agreements (daily)"
        ordering = ["-snapshot_date", "company_name", "agreement_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot_date", "agreement_id"], name="cw_agreement_day_unique"),
        ]
        indexes = [models.Index(fields=["organization", "snapshot_date"], name="cw_agreement_org_day_idx")]

    def __str__(self):
        return f"{self.snapshot_date} {self.company_name}: {self.name}"


class CWAgreementAddition(models.Model):
    """An addition (product line) of an active agreement on a day, not cancelled on that day."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    company_id = models.IntegerField(null=True)
    company_name = models.CharField(max_length=200, blank=True)
    agreement_id = models.IntegerField()
    addition_id = models.IntegerField()
    product_id = models.IntegerField(null=True, blank=True)
    product_identifier = models.CharField(max_length=100, blank=True, help_text="e.g. MANAGED-WS")
    description = models.CharField(max_length=255, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    less_included = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    billed_quantity = models.DecimalField(
        max_digits=14, decimal_places=2, default=0,
        help_text="quantity - lessIncluded when billCustomer is Billable, else 0.")
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    bill_customer = models.CharField(max_length=20, choices=BillCustomer, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    cancelled_date = models.DateField(null=True, blank=True, help_text="Set only when cancelled after this day.")

    class Meta:
        verbose_name = "ConnectWise agreement addition (daily)"
        verbose_name_plural = "ConnectWise agreement additions (daily)"
        ordering = ["-snapshot_date", "company_name", "agreement_id", "product_identifier"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot_date", "addition_id"], name="cw_addition_day_unique"),
        ]
        indexes = [models.Index(fields=["organization", "snapshot_date"], name="cw_addition_org_day_idx")]

    def __str__(self):
        return f"{self.snapshot_date} {self.company_name}: {self.product_identifier} x {self.billed_quantity}"
