from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from inventory.models import Vendor
from inventory.windows11.engine import GIB
from tests import factories

DAY = date(2026, 11, 23)

WIN11_GOOD = dict(
    cpu_model="Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", cpu_logical_cores=8, cpu_max_clock_mhz=1800,
    memory_bytes=8 * GIB, system_volume_bytes=256 * GIB, os_name="Windows 10 Pro", os_architecture="64-bit",
    os_build="19045", tpm_present=True, tpm_enabled=True, tpm_version="2.0, 1.38, 0",
    secure_boot_capable=True, secure_boot=True,
)


def signed_in_client(django_user_model, username, *, staff=False, groups=()):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-Strong-123",
                                                 is_staff=staff)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(db, django_user_model):
    return signed_in_client(django_user_model, "tech", staff=True)


@pytest.fixture
def member(db, django_user_model):
    """Signed in, not staff, in no group (e.g. a Microsoft sign-in)."""
    return signed_in_client(django_user_model, "viewer")


@pytest.fixture
def viewer(db, django_user_model, settings):
    """Signed in, not staff, in the Viewers group: reads inventory pages, changes nothing."""
    return signed_in_client(django_user_model, "inventory-viewer", groups=[settings.ESINV_VIEWER_GROUP])


@pytest.fixture
def qbr_member(db, django_user_model, settings):
    return signed_in_client(django_user_model, "qbr-user", groups=[settings.QBR_READER_GROUP])


@pytest.fixture
def reconciled(db):
    """One day of both vendors with a missing-in-ThreatLocker device and a missing-in-NinjaOne one, reconciled."""
    from variances.services import reconcile_day

    factories.snapshot(Vendor.NINJA, "WS-BOTH", day=DAY)
    factories.snapshot(Vendor.THREATLOCKER, "WS-BOTH.corp.local", day=DAY)
    factories.snapshot(Vendor.NINJA, "WS-NOTL", day=DAY, org="Beta LLC")
    factories.snapshot(Vendor.THREATLOCKER, "WS-NONINJA", day=DAY)
    reconcile_day(DAY)
    return DAY


@pytest.fixture
def win11_fleet(db):
    from inventory.windows11.service import run_assessment

    factories.snapshot(Vendor.NINJA, "GOOD-1", day=DAY, **WIN11_GOOD)
    factories.snapshot(Vendor.NINJA, "OLD-TPM", day=DAY, **{**WIN11_GOOD, "tpm_version": "1.2"})
    factories.snapshot(Vendor.NINJA, "OLD-RAM", day=DAY, org="Beta LLC", **{**WIN11_GOOD, "memory_bytes": 2 * GIB})
    factories.snapshot(Vendor.NINJA, "GOOD-2", day=DAY, org="Beta LLC", **WIN11_GOOD)
    return run_assessment()
