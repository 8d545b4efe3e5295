"""What the hub measures for a client on a day (billing/measures.py writes it)."""

from django.db import models

from inventory.models import Organization


class MeasuredQuantity(models.Model):
    """What the hub measures for a client on a day, under a stable code (billing/measures.py).

    `detail` holds the total, up to `billing.measures.DETAIL_IDS` ids of the devices (canonical keys) or users
    (user principal names) behind the count, whether the list was cut, and per-code extras (a SKU's bought
    units, the user definition used)."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=220, help_text="e.g. ninja_seats, m365_sku:SPB, m365_sku_assigned:SPB")
    quantity = models.IntegerField(default=0)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "measured quantity (daily)"
        verbose_name_plural = "measured quantities (daily)"
        ordering = ["-snapshot_date", "organization_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot_date", "organization", "code"],
                                    name="measured_quantity_day_unique"),
        ]
        indexes = [models.Index(fields=["organization", "snapshot_date"], name="measured_org_day_idx")]

    def __str__(self):
        return f"{self.snapshot_date} {self.organization_id} {self.code} = {self.quantity}"
