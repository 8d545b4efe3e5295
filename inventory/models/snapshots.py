"""Devices and the daily per-vendor snapshot of them.

A `Snapshot` row is one device as one vendor reported it on one day. Rows are
narrow on purpose (50,000 devices x 2 vendors x 400 days): the facts the
reports, the variance rules, Windows 11 and QBR read, and no raw vendor JSON.
"""
from django.db import models

from inventory.classification import BillingStatus, DeviceClass
from inventory.models.organizations import Organization, Vendor


class Device(models.Model):
    """One machine across vendors, identified by its canonical hostname key."""

    canonical_key = models.CharField(max_length=15, unique=True)
    first_seen = models.DateField()
    last_seen = models.DateField()

    class Meta:
        ordering = ["canonical_key"]

    def __str__(self):
        return self.canonical_key


class Snapshot(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    snapshot_date = models.DateField()
    vendor_device_id = models.CharField(max_length=64, help_text="NinjaOne device id / ThreatLocker computerId.")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="snapshots")
    canonical_key = models.CharField(max_length=15)

    # Names. `hostname` is what the vendor calls the machine (NinjaOne
    # systemName, ThreatLocker hostname); `clean_hostname` is it normalised.
    hostname = models.CharField(max_length=255, blank=True)
    clean_hostname = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    display_note = models.CharField(max_length=255, blank=True)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    vendor_org_name = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)

    node_class = models.CharField(max_length=40, blank=True, help_text="Vendor class (NinjaOne nodeClass).")
    device_class = models.CharField(max_length=20, choices=DeviceClass, default=DeviceClass.OTHER)
    billing_status = models.CharField(max_length=20, choices=BillingStatus, default=BillingStatus.NOT_BILLABLE)
    is_spare = models.BooleanField(default=False)
    is_online = models.BooleanField(null=True)

    os_name = models.CharField(max_length=200, blank=True)
    os_architecture = models.CharField(max_length=40, blank=True)
    os_build = models.CharField(max_length=40, blank=True)
    os_release_id = models.CharField(max_length=40, blank=True)

    # Hardware facts (NinjaOne); null when the vendor did not report them.
    cpu_model = models.CharField(max_length=200, blank=True)
    cpu_logical_cores = models.PositiveSmallIntegerField(null=True, blank=True)
    cpu_max_clock_mhz = models.PositiveIntegerField(null=True, blank=True)
    memory_bytes = models.BigIntegerField(null=True, blank=True)
    system_volume_bytes = models.BigIntegerField(null=True, blank=True)
    # From NinjaOne custom fields filled by script; null/blank = not reported.
    tpm_present = models.BooleanField(null=True, blank=True, help_text="hastpm")
    tpm_enabled = models.BooleanField(null=True, blank=True, help_text="tpmenabled")
    tpm_version = models.CharField(max_length=60, blank=True, help_text='tpmversion, e.g. "2.0, 1.38, 0"')
    secure_boot_capable = models.BooleanField(null=True, blank=True, help_text="securebootavailable (UEFI)")
    secure_boot = models.BooleanField(null=True, blank=True, help_text="securebootenabled")
    manufacturer = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=200, blank=True)
    serial_number = models.CharField(max_length=120, blank=True)
    last_contact = models.DateTimeField(null=True, blank=True)
    last_update = models.DateTimeField(null=True, blank=True)

    # ThreatLocker facts.
    group_name = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=40, blank=True)
    os_type = models.PositiveSmallIntegerField(null=True, blank=True)
    agent_version = models.CharField(
        max_length=40, blank=True, help_text="The vendor's agent version (ThreatLocker threatLockerVersion)."
    )

    class Meta:
        ordering = ["vendor", "snapshot_date", "canonical_key"]
        constraints = [
            # Its index also serves the reports, which read one vendor's day,
            # and freshness, which asks for each vendor's latest date.
            models.UniqueConstraint(
                fields=["vendor", "snapshot_date", "vendor_device_id"], name="snapshot_vendor_day_device_unique"
            ),
        ]
        indexes = [
            # Device history and search by key.
            models.Index(fields=["canonical_key", "snapshot_date"], name="snapshot_key_date"),
        ]

    def __str__(self):
        return f"{self.vendor_id}/{self.snapshot_date}/{self.hostname}"
