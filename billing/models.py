"""Billing: Microsoft 365 tenants of the clients and the daily per-client Microsoft 365 snapshot.

One `M365Tenant` per organization (the client's Entra ID tenant the MSP's multi-tenant app is consented in).
A collection writes, per tenant and day, one `M365Sku` row per subscribed SKU (licences bought and assigned)
and one `M365User` row per user; a tenant's day is replaced as a whole (billing/m365/writer.py).
`M365ProductName` holds product names imported by staff (`manage.py import_m365_sku_names FILE`) on top of
the table shipped in billing/data/ (billing/m365/sku_names.py).

ConnectWise Manage agreements (billing/agreements/): per day, one `CWAgreement` row per active agreement and one
`CWAgreementAddition` row per addition (a billable product line) not cancelled on that day, each filed under
the organization its company maps to (null when no organization matches; the company's name is kept). The
whole day is replaced at once (billing/agreements/writer.py).
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from esinv.choices import ChoiceSet
from inventory.models import Organization


def validate_tenant_id(value: str):
    """A tenant id is a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), not a domain name."""
    try:
        parsed = uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        parsed = None
    if parsed is None or str(parsed) != str(value).strip().lower():
        raise ValidationError(
            "Enter the tenant id as a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), as Entra ID shows it "
            "under Overview > Tenant ID.", code="invalid_tenant_id")


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


class MeasuredQuantity(models.Model):
    """What the hub measures for a client on a day, under a stable code (billing/measures.py).

    `detail` holds the total, up to `billing.measures.DETAIL_IDS` ids of the devices (canonical keys) or users
    (user principal names) behind the count, whether the list was cut, and per-code extras (a SKU's bought
    units, the user definition used)."""

    snapshot_date = models.DateField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=120, help_text="e.g. ninja_seats, m365_sku:SPB")
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


class BillingMapping(models.Model):
    """Which measured quantity a ConnectWise product identifier bills for (billing/billing_map.py).

    `organization` empty: the MSP-wide rule; set: that client's override, which wins over the MSP-wide rule."""

    product_identifier = models.CharField(
        max_length=100,
        help_text="The product identifier as ConnectWise agreement additions carry it, e.g. MANAGED-WS.")
    code = models.CharField(
        "measured quantity", max_length=120,
        help_text="A measured quantity code: ninja_seats, ninja_endpoints, ninja_servers, threatlocker_devices, "
                  "m365_users or m365_sku:<SKU part number> (e.g. m365_sku:SPB).")
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
        from billing.billing_map import mapping_problems

        self.product_identifier = (self.product_identifier or "").strip()
        self.code = (self.code or "").strip()
        problems = mapping_problems(self)
        if problems:
            raise ValidationError(problems)


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
    subject = models.CharField(max_length=120, blank=True,
                               help_text="Product identifier (under/over-billed), SKU part number (unused "
                                         "licences), empty (disabled users).")
    code = models.CharField(max_length=120, blank=True, help_text="The measured quantity compared.")
    status = models.CharField(max_length=12, choices=BillingVarianceStatus, default=BillingVarianceStatus.OPEN)
    date_found = models.DateField()
    last_seen = models.DateField()
    billed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="Billed quantity (bought licences for UNUSED_LICENCES).")
    measured = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                   help_text="Measured quantity (assigned licences; disabled licensed users).")
    tolerance = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                     help_text="Unit price (unit cost for UNUSED_LICENCES); null when unknown.")
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                 help_text="Monthly money at stake (leak, over-charge or unused cost), currency-less.")
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
