"""API keys: stored only as a SHA-256 digest, shown once at creation."""
import hashlib
import secrets

from django.db import models
from django.utils import timezone

from esinv.choices import ChoiceSet

KEY_PREFIX = "esk_"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class APIKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class APIKey(models.Model):
    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters of the key, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(default=False, help_text="Write keys may call POST endpoints.")
    billing_scope = models.BooleanField(
        default=False, verbose_name="billing scope",
        help_text="May use the billing API (/api/billing/: money, prices, exports; resolve and accept with "
                  "write). Without it billing answers 403.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = APIKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self):
        scope = ", billing" if self.billing_scope else ""
        return f"{self.name} ({'write' if self.can_write else 'read-only'}{scope})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, name: str, can_write: bool = False, billing_scope: bool = False) -> tuple["APIKey", str]:
        """Create a key; returns the row and the raw key (never stored)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=raw[:12], key_hash=hash_key(raw), can_write=can_write,
                                 billing_scope=billing_scope)
        return key, raw

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class AuthFailureKind(ChoiceSet):
    PASSWORD = "password"
    API_KEY = "api_key"
    CHOICES = [(PASSWORD, "Password sign-in"), (API_KEY, "API key")]


class AuthFailure(models.Model):
    """One failed authentication (a wrong password or API key) from a client address; the lockout counts these."""

    PASSWORD = AuthFailureKind.PASSWORD
    API_KEY = AuthFailureKind.API_KEY

    address = models.CharField(max_length=64, help_text="Client address the attempt came from.")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=AuthFailureKind)
    username = models.CharField(max_length=150, blank=True, help_text="Name tried (password sign-ins only).")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["address", "at"], name="esinv_authfail_addr_at")]
        verbose_name = "failed sign-in"

    def __str__(self):
        return f"{self.get_kind_display()} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
