"""Microsoft 365 tenants of the clients and the daily per-client Microsoft 365 snapshot.

One `M365Tenant` per organization (the client's Entra ID tenant the MSP's multi-tenant app is consented in).
A collection writes, per tenant and day, one `M365Sku` row per subscribed SKU (licences bought and assigned)
and one `M365User` row per user; a tenant's day is replaced as a whole (billing/m365/writer.py).
`M365ProductName` holds product names imported by staff (`manage.py import_m365_sku_names FILE`) on top of
the table shipped in billing/data/ (billing/m365/sku_names.py).
"""
import uuid

from django.core.exceptions import ValidationError
from django.db import models

from esinv.choices import ChoiceSet
from inventory.models import Organization


def validate_tenant_id(value: str):
    """A tenant id is a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), not a domain name, and not the nil GUID
    (all zeros: Entra ID never issues it; it is a placeholder that could only fail to collect)."""
    try:
        parsed = uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        parsed = None
    if parsed is None or str(parsed) != str(value).strip().lower():
        raise ValidationError(
            "Enter the tenant id as a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), as Entra ID shows it "
            "under Overview > Tenant ID.", code="invalid_tenant_id")
    if parsed.int == 0:
        raise ValidationError(
            "00000000-0000-0000-0000-000000000000 is the nil GUID, a placeholder Entra ID never issues: enter the "
            "client's tenant id (Entra ID > Overview > Tenant ID).", code="nil_tenant_id")


class M365UserDefinition(ChoiceSet):
    """Which users of a client's tenant count as its Microsoft 365 users (DESIGN.md, "Billing reconciliation")."""

    MAILBOX = "mailbox"
    LICENSED = "licensed"
    CHOICES = [
        (MAILBOX, "1: users with a mailbox"),
        (LICENSED, "2: all licensed users"),
    ]


class M365Tenant(models.Model):
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="m365_tenant")
    tenant_id = models.CharField(
        "tenant id", max_length=36, unique=True, validators=[validate_tenant_id],
        help_text="The client's Entra ID tenant id (a GUID) where the MSP's app is consented.")
    enabled = models.BooleanField(default=True, help_text="Collect this tenant's licences and users daily.")
    user_definition = models.CharField(
        "user definition", max_length=10, choices=M365UserDefinition, default=M365UserDefinition.LICENSED,
        help_text="Which users count as this client's Microsoft 365 users (the m365_users measured quantity).")
    user_definition_reviewed = models.BooleanField(
        "user definition reviewed", default=False,
        help_text="Tick once the client's user definition was checked with the client (the default is 2).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Microsoft 365 tenant"
        ordering = ["organization__name"]

    def __str__(self):
        return f"{self.organization}: {self.tenant_id}"

    def save(self, *args, **kwargs):
        self.tenant_id = (self.tenant_id or "").strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique check (full_clean runs clean() first): one spelling per tenant, so an upper-case copy
        # of a stored id is refused by the form instead of failing at the database.
        self.tenant_id = (self.tenant_id or "").strip().lower()


class M365Sku(models.Model):
    """A subscribed SKU of a client's tenant on a day: licences bought (prepaid units) and assigned (consumed)."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sku_id = models.CharField(max_length=36)
    sku_part_number = models.CharField(max_length=100, help_text="e.g. SPB (Microsoft 365 Business Premium)")
    capability_status = models.CharField(max_length=20, blank=True, help_text="Enabled, Suspended, Warning ...")
    prepaid_enabled = models.IntegerField(default=0, help_text="Licences bought and active.")
    prepaid_suspended = models.IntegerField(default=0)
    prepaid_warning = models.IntegerField(default=0)
    consumed_units = models.IntegerField(default=0, help_text="Licences assigned to users.")

    class Meta:
        verbose_name = "Microsoft 365 SKU (daily)"
        verbose_name_plural = "Microsoft 365 SKUs (daily)"
        ordering = ["-snapshot_date", "organization_id", "sku_part_number"]
        constraints = [
            # Also the (organization, snapshot_date) index: reads of a client's day use its leading columns.
            models.UniqueConstraint(fields=["organization", "snapshot_date", "sku_id"], name="m365_sku_day_unique"),
        ]
        indexes = [models.Index(fields=["snapshot_date"], name="m365_sku_date_idx")]

    def __str__(self):
        return f"{self.snapshot_date} {self.organization_id} {self.sku_part_number}"


class M365User(models.Model):
    """A user of a client's tenant on a day, with the SKUs assigned to it."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(max_length=36)
    user_principal_name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=256, blank=True)
    user_type = models.CharField(max_length=20, blank=True, help_text="Member or Guest")
    account_enabled = models.BooleanField(null=True, help_text="False: the account cannot sign in.")
    has_mailbox = models.BooleanField(
        default=False, help_text="mail is set and an assigned licence carries an enabled Exchange Online plan.")
    assigned_sku_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "Microsoft 365 user (daily)"
        verbose_name_plural = "Microsoft 365 users (daily)"
        ordering = ["-snapshot_date", "organization_id", "user_principal_name"]
        constraints = [
            # Also the (organization, snapshot_date) index.
            models.UniqueConstraint(fields=["organization", "snapshot_date", "user_id"], name="m365_user_day_unique"),
        ]
        indexes = [models.Index(fields=["snapshot_date"], name="m365_user_date_idx")]

    def __str__(self):
        return f"{self.snapshot_date} {self.user_principal_name}"

    @property
    def licensed(self) -> bool:
        return bool(self.assigned_sku_ids)


class M365ProductName(models.Model):
    """A product name imported by staff; wins over the shipped table for its part number."""

    string_id = models.CharField("SKU part number", max_length=100, unique=True, help_text="e.g. SPB")
    display_name = models.CharField(max_length=200)
    sku_id = models.CharField(max_length=36, blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    source = models.CharField(max_length=200, blank=True, help_text="The file it was imported from.")

    class Meta:
        verbose_name = "Microsoft 365 product name"
        ordering = ["string_id"]

    def __str__(self):
        return f"{self.string_id}: {self.display_name}"
