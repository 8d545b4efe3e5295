import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from qbr.services import record_collected_metric, record_manual_metric


def _session_client(django_user_model, username, *, groups=(), staff=False, csrf=False):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-Strong-123", is_staff=staff)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = APIClient(enforce_csrf_checks=csrf)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def qbr_nogroup(db, django_user_model):
    """Signed in (e.g. through Microsoft) but in no QBR group."""
    return _session_client(django_user_model, "nogroup")


@pytest.fixture
def qbr_reader(db, django_user_model):
    return _session_client(django_user_model, "qreader", groups=["QBR"])


@pytest.fixture
def qbr_editor(db, django_user_model):
    return _session_client(django_user_model, "qeditor", groups=["QBR editors"])


@pytest.fixture
def qbr_editor_csrf(db, django_user_model):
    return _session_client(django_user_model, "qeditor2", groups=["QBR editors"], csrf=True)


@pytest.fixture
def qbr_staff(db, django_user_model):
    """Staff without a QBR group: may read, may not write."""
    return _session_client(django_user_model, "qstaff", staff=True)


@pytest.fixture
def metrics(db):
    """Write monthly values: metrics("2025-10", seats_managed=10, mrr=(5000, "manual"))."""

    def write(period, organization_id=1, **values):
        for name, value in values.items():
            source = "collected"
            if isinstance(value, tuple):
                value, source = value
            if source == "collected":
                from qbr.catalogue import CATALOGUE

                record_collected_metric(period, organization_id, CATALOGUE[name].source_vendor_id or 1, name, value)
            else:
                record_manual_metric(period, organization_id, None, name, value, actor="test")

    return write
