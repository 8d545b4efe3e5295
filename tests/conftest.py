import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from esinv.models import APIKey
from tests.simulators import SleepRecorder


@pytest.fixture
def client_anon():
    return APIClient()


@pytest.fixture
def read_key(db):
    return APIKey.issue("reader")[1]


@pytest.fixture
def write_key(db):
    return APIKey.issue("writer", can_write=True)[1]


@pytest.fixture
def reader(read_key):
    """An API client authenticated with a read-only key."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=read_key)
    return client


@pytest.fixture
def writer(write_key):
    """An API client authenticated with a write key (Bearer form)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_key}")
    return client


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user("tech", "tech@example.com", "pw-Strong-123", is_staff=True)


@pytest.fixture
def staff_client(staff_user):
    """A session-authenticated staff client that enforces CSRF like a browser."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


@pytest.fixture
def no_sleep():
    """Pass as a client's `sleep`: records the waits instead of sleeping (tests.simulators.SleepRecorder)."""
    return SleepRecorder()
