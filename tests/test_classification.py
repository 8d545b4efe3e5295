import pytest

from inventory.classification import (
    BillingStatus,
    DeviceClass,
    billing_status_for,
    counts_as_endpoint,
    counts_as_seat,
    device_class_for,
    is_spare,
)


@pytest.mark.parametrize(
    "node_class, expected",
    [
        ("WINDOWS_WORKSTATION", DeviceClass.WORKSTATION),
        ("MAC", DeviceClass.WORKSTATION),
        ("LINUX_WORKSTATION", DeviceClass.WORKSTATION),
        ("WINDOWS_SERVER", DeviceClass.SERVER),
        ("LINUX_SERVER", DeviceClass.SERVER),
        ("VMWARE_VM_HOST", DeviceClass.VIRTUALIZATION_HOST),
        ("HYPERV_VMM_HOST", DeviceClass.VIRTUALIZATION_HOST),
        ("VMWARE_VM_GUEST", DeviceClass.OTHER),
        ("NMS_SWITCH", DeviceClass.OTHER),
        ("CLOUD_MONITOR_TARGET", DeviceClass.OTHER),
        ("MAC_SERVER", DeviceClass.OTHER),
        ("", DeviceClass.OTHER),
        (None, DeviceClass.OTHER),
        ("windows_workstation", DeviceClass.WORKSTATION),
    ],
)
def test_device_class_from_node_class(node_class, expected):
    assert device_class_for(node_class) == expected


@pytest.mark.parametrize(
    "texts, spare",
    [
        (("PC-01 | SPARE", "Main"), True),
        (("PC-01 | spare laptop", "Main"), True),
        (("PC-01", "Spare Closet"), True),
        (("PC-01 | Sparent", "Main"), False),  # a word, not a substring
        (("PC-01", None), False),
        ((None, None), False),
    ],
)
def test_spare_pattern(texts, spare):
    assert is_spare(*texts) is spare


def test_spare_pattern_is_a_setting(settings):
    settings.ESINV_SPARE_PATTERN = r"\bRESERVE\b"
    assert is_spare("PC | reserve") is True
    assert is_spare("PC | SPARE") is False


@pytest.mark.parametrize(
    "device_class, spare, internal, status",
    [
        (DeviceClass.WORKSTATION, False, False, BillingStatus.BILLABLE),
        (DeviceClass.SERVER, False, False, BillingStatus.BILLABLE),
        (DeviceClass.VIRTUALIZATION_HOST, False, False, BillingStatus.NOT_BILLABLE),
        (DeviceClass.OTHER, False, False, BillingStatus.NOT_BILLABLE),
        (DeviceClass.WORKSTATION, True, False, BillingStatus.SPARE),
        (DeviceClass.WORKSTATION, False, True, BillingStatus.INTERNAL),
        (DeviceClass.SERVER, True, True, BillingStatus.INTERNAL),
    ],
)
def test_billing_status(device_class, spare, internal, status):
    assert billing_status_for(device_class, spare, internal) == status


def test_seats_are_billable_workstations_and_endpoints_add_servers():
    assert counts_as_seat(DeviceClass.WORKSTATION, BillingStatus.BILLABLE)
    assert not counts_as_seat(DeviceClass.SERVER, BillingStatus.BILLABLE)
    assert counts_as_endpoint(DeviceClass.SERVER, BillingStatus.BILLABLE)
    assert not counts_as_endpoint(DeviceClass.WORKSTATION, BillingStatus.SPARE)
    assert not counts_as_endpoint(DeviceClass.VIRTUALIZATION_HOST, BillingStatus.NOT_BILLABLE)
