"""Each vendor client against the simulators: paging, every injected fault, token handling."""
import pytest

from collectors.clients.base import VendorAuthError, VendorError
from collectors.clients.ninja import NinjaClient
from collectors.clients.threatlocker import ListingChanged, ThreatLockerClient
from collectors.simulators import VendorSimulators, generate_msp

pytestmark = pytest.mark.usefixtures("sims")

CUSTOM_FIELDS = ["hastpm", "tpmenabled", "tpmversion", "securebootavailable", "securebootenabled"]


def ninja(no_sleep, **kwargs):
    return NinjaClient(sleep=no_sleep, **kwargs)


def devices(client) -> list[dict]:
    return [row for page in client.device_pages() for row in page]


def requests_to(sim, fragment):
    return sum(count for path, count in sim.requests.items() if fragment in path)


class TestNinjaHappyPath:
    def test_reads_organizations_locations_devices_and_custom_fields(self, sims, dataset, no_sleep):
        client = ninja(no_sleep)
        rows = dataset.day(0)[0]
        assert [o["name"] for o in client.organizations()] == [c.ninja_name for c in dataset.clients]
        assert len(client.locations()) == len(dataset.locations)
        fetched = devices(client)
        assert [d["id"] for d in fetched] == [r.id for r in rows]
        assert len({d["id"] for d in fetched}) == len(fetched)
        results = [r for page in client.custom_field_pages(CUSTOM_FIELDS) for r in page]
        expected = [r.id for r in rows if dataset.ninja_custom_fields(r)]
        assert [r["deviceId"] for r in results] == expected
        assert set(results[0]["fields"]) == set(CUSTOM_FIELDS)
        assert client.token_requests == 1 and no_sleep == []

    def test_api_prefix_and_token_path_alternatives(self, sims, dataset, settings, no_sleep):
        settings.NINJA_API_PREFIX = "/api/v2"
        settings.NINJA_TOKEN_PATH = "/oauth/token"
        before = requests_to(sims.ninja, "/api/v2/organizations")
        assert len(ninja(no_sleep).organizations()) == len(dataset.clients)
        # One short page, then the empty page that confirms it was the last.
        assert requests_to(sims.ninja, "/api/v2/organizations") == before + 2


class TestNinjaPaging:
    def test_exactly_page_size_ends_on_an_empty_page(self, sims, dataset, no_sleep):
        total = len(dataset.day(0)[0])
        before = requests_to(sims.ninja, "devices-detailed")
        assert len(devices(ninja(no_sleep, page_size=total))) == total
        assert requests_to(sims.ninja, "devices-detailed") == before + 2  # one full page, one empty

    def test_a_short_page_is_trusted_as_the_last_only_when_an_empty_page_follows(self, sims, dataset, no_sleep):
        total = len(dataset.day(0)[0])
        before = requests_to(sims.ninja, "devices-detailed")
        assert len(devices(ninja(no_sleep, page_size=total + 1))) == total
        assert requests_to(sims.ninja, "devices-detailed") == before + 2

    def test_empty_tenant(self, fast_retries, no_sleep):
        empty = generate_msp(devices=40, seed=2)
        empty.machines = []
        with VendorSimulators(empty) as other:
            client = NinjaClient(other.ninja.url, "sim-client", "sim-secret", page_size=10, sleep=no_sleep)
            assert devices(client) == []
            assert list(client.custom_field_pages(CUSTOM_FIELDS)) == []
            tl = ThreatLockerClient(other.threatlocker.url, "sim-api-key", other.threatlocker.organization_id,
                                    page_size=10, sleep=no_sleep)
            assert list(tl.computer_pages()) == []

    def test_a_device_added_while_paging_is_read_once(self, sims, dataset, no_sleep):
        sims.ninja.inject("page_shift", path="devices-detailed")
        fetched = devices(ninja(no_sleep))
        ids = [d["id"] for d in fetched]
        assert len(ids) == len(set(ids)) == len(dataset.day(0)[0]) + 1


class TestNinjaFaults:
    def test_429_waits_for_retry_after(self, sims, dataset, no_sleep):
        sims.ninja.inject("rate_limit", path="devices-detailed", retry_after=7)
        assert len(devices(ninja(no_sleep))) == len(dataset.day(0)[0])
        assert no_sleep == [7.0]

    def test_500s_are_retried_with_backoff(self, sims, dataset, no_sleep):
        sims.ninja.inject("server_error", count=2, path="organizations")
        assert len(ninja(no_sleep).organizations()) == len(dataset.clients)
        assert len(no_sleep) == 2 and no_sleep[1] > no_sleep[0]

    def test_truncated_json_is_retried(self, sims, dataset, no_sleep):
        sims.ninja.inject("truncate", path="devices-detailed")
        assert len(devices(ninja(no_sleep))) == len(dataset.day(0)[0])
        assert len(no_sleep) == 1

    def test_slow_answer_times_out_and_is_retried(self, sims, settings, dataset, no_sleep):
        settings.COLLECTORS_READ_TIMEOUT = 0.2
        sims.ninja.inject("slow", path="organizations", seconds=0.6)
        assert len(ninja(no_sleep).organizations()) == len(dataset.clients)
        assert len(no_sleep) == 1

    def test_expired_token_is_renewed_once_on_401(self, sims, dataset, no_sleep):
        client = ninja(no_sleep)
        client.organizations()
        sims.ninja.inject("expire_token", path="locations")
        assert len(client.locations()) == len(dataset.locations)
        assert client.token_requests == 2

    def test_token_is_renewed_before_expiry(self, sims, settings, no_sleep):
        settings.NINJA_TOKEN_RENEW_SECONDS = 60
        now = [1000.0]
        client = ninja(no_sleep, clock=lambda: now[0])
        client.organizations()
        now[0] += 3600 - 59  # inside the renewal margin of the 3600 s token
        client.organizations()
        assert client.token_requests == 2

    def test_persistent_401_is_an_auth_failure(self, sims, no_sleep):
        sims.ninja.inject("unauthorized", count=-1, path="organizations")
        with pytest.raises(VendorAuthError) as caught:
            ninja(no_sleep).organizations()
        assert "NinjaOne GET /v2/organizations failed: authentication refused (HTTP 401" in str(caught.value)

    def test_wrong_client_secret_names_the_call_not_the_secret(self, sims, no_sleep):
        with pytest.raises(VendorAuthError) as caught:
            ninja(no_sleep, client_secret="wrong-secret-value").organizations()
        assert str(caught.value).startswith("NinjaOne POST token failed: authentication refused (HTTP 401")
        assert "wrong-secret-value" not in str(caught.value)

    def test_retries_exhausted(self, sims, settings, no_sleep):
        settings.COLLECTORS_HTTP_RETRIES = 2
        sims.ninja.inject("server_error", count=-1, path="devices-detailed")
        with pytest.raises(VendorError) as caught:
            devices(ninja(no_sleep))
        message = str(caught.value)
        assert message.startswith("NinjaOne GET /v2/devices-detailed failed: server error (HTTP 500")
        assert "gave up after 3 attempts" in message and len(no_sleep) == 2

    def test_retry_after_longer_than_allowed_fails_at_once(self, sims, settings, no_sleep):
        settings.COLLECTORS_RETRY_AFTER_MAX_SECONDS = 30
        sims.ninja.inject("rate_limit", path="organizations", retry_after=3600)
        with pytest.raises(VendorError, match="Retry-After 3600s"):
            ninja(no_sleep).organizations()
        assert no_sleep == []

    def test_connection_refused_is_retried_then_fails(self, fast_retries, no_sleep):
        client = NinjaClient("http://127.0.0.1:9", "id", "secret", sleep=no_sleep)
        with pytest.raises(VendorError, match="could not connect"):
            client.organizations()
        assert len(no_sleep) == fast_retries.COLLECTORS_HTTP_RETRIES


def tl(no_sleep, **kwargs):
    return ThreatLockerClient(sleep=no_sleep, **kwargs)


def computers(client):
    return [row for page in client.computer_pages() for row in page]


class TestThreatLocker:
    def test_happy_path_and_child_organizations(self, sims, dataset, no_sleep):
        client = tl(no_sleep)
        rows = computers(client)
        assert [r["computerId"] for r in rows] == [r.computer_id for r in dataset.day(0)[1]]
        assert len(client.child_organizations()) == len(dataset.clients)

    def test_paths_are_case_insensitive(self, sims, dataset, settings, no_sleep):
        settings.THREATLOCKER_BASE_URL = sims.threatlocker.url.replace("portalapi", "portalApi")
        assert len(computers(tl(no_sleep))) == len(dataset.day(0)[1])

    def test_total_rows_stops_paging_on_an_exact_multiple(self, sims, dataset, no_sleep):
        total = len(dataset.day(0)[1])
        page_size = next(size for size in range(40, total) if total % size == 0)
        before = requests_to(sims.threatlocker, "computergetbyallparameters")
        assert len(computers(tl(no_sleep, page_size=page_size))) == total
        assert requests_to(sims.threatlocker, "computergetbyallparameters") == before + total // page_size

    def test_listing_change_is_detected(self, sims, no_sleep):
        sims.threatlocker.inject("page_shift", path="computergetbyallparameters")
        with pytest.raises(ListingChanged):
            computers(tl(no_sleep))

    @pytest.mark.parametrize("kind, params", [("rate_limit", {"retry_after": 2}), ("server_error", {}),
                                              ("truncate", {})])
    def test_transient_faults_are_retried(self, sims, dataset, no_sleep, kind, params):
        sims.threatlocker.inject(kind, path="computergetbyallparameters", **params)
        assert len(computers(tl(no_sleep))) == len(dataset.day(0)[1])
        assert len(no_sleep) == 1
        if kind == "rate_limit":
            assert no_sleep == [2.0]

    def test_wrong_api_key(self, sims, no_sleep):
        with pytest.raises(VendorAuthError) as caught:
            computers(tl(no_sleep, api_key="not-the-key"))
        assert "ThreatLocker POST Computer/ComputerGetByAllParameters failed: authentication refused (HTTP 401: " \
               "Invalid API key)" == str(caught.value)

    def test_wrong_managed_organization(self, sims, no_sleep):
        with pytest.raises(VendorAuthError, match="HTTP 403"):
            computers(tl(no_sleep, organization_id="00000000-0000-0000-0000-000000000000"))

    def test_missing_credentials_fail_without_a_call(self, sims, no_sleep):
        with pytest.raises(VendorAuthError, match="THREATLOCKER_API_KEY"):
            computers(tl(no_sleep, api_key=""))


def test_persistent_malformed_json_fails_with_the_cause(sims, settings, no_sleep):
    settings.COLLECTORS_HTTP_RETRIES = 1
    sims.threatlocker.inject("truncate", count=-1, path="organizationgetchildorganizations")
    with pytest.raises(VendorError) as caught:
        tl(no_sleep).child_organizations()
    assert str(caught.value).startswith(
        "ThreatLocker POST Organization/OrganizationGetChildOrganizationsByParameters failed: malformed JSON")
    assert "gave up after 2 attempts" in str(caught.value)


def test_the_ninja_console_links_of_the_demo_lead_to_a_page(simulators):
    """Duplicates link to `{NinjaOne origin}/#/deviceDashboard/{id}/overview`; the simulator answers that page."""
    import urllib.request

    with urllib.request.urlopen(simulators.ninja.origin + "/") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert b"deviceDashboard" in response.read()
