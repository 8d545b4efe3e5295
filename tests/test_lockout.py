"""Failed sign-ins and bad API keys are counted per client address; enough of them lock the address out."""
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from esinv.lockout import LockedOut, LockoutPolicy, lockout_ends
from esinv.models import AuthFailure

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = LockoutPolicy(limit=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10))
ATTACKER = "203.0.113.7"
BYSTANDER = "198.51.100.20"


class TestLockoutRule:
    def test_fewer_failures_than_the_limit_lock_nothing(self):
        assert lockout_ends([T0, T0 + timedelta(minutes=1)], POLICY) is None

    def test_the_limit_within_the_window_locks_from_the_last_failure(self):
        failures = [T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=14)]
        assert lockout_ends(failures, POLICY) == T0 + timedelta(minutes=24)

    def test_failures_spread_wider_than_the_window_lock_nothing(self):
        assert lockout_ends([T0, T0 + timedelta(minutes=8), T0 + timedelta(minutes=15)], POLICY) is None

    def test_order_of_the_rows_does_not_matter(self):
        failures = [T0 + timedelta(minutes=2), T0, T0 + timedelta(minutes=1)]
        assert lockout_ends(failures, POLICY) == T0 + timedelta(minutes=12)

    def test_a_limit_of_zero_turns_the_lockout_off(self):
        off = LockoutPolicy(limit=0, window=POLICY.window, lockout=POLICY.lockout)
        assert lockout_ends([T0] * 50, off) is None


@pytest.fixture
def policy(settings):
    settings.ESINV_AUTH_FAILURE_LIMIT = 5
    settings.ESINV_AUTH_FAILURE_WINDOW_MINUTES = 15
    settings.ESINV_AUTH_LOCKOUT_MINUTES = 15
    return settings


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user("ops", "ops@example.com", "right-Password-1", is_staff=True)


def api_client(key, address=ATTACKER, **extra):
    client = APIClient(REMOTE_ADDR=address, **extra)
    client.credentials(HTTP_X_API_KEY=key)
    return client


def time_passes(minutes):
    for failure in AuthFailure.objects.all():
        failure.at -= timedelta(minutes=minutes)
        failure.save(update_fields=["at"])


class TestBadAPIKeys:
    def test_bad_keys_lock_the_address_out_even_for_a_good_key(self, policy, read_key):
        bad = api_client("esk_guess")
        for _ in range(5):
            assert bad.get("/api/vendors").status_code == 401
        refused = bad.get("/api/vendors")
        assert refused.status_code == 429
        body = refused.json()
        assert body["success"] is False and body["error"]["code"] == "throttled" and body["request_id"]
        assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
        assert api_client(read_key).get("/api/vendors").status_code == 429  # the right key too
        assert api_client(read_key, address=BYSTANDER).get("/api/vendors").status_code == 200

    def test_the_lockout_ends(self, policy, read_key):
        bad = api_client("esk_guess")
        for _ in range(5):
            bad.get("/api/vendors")
        time_passes(14)
        assert api_client(read_key).get("/api/vendors").status_code == 429
        time_passes(2)
        assert api_client(read_key).get("/api/vendors").status_code == 200

    def test_a_forged_forwarded_for_header_does_not_escape(self, policy, read_key):
        for n in range(5):
            api_client("esk_guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").get("/api/vendors")
        forged = api_client(read_key, HTTP_X_FORWARDED_FOR="10.0.0.99")
        assert forged.get("/api/vendors").status_code == 429

    def test_behind_a_trusted_proxy_clients_are_told_apart(self, policy, settings, read_key):
        settings.ESINV_TRUSTED_PROXIES = 1
        for _ in range(5):
            api_client("esk_guess", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {ATTACKER}").get("/api/vendors")
        locked = api_client(read_key, address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ATTACKER}")
        assert locked.get("/api/vendors").status_code == 429
        other = api_client(read_key, address="10.0.0.1", HTTP_X_FORWARDED_FOR=BYSTANDER)
        assert other.get("/api/vendors").status_code == 200

    def test_the_default_policy_allows_ten_failures_in_fifteen_minutes(self, read_key):
        bad = api_client("esk_guess")
        assert [bad.get("/api/vendors").status_code for _ in range(11)] == [401] * 10 + [429]

    def test_sessions_and_good_keys_are_not_counted(self, policy, read_key):
        good = api_client(read_key)
        for _ in range(20):
            assert good.get("/api/vendors").status_code == 200
        assert not AuthFailure.objects.exists()


def sign_in_form(path, username, password, address=ATTACKER):
    client = Client(REMOTE_ADDR=address)
    field = "login" if path.startswith("/accounts/") else "username"
    return client.post(path, {field: username, "password": password, "next": "/"})


@pytest.mark.parametrize("path", ["/admin/login/", "/accounts/login/"])
class TestSignInForms:
    def test_failures_lock_the_form_even_for_the_right_password(self, policy, account, path):
        for _ in range(5):
            response = sign_in_form(path, "ops", "wrong")
            assert response.status_code == 200  # the form again, with its error
        refused = sign_in_form(path, "ops", "right-Password-1")
        assert refused.status_code == 429
        assert "Too many failed sign-in attempts" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        assert "_auth_user_id" not in refused.wsgi_request.session
        assert sign_in_form(path, "ops", "right-Password-1", address=BYSTANDER).status_code == 302

    def test_the_right_password_still_works_below_the_limit(self, policy, account, path):
        for _ in range(4):
            sign_in_form(path, "ops", "wrong")
        assert sign_in_form(path, "ops", "right-Password-1").status_code == 302


def test_form_and_key_failures_share_one_count(policy, account, read_key):
    for _ in range(3):
        sign_in_form("/admin/login/", "ops", "wrong")
    for _ in range(2):
        api_client("esk_guess").get("/api/vendors")
    assert api_client(read_key).get("/api/vendors").status_code == 429
    assert sign_in_form("/accounts/login/", "ops", "right-Password-1").status_code == 429
    assert set(AuthFailure.objects.values_list("kind", flat=True)) == {AuthFailure.PASSWORD, AuthFailure.API_KEY}


class TestLockoutMessage:
    """One sentence, the wait in minutes from a minute on (Retry-After keeps the exact seconds)."""

    @pytest.mark.parametrize("seconds, text", [
        (1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes"),
    ])
    def test_the_wait_reads_in_minutes_from_a_minute_on(self, seconds, text):
        assert str(LockedOut(seconds)) == (
            f"Too many failed sign-in attempts from this address; try again in {text}."
        )

    def test_the_api_says_it_once(self, policy, read_key):
        bad = api_client("esk_guess")
        for _ in range(5):
            bad.get("/api/vendors")
        refused = bad.get("/api/vendors")
        error = refused.json()["error"]
        assert error["message"] == "Too many failed sign-in attempts from this address; try again in 15 minutes."
        assert error["details"] == {"retry_after_seconds": int(refused["Retry-After"])}
        assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60

    def test_the_form_page_says_it_in_minutes(self, policy, account):
        for _ in range(5):
            sign_in_form("/accounts/login/", "ops", "wrong")
        page = " ".join(sign_in_form("/accounts/login/", "ops", "right-Password-1").content.decode().split())
        assert "Try again in 15 minutes;" in page
        assert "seconds" not in page
