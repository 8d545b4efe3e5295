"""The billing map: which measured quantity a ConnectWise product identifier bills for (billing/billing_map.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from inventory.models import Organization


class BillingMapping(models.Model):
    """Which measured quantity a ConnectWise product identifier bills for (billing/billing_map.py).

    `organization` empty: the MSP-wide rule; set: that client's override, which wins over the MSP-wide rule."""

    product_identifier = models.CharField(
        max_length=100,
        help_text="The product identifier as ConnectWise agreement additions carry it, e.g. MANAGED-WS.")
    code = models.CharField(
        "measured quantity", max_length=220,
        help_text="A measured quantity code: ninja_seats, ninja_endpoints, ninja_servers, threatlocker_devices, "
                  "m365_users, m365_sku:<SKU part number> (licences bought, e.g. m365_sku:SPB) or "
                  "m365_sku_assigned:<SKU part number> (licences assigned).")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="Empty: MSP-wide. Set: this client's override of the MSP-wide rule.")
    tolerance = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)],
        help_text="Absolute units of difference between billed and measured that are not a variance.")
    active = models.BooleanField(default=True, help_text="Inactive rules are ignored (an inactive override falls "
                                                         "back to the MSP-wide rule).")
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "billing map rule"
        ordering = ["product_identifier", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["product_identifier"], condition=Q(organization__isnull=True),
                                    name="billing_map_msp_wide_unique"),
            models.UniqueConstraint(fields=["organization", "product_identifier"],
                                    name="billing_map_override_unique"),
        ]

    def __str__(self):
        scope = self.organization.name if self.organization_id else "MSP-wide"
        return f"{self.product_identifier} -> {self.code} ({scope})"

    def clean(self):
        from billing.billing_map import mapping_problems, normalise_code

        self.product_identifier = (self.product_identifier or "").strip()
        # A SKU part number in another case than Microsoft's (m365_sku:spb) is saved as Microsoft writes it.
        self.code = normalise_code((self.code or "").strip())
        problems = mapping_problems(self)
        if problems:
            raise ValidationError(problems)
