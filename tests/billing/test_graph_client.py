"""The Graph client against the simulator: token per tenant, paging, 429, revoked consent, bad settings."""
import math
import re

import pytest

from billing.m365.graph_client import USER_FIELDS, GraphClient
from collectors.clients.base import VendorAuthError, VendorError


def first(graph_data):
    return graph_data.tenants[0]


def test_users_are_paged_by_next_link_until_the_end(m365, graph_data):
    tenant = first(graph_data)
    client = GraphClient(tenant.tenant_id)
    pages = list(client.user_pages())
    assert len(pages) == math.ceil(len(tenant.users) / 10) > 2
    assert [len(page) for page in pages[:-1]] == [10] * (len(pages) - 1)
    ids = [user["id"] for page in pages for user in page]
    assert ids == [user["id"] for user in tenant.users]  # every user once, in order
    assert set(pages[0][0]) <= set(USER_FIELDS)  # $select was sent and applied
    assert client.token_requests == 1  # one token for the tenant, reused across pages


def test_subscribed_skus(m365, graph_data):
    tenant = first(graph_data)
    skus = GraphClient(tenant.tenant_id).subscribed_skus()
    assert {s["skuPartNumber"]: (s["prepaidUnits"]["enabled"], s["consumedUnits"]) for s in skus} == \
        graph_data.expected(tenant.tenant_id)["skus"]


def test_a_token_is_per_tenant(m365, graph_data):
    one, two = graph_data.tenants[:2]
    assert len(list(GraphClient(one.tenant_id).user_pages())[0]) == 10
    issued = m365.tokens_issued
    list(GraphClient(two.tenant_id).subscribed_skus())
    assert m365.tokens_issued == issued + 1


def test_429_waits_for_retry_after_then_continues(m365, graph_data, no_sleep):
    tenant = first(graph_data)
    m365.inject("rate_limit", count=2, path="/v1.0/users", retry_after=3)
    client = GraphClient(tenant.tenant_id, sleep=no_sleep)
    users = [user for page in client.user_pages() for user in page]
    assert len(users) == len(tenant.users)
    assert no_sleep == [3.0, 3.0]


def test_a_retry_after_longer_than_allowed_fails_the_call(m365, graph_data, settings, no_sleep):
    settings.COLLECTORS_RETRY_AFTER_MAX_SECONDS = 10
    m365.inject("rate_limit", path="/v1.0/subscribedSkus", retry_after=600)
    with pytest.raises(VendorError, match="Retry-After 600s, longer than the 10s allowed"):
        GraphClient(first(graph_data).tenant_id, sleep=no_sleep).subscribed_skus()
    assert no_sleep == []


def test_server_errors_are_retried_then_given_up(m365, graph_data, no_sleep):
    m365.inject("server_error", count=-1, path="/v1.0/users")
    with pytest.raises(VendorError) as caught:
        list(GraphClient(first(graph_data).tenant_id, sleep=no_sleep).user_pages())
    assert "Microsoft 365 GET /v1.0/users page 1 failed: server error (HTTP 500: generalException" in str(caught.value)
    assert "gave up after 3 attempts" in str(caught.value)


def test_an_expired_token_is_renewed_once(m365, graph_data):
    tenant = first(graph_data)
    client = GraphClient(tenant.tenant_id)
    pages = client.user_pages()
    next(pages)
    m365.expire_tokens()
    assert sum(len(page) for page in pages) == len(tenant.users) - 10
    assert client.token_requests == 2


def test_revoked_consent_is_an_auth_error_naming_the_cause(m365, graph_data):
    tenant = first(graph_data)
    m365.revoke(tenant.tenant_id, "consent")
    with pytest.raises(VendorAuthError) as caught:
        GraphClient(tenant.tenant_id).subscribed_skus()
    assert caught.value.status == 403
    assert "HTTP 403: Authorization_RequestDenied: Insufficient privileges" in str(caught.value)


def test_an_app_removed_from_the_tenant_refuses_the_token(m365, graph_data):
    tenant = first(graph_data)
    m365.revoke(tenant.tenant_id, "app")
    with pytest.raises(VendorAuthError) as caught:
        GraphClient(tenant.tenant_id).subscribed_skus()
    message = str(caught.value)
    assert message.startswith("Microsoft 365 POST token failed: authentication refused (HTTP 401: AADSTS700016")
    assert "is the app still consented in this tenant?" in message
    assert "sim-m365-secret" not in message


def test_a_wrong_secret_is_refused_without_showing_it(m365, graph_data, settings):
    settings.ESINV_M365_CLIENT_SECRET = "not-the-secret"
    with pytest.raises(VendorAuthError) as caught:
        GraphClient(first(graph_data).tenant_id).subscribed_skus()
    assert "AADSTS7000215" in str(caught.value) and "not-the-secret" not in str(caught.value)


def test_a_next_link_to_another_host_is_not_followed(m365, graph_data):
    # The simulator writes its links on 127.0.0.1; a client configured with `localhost` must not send its token there.
    client = GraphClient(first(graph_data).tenant_id, graph_url=m365.url.replace("127.0.0.1", "localhost"))
    pages = client.user_pages()
    next(pages)
    with pytest.raises(VendorError, match="@odata.nextLink does not point at ESINV_M365_GRAPH_URL"):
        next(pages)


def test_a_slow_answer_times_out(m365, graph_data, settings, no_sleep):
    settings.COLLECTORS_READ_TIMEOUT = 0.2
    settings.COLLECTORS_HTTP_RETRIES = 0
    m365.inject("slow", path="/v1.0/subscribedSkus", seconds=0.6)
    with pytest.raises(VendorError, match=r"timed out \(connect 10s, read 0.2s\); gave up after 1 attempts"):
        GraphClient(first(graph_data).tenant_id, sleep=no_sleep).subscribed_skus()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("ESINV_M365_CLIENT_ID", "", "ESINV_M365_CLIENT_ID not set"),
    ("ESINV_M365_CLIENT_SECRET", "", "ESINV_M365_CLIENT_SECRET not set"),
    ("ESINV_M365_GRAPH_URL", "graph.microsoft.com", "ESINV_M365_GRAPH_URL must be an http(s) URL"),
    ("ESINV_M365_AUTHORITY", "ftp://login", "ESINV_M365_AUTHORITY must be an http(s) URL"),
    ("ESINV_M365_PAGE_SIZE", "many", "ESINV_M365_PAGE_SIZE must be a number"),
])
def test_bad_settings_fail_with_the_setting_named(m365, graph_data, settings, name, value, message):
    setattr(settings, name, value)
    with pytest.raises(VendorError, match=re.escape(message)):
        GraphClient(first(graph_data).tenant_id).subscribed_skus()


def test_page_size_is_capped_at_graphs_maximum(settings):
    settings.ESINV_M365_PAGE_SIZE = 5000
    assert GraphClient("00000000-0000-0000-0000-000000000001").page_size == 999
