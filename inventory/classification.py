"""Device classes, spares and billing (docs/domain.md, "Device classes and billing").

Plain functions over plain values so the billing rules are testable alone and
every caller (collectors, QBR, reports) applies the same ones.
"""
import re
from functools import lru_cache

from django.conf import settings

from esinv.choices import ChoiceSet


class DeviceClass(ChoiceSet):
    WORKSTATION = "workstation"
    SERVER = "server"
    VIRTUALIZATION_HOST = "virtualization_host"
    OTHER = "other"
    CHOICES = [
        (WORKSTATION, "Workstation"),
        (SERVER, "Server"),
        (VIRTUALIZATION_HOST, "Virtualization host"),
        (OTHER, "Other"),
    ]


class BillingStatus(ChoiceSet):
    BILLABLE = "billable"
    SPARE = "spare"
    INTERNAL = "internal"
    NOT_BILLABLE = "not_billable"
    CHOICES = [
        (BILLABLE, "Billable"),
        (SPARE, "Spare"),
        (INTERNAL, "Internal organization"),
        (NOT_BILLABLE, "Not billable"),
    ]


_NODE_CLASSES = {
    "WINDOWS_WORKSTATION": DeviceClass.WORKSTATION,
    "MAC": DeviceClass.WORKSTATION,
    "LINUX_WORKSTATION": DeviceClass.WORKSTATION,
    "WINDOWS_SERVER": DeviceClass.SERVER,
    "LINUX_SERVER": DeviceClass.SERVER,
    "VMWARE_VM_HOST": DeviceClass.VIRTUALIZATION_HOST,
    "HYPERV_VMM_HOST": DeviceClass.VIRTUALIZATION_HOST,
}

WINDOWS_NODE_CLASSES = frozenset({"WINDOWS_WORKSTATION", "WINDOWS_SERVER"})


def device_class_for(node_class: str | None) -> str:
    """NinjaOne `nodeClass` -> our device class; anything unknown is `other`."""
    return _NODE_CLASSES.get((node_class or "").upper(), DeviceClass.OTHER)


@lru_cache(maxsize=8)
def _spare_regex(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def is_spare(*texts: str | None, pattern: str | None = None) -> bool:
    """True when any text (display name, location name) carries the spare word."""
    regex = _spare_regex(pattern or settings.ESINV_SPARE_PATTERN)
    return any(text and regex.search(text) for text in texts)


def billing_status_for(device_class: str, spare: bool, internal_org: bool) -> str:
    if internal_org:
        return BillingStatus.INTERNAL
    if spare:
        return BillingStatus.SPARE
    if device_class in (DeviceClass.WORKSTATION, DeviceClass.SERVER):
        return BillingStatus.BILLABLE
    return BillingStatus.NOT_BILLABLE


def counts_as_seat(device_class: str, billing_status: str) -> bool:
    return billing_status == BillingStatus.BILLABLE and device_class == DeviceClass.WORKSTATION


def counts_as_endpoint(device_class: str, billing_status: str) -> bool:
    return billing_status == BillingStatus.BILLABLE and device_class in (DeviceClass.WORKSTATION, DeviceClass.SERVER)
