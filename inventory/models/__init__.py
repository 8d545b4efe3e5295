from inventory.models.organizations import Organization, OrganizationAlias, Vendor, VendorOrganization
from inventory.models.snapshots import Device, Snapshot

__all__ = ["Device", "Organization", "OrganizationAlias", "Snapshot", "Vendor", "VendorOrganization"]
