"""Where the hub's events go (channels, with the events and filters each wants) and what was sent (deliveries
and every attempt)."""
import uuid

from django.db import models

from esinv.choices import ChoiceSet
from inventory.models import Organization


class Event(ChoiceSet):
    RECONCILIATION_FINISHED = "reconciliation.finished"
    COLLECTOR_FAILED = "collector.failed"
    VENDOR_STALE = "vendor.stale"
    BATCH_STUCK = "batch.stuck"
    WINDOWS11_FINISHED = "windows11.finished"
    WINDOWS11_FAILED = "windows11.failed"
    EXPORT_READY = "export.ready"
    DIGEST = "digest.daily"
    TEST = "test"
    CHOICES = [
        (RECONCILIATION_FINISHED, "Reconciliation finished (new / gone / open counts per type)"),
        (COLLECTOR_FAILED, "A collector job failed"),
        (VENDOR_STALE, "A vendor's data is stale (checked daily)"),
        (BATCH_STUCK, "A collection batch was stuck and cleaned up"),
        (WINDOWS11_FINISHED, "Windows 11 assessment finished"),
        (WINDOWS11_FAILED, "Windows 11 assessment failed"),
        (EXPORT_READY, "An export job is ready to download"),
        (DIGEST, "Daily digest (e-mail channels)"),
    ]


class ChannelKind(ChoiceSet):
    WEBHOOK = "webhook"
    SLACK = "slack"
    TEAMS = "teams"
    EMAIL = "email"
    CHOICES = [
        (WEBHOOK, "Generic webhook (JSON, HMAC-SHA256 signed)"),
        (SLACK, "Slack incoming webhook"),
        (TEAMS, "Microsoft Teams (Workflows webhook, message card)"),
        (EMAIL, "E-mail (Django's mail settings)"),
    ]


class Channel(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=ChannelKind, default=ChannelKind.WEBHOOK)
    url = models.URLField(max_length=500, blank=True, help_text="Webhook, Slack and Teams: where to POST.")
    recipients = models.CharField(max_length=1000, blank=True, help_text="E-mail: addresses, comma-separated.")
    secret = models.CharField(max_length=200, blank=True,
                              help_text="Webhook only: key of the X-ESInv-Signature HMAC-SHA256 of the body.")
    events = models.JSONField(default=list, help_text="Event types sent here, e.g. [\"reconciliation.finished\"].")
    exception_types = models.JSONField(
        default=list, blank=True,
        help_text="Only reconciliations with exceptions of these types, e.g. [\"MISSING_THREATLOCKER\"] (empty: any).")
    organizations = models.ManyToManyField(
        Organization, blank=True, help_text="Only events about these clients (empty: every client).")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class DeliveryStatus(ChoiceSet):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CHOICES = [(PENDING, "Pending", "blue"), (DELIVERED, "Delivered", "green"), (FAILED, "Failed", "red")]


class Delivery(models.Model):
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField(help_text="The event's data, as sent.")
    status = models.CharField(max_length=12, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.event} → {self.channel.name} ({self.status})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    number = models.PositiveSmallIntegerField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    success = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"attempt {self.number}: {self.response_code or self.error[:60]}"
