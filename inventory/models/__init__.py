from inventory.models.organizations import Organization, OrganizationAlias, Vendor, VendorOrganization
from inventory.models.snapshots import Device, Snapshot
from inventory.models.windows11 import CpuOverride, SupportedProcessor, Windows11Assessment, Windows11Run

__all__ = [
    "CpuOverride",
    "Device",
    "Organization",
    "OrganizationAlias",
    "Snapshot",
    "SupportedProcessor",
    "Vendor",
    "VendorOrganization",
    "Windows11Assessment",
    "Windows11Run",
]
