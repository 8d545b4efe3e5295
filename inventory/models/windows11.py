"""Windows 11 24H2 readiness: stored assessments, run records and CPU overrides."""
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from esinv.choices import ChoiceSet, RunStatus
from inventory.models.organizations import Organization
from inventory.models.snapshots import Device
from inventory.windows11.engine import AssessmentCategory, AssessmentStatus


class CpuMatch(ChoiceSet):
    EXACT, CONTAINS, REGEX = "exact", "contains", "regex"
    CHOICES = [(EXACT, "exact"), (CONTAINS, "contains (whole words)"), (REGEX, "regular expression")]


class CpuOverrideSource(ChoiceSet):
    MANUAL, IMPORT = "manual", "import"
    CHOICES = [(MANUAL, "entered by staff"), (IMPORT, "imported from Microsoft's list")]


class Windows11RunStatus(RunStatus):
    """Status of a Windows 11 run: the shared run vocabulary's running, completed and failed (never queued)."""

    CHOICES = RunStatus.only(RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED)


class CpuOverride(models.Model):
    """Staff's word on a CPU brand string; it wins over the built-in rule.

    `exact` and `contains` compare normalised brand strings (lower case, no
    (R)/(TM), clock, "CPU" or graphics tail); `contains` matches whole tokens
    ("ryzen 5 2600" does not match "ryzen 5 2600x"). `regex` searches the raw
    brand string, case-insensitively. Exact beats contains (longest first),
    which beats regex.
    """

    EXACT, CONTAINS, REGEX = CpuMatch.EXACT, CpuMatch.CONTAINS, CpuMatch.REGEX
    MANUAL, IMPORT = CpuOverrideSource.MANUAL, CpuOverrideSource.IMPORT

    pattern = models.CharField(max_length=200)
    match_type = models.CharField(max_length=10, choices=CpuMatch, default=CONTAINS)
    supported = models.BooleanField(help_text="Supported for Windows 11 24H2 when the pattern matches.")
    note = models.CharField(max_length=255, blank=True, help_text="Why: a source, a ticket, a device.")
    source = models.CharField(max_length=10, choices=CpuOverrideSource, default=MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pattern"]
        verbose_name = "Windows 11 CPU override"
        constraints = [models.UniqueConstraint(fields=["match_type", "pattern"], name="cpu_override_unique")]

    def __str__(self):
        return f"{self.pattern} ({self.match_type}) → {'supported' if self.supported else 'unsupported'}"

    def clean(self):
        self.pattern = (self.pattern or "").strip()
        if not self.pattern:
            raise ValidationError({"pattern": "A pattern is required."})
        if self.match_type == self.REGEX:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValidationError({"pattern": f"Not a valid regular expression: {exc}"}) from None


class SupportedProcessor(models.Model):
    """One row of Microsoft's Windows 11 supported-processor lists (Manufacturer, Series, Model).

    Filled from the CSV files shipped in ``inventory/windows11/data/`` on the
    first assessment (when the table is empty) and refreshed with
    ``manage.py import_cpu_list``. A brand string that matches a row is
    supported (`inventory.windows11.microsoft_list`).
    """

    manufacturer = models.CharField(max_length=40)
    series = models.CharField(max_length=120, blank=True)
    model = models.CharField(max_length=120)
    list_date = models.DateField(null=True, blank=True, help_text="Date of Microsoft's list, when known.")
    source = models.CharField(max_length=255, blank=True, help_text="File the row was loaded from.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manufacturer", "series", "model"]
        verbose_name = "Windows 11 supported processor (Microsoft list)"

    def __str__(self):
        return f"{self.manufacturer} {self.series} {self.model}"


class Windows11Run(models.Model):
    """One assessment run. At most one is `running` at a time (a database constraint, not a lock in memory)."""

    RUNNING, COMPLETED, FAILED = RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED

    status = models.CharField(max_length=10, choices=Windows11RunStatus, default=RUNNING)
    trigger = models.CharField(max_length=20, default="manual", help_text="api, command, schedule")
    actor = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    snapshot_date = models.DateField(null=True, blank=True)
    total_devices = models.PositiveIntegerField(default=0)
    compatible_devices = models.PositiveIntegerField(default=0)
    incompatible_devices = models.PositiveIntegerField(default=0)
    not_assessed_devices = models.PositiveIntegerField(default=0)
    already_on_24h2_devices = models.PositiveIntegerField(default=0)
    on_24h2_unsupported_devices = models.PositiveIntegerField(
        default=0, help_text="Of the devices already on 24H2, those whose hardware fails a requirement.")
    hardware_compatible_devices = models.PositiveIntegerField(
        default=0, help_text="Devices whose hardware passes every requirement, already on 24H2 or not.")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "Windows 11 assessment run"
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="running"), name="win11_one_running_run"),
        ]

    def __str__(self):
        return f"Windows 11 run {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class Windows11Assessment(models.Model):
    """The latest Windows 11 24H2 verdict for one NinjaOne Windows workstation (replaced by each run)."""

    COMPATIBLE, INCOMPATIBLE, NOT_ASSESSED = (
        AssessmentStatus.COMPATIBLE, AssessmentStatus.INCOMPATIBLE, AssessmentStatus.NOT_ASSESSED)
    ALREADY_ON_24H2 = AssessmentStatus.ALREADY_ON_24H2

    # No foreign-key indexes on purpose (see Meta.indexes): runs, devices and
    # organizations are looked up rarely, and a scan is one table of one row
    # per Windows workstation.
    run = models.ForeignKey(Windows11Run, on_delete=models.CASCADE, related_name="assessments", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="windows11_assessments",
                               db_index=False)
    vendor_device_id = models.CharField(max_length=64, help_text="NinjaOne device id (unique per run: the "
                                        "snapshot's own constraint).")
    hostname = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", db_index=False)
    status = models.CharField(max_length=15, choices=AssessmentStatus, help_text="The hardware verdict.")
    # Exactly one per device: already_on_24h2 when the build is 26100 or later,
    # else the status. The counts, lists, page and exports partition by it.
    category = models.CharField(max_length=15, choices=AssessmentCategory, default=COMPATIBLE)
    already_on_24h2 = models.BooleanField(default=False, help_text="Build 26100 or later.")
    os_name = models.CharField(max_length=200, blank=True)
    os_build = models.CharField(max_length=40, blank=True)
    passed_requirements = models.JSONField(default=list)
    deficiencies = models.JSONField(default=list, help_text="[{requirement, label, found, needed, remediation}]")
    # "|tpm_2|memory|": lets the admin filter and the status endpoint count by
    # deficiency with a LIKE on both SQLite and PostgreSQL.
    deficiency_codes = models.CharField(max_length=200, blank=True)
    missing_facts = models.JSONField(default=list, help_text="[{requirement, facts, reason}]")
    missing_codes = models.CharField(max_length=200, blank=True, help_text="Requirements lacking data, as |a|b|.")
    cpu_verdict = models.CharField(max_length=12, blank=True, help_text="supported / unsupported / unknown")
    cpu_rule = models.CharField(max_length=80, blank=True, help_text="The rule or override that decided.")
    cpu_reason = models.CharField(max_length=300, blank=True)
    cpu_model = models.CharField(max_length=200, blank=True)
    system_manufacturer = models.CharField(max_length=200, blank=True)
    system_model = models.CharField(max_length=200, blank=True)
    last_contact = models.DateTimeField(null=True, blank=True)
    last_update = models.DateTimeField(null=True, blank=True)
    snapshot_date = models.DateField()
    assessment_date = models.DateTimeField()

    class Meta:
        ordering = ["hostname"]
        verbose_name = "Windows 11 assessment"
        # One index: the lists filter by category and page in hostname order. Every
        # run rewrites the whole table, so each further index costs every run;
        # organization filters scan at most one row per Windows workstation.
        indexes = [models.Index(fields=["category", "hostname"], name="win11_category_hostname")]

    def __str__(self):
        return f"{self.hostname}: {self.status}"

    @property
    def on_unsupported_hardware(self) -> bool:
        """The flag inside the already-on-24H2 category: the device runs 24H2 on hardware that fails."""
        return self.already_on_24h2 and self.status == self.INCOMPATIBLE
