"""Vendors, our clients (organizations) and how each vendor's names map onto them."""
from django.db import models
from django.db.models.functions import Lower


class Vendor(models.Model):
    """The systems the hub reads. Ids are fixed: the dashboards send them."""

    NINJA = 1
    CONNECTWISE = 2
    THREATLOCKER = 3

    id = models.PositiveSmallIntegerField(primary_key=True)
    code = models.SlugField(max_length=30, unique=True, help_text="ninja, connectwise, threatlocker")
    name = models.CharField(max_length=60, unique=True)
    api_label = models.CharField(max_length=60, help_text="The name the dashboard API reports (e.g. 'Ninja').")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


def normalise_org_name(name: str) -> str:
    """Organization names match case- and whitespace-insensitively."""
    return " ".join((name or "").split()).casefold()


class Organization(models.Model):
    """A client of the MSP (or the MSP itself, organization 1)."""

    MSP_ID = 1

    name = models.CharField(max_length=200, unique=True)
    is_internal = models.BooleanField(
        default=False, help_text="The MSP's own organization: its devices are never billable."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organization_name_ci_unique")]

    def __str__(self):
        return self.name

    @property
    def alias_names(self) -> list[str]:
        return [alias.alias for alias in self.aliases.all()]


class OrganizationAlias(models.Model):
    """Another name a vendor uses for one of our organizations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "organization aliases"
        constraints = [models.UniqueConstraint(Lower("alias"), name="organization_alias_ci_unique")]

    def __str__(self):
        return f"{self.alias} → {self.organization}"


class VendorOrganization(models.Model):
    """A vendor's own organization record, mapped onto one of ours."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="organizations")
    vendor_org_id = models.CharField(
        max_length=64, help_text="The vendor's id for it (NinjaOne id, ThreatLocker GUID)."
    )
    name = models.CharField(max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="vendor_organizations")
    first_seen = models.DateField(auto_now_add=True)
    last_seen = models.DateField(auto_now=True)

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "vendor_org_id"], name="vendor_org_unique")]

    def __str__(self):
        return f"{self.vendor.name}: {self.name}"
