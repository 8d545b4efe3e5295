"""The ConnectWise client against the simulator: counts, paging, the conditions sent, every fault, credentials."""
import base64
from datetime import UTC, datetime

import pytest

from collectors.clients.base import VendorAuthError, VendorError
from collectors.clients.connectwise import ConnectWiseClient
from qbr.connectwise.collector import ReactiveFilter, collect_month, time_conditions
from qbr.periods import Month

OCT = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
HELP_DESK = ReactiveFilter(("Help Desk",))


def client(no_sleep, **kwargs):
    return ConnectWiseClient(sleep=no_sleep, **kwargs)


def calls_to(sim, fragment):
    return sum(count for path, count in sim.requests.items() if fragment in path)


def october_entries(cw_data):
    start, end = OCT
    return sorted(e["id"] for e in cw_data.time_entries if e["chargeToType"] == "ServiceTicket"
                  and start <= datetime.fromisoformat(e["timeStart"].replace("Z", "+00:00")) < end)


class TestHappyPath:
    @pytest.mark.parametrize("statuses", [(), ("Closed", "Completed"), ("New",)])
    @pytest.mark.parametrize("boards", [("Help Desk",), ("Help Desk", 'Escalations "Tier 2"'), ("Alerts",)])
    def test_month_metrics_match_the_generated_data(self, cw, cw_data, no_sleep, boards, statuses):
        result = collect_month(client(no_sleep), Month(2026, 10), ReactiveFilter(boards, statuses), zone="UTC")
        expected = cw_data.expected(*OCT, boards, statuses)
        assert result["reactive_tickets_created"] == expected["created"]
        assert expected["created"] > 0 and expected["hours"] > 0  # the case is not vacuous
        assert result["reactive_tickets_closed"] == expected["closed"]
        assert result["total_time_reactive"] == expected["hours"].quantize(result["total_time_reactive"])
        assert no_sleep == []

    def test_boundary_tickets_count_in_their_own_month(self, cw, cw_data, no_sleep):
        # The generator puts a ticket at 00:00:00 on the 1st and one at 23:59:59 on the last day.
        boards = sorted({t["board"]["name"] for t in cw_data.tickets})
        for month, (start, end) in ((Month(2026, 10), OCT),
                                    (Month(2026, 9), (datetime(2026, 9, 1, tzinfo=UTC), OCT[0]))):
            result = collect_month(client(no_sleep), month, ReactiveFilter(tuple(boards)), zone="UTC")
            assert result["reactive_tickets_created"] == 60 == cw_data.expected(start, end, boards)["created"]

    def test_a_local_time_zone_moves_the_month(self, cw, cw_data, no_sleep):
        utc = collect_month(client(no_sleep), Month(2026, 10), HELP_DESK, zone="UTC")
        local = collect_month(client(no_sleep), Month(2026, 10), HELP_DESK, zone="Pacific/Kiritimati")  # UTC+14
        start, end = datetime(2026, 9, 30, 10, tzinfo=UTC), datetime(2026, 10, 31, 10, tzinfo=UTC)
        assert local["reactive_tickets_created"] == cw_data.expected(start, end, HELP_DESK.boards)["created"]
        assert local["reactive_tickets_created"] != utc["reactive_tickets_created"]

    def test_headers(self, cw, no_sleep):
        headers = client(no_sleep).auth_headers()
        assert base64.b64decode(headers["Authorization"].removeprefix("Basic ")).decode() == \
            f"{cw.company}+{cw.public_key}:{cw.private_key}"
        assert headers["clientId"] == cw.client_id


class TestConditionsSent:
    def test_boards_and_statuses_from_settings(self, cw, settings, no_sleep):
        settings.QBR_CW_REACTIVE_BOARDS = ["Help Desk", "Alerts"]
        settings.QBR_CW_REACTIVE_STATUSES = ["Closed"]
        collect = collect_month(client(no_sleep), Month(2026, 10), ReactiveFilter.from_settings(), zone="UTC")
        assert collect["period"] == "2026-10"
        sent = cw.seen_conditions
        reactive = '(board/name="Help Desk" OR board/name="Alerts") AND (status/name="Closed")'
        assert sent[0] == ("service/tickets/count", "dateEntered>=[2026-10-01T00:00:00Z] AND "
                           f"dateEntered<[2026-11-01T00:00:00Z] AND {reactive}")
        assert sent[1] == ("service/tickets/count", "closedDate>=[2026-10-01T00:00:00Z] AND "
                           f"closedDate<[2026-11-01T00:00:00Z] AND {reactive}")
        assert sent[2] == ("time/entries", time_conditions(*OCT))
        lookups = [c for r, c in sent if r == "service/tickets"]
        assert lookups and all(c.startswith("id in (") and c.endswith(f") AND {reactive}") for c in lookups)

    def test_a_condition_the_server_rejects_fails_clearly(self, cw, no_sleep):
        with pytest.raises(VendorError) as caught:
            client(no_sleep).count_tickets('ticket/board/name="Help Desk"')
        assert str(caught.value) == ("ConnectWise GET service/tickets/count failed: refused (HTTP 400: "
                                     "conditions: unknown field 'ticket/board/name')")
        assert no_sleep == []  # a 400 is not retried


class TestPaging:
    def test_entries_are_read_once_each_over_several_pages(self, cw, cw_data, no_sleep):
        rows = [e for page in client(no_sleep, page_size=7).time_entries(time_conditions(*OCT)) for e in page]
        assert [e["id"] for e in rows] == october_entries(cw_data)
        assert set(rows[0]) <= {"id", "chargeToId", "chargeToType", "timeStart", "timeEnd", "actualHours",
                                "hoursDeducted"}

    def test_exactly_a_page_ends_on_an_empty_page(self, cw, cw_data, no_sleep):
        total = len(october_entries(cw_data))
        before = calls_to(cw, "time/entries")
        pages = list(client(no_sleep, page_size=total).time_entries(time_conditions(*OCT)))
        assert [len(p) for p in pages] == [total]
        assert calls_to(cw, "time/entries") == before + 2

    def test_one_more_than_the_total_is_one_call(self, cw, cw_data, no_sleep):
        total = len(october_entries(cw_data))
        before = calls_to(cw, "time/entries")
        list(client(no_sleep, page_size=total + 1).time_entries(time_conditions(*OCT)))
        assert calls_to(cw, "time/entries") == before + 1

    def test_nothing_matching_is_one_call_and_no_page(self, cw, no_sleep):
        start = datetime(2030, 1, 1, tzinfo=UTC)
        assert list(client(no_sleep).time_entries(time_conditions(start, start.replace(month=2)))) == []

    def test_page_size_is_capped_at_the_server_maximum(self, cw, settings, no_sleep):
        settings.CONNECTWISE_PAGE_SIZE = 5000
        assert client(no_sleep).page_size == 1000  # else a full 1000-row page would look short


class TestFaults:
    def test_rate_limit_waits_retry_after(self, cw, cw_data, no_sleep):
        cw.inject("rate_limit", count=2, path="tickets/count", retry_after=3)
        assert client(no_sleep).count_tickets("id>0") == len(cw_data.tickets)
        assert no_sleep == [3.0, 3.0]

    def test_retry_after_longer_than_allowed_fails(self, cw, settings, no_sleep):
        settings.COLLECTORS_RETRY_AFTER_MAX_SECONDS = 10
        cw.inject("rate_limit", path="tickets/count", retry_after=600)
        with pytest.raises(VendorError, match=r"^ConnectWise GET service/tickets/count failed: rate limited .*600s"):
            client(no_sleep).count_tickets("id>0")

    def test_server_error_is_retried(self, cw, cw_data, no_sleep):
        cw.inject("server_error", count=2, path="time/entries")
        rows = [e for page in client(no_sleep, page_size=10).time_entries(time_conditions(*OCT)) for e in page]
        assert [e["id"] for e in rows] == october_entries(cw_data)
        assert len(no_sleep) == 2

    def test_server_error_that_persists_fails_naming_the_call(self, cw, no_sleep):
        cw.inject("server_error", count=-1, path="time/entries", status=503)
        with pytest.raises(VendorError) as caught:
            list(client(no_sleep).time_entries(time_conditions(*OCT), call="GET time/entries (2026-10)"))
        assert str(caught.value) == ("ConnectWise GET time/entries (2026-10) page 1 failed: server error "
                                     "(HTTP 503: Internal server error); gave up after 4 attempts")

    def test_truncated_json_is_retried_then_reported(self, cw, cw_data, no_sleep):
        cw.inject("truncate", path="tickets/count")
        assert client(no_sleep).count_tickets("id>0") == len(cw_data.tickets)
        cw.inject("truncate", count=-1, path="tickets/count")
        with pytest.raises(VendorError, match=r"malformed JSON in the answer \(\d+ bytes\); gave up after 4"):
            client(no_sleep).count_tickets("id>0")

    def test_a_slow_answer_times_out_and_is_retried(self, cw, cw_data, settings, no_sleep):
        settings.COLLECTORS_READ_TIMEOUT = 0.2
        cw.inject("slow", path="tickets/count", seconds=0.6)
        assert client(no_sleep).count_tickets("id>0") == len(cw_data.tickets)
        assert len(no_sleep) == 1  # one backoff after the timeout
        cw.inject("slow", count=-1, path="tickets/count", seconds=0.3)
        with pytest.raises(VendorError, match=r"GET service/tickets/count failed: timed out \(connect [\d.]+s, "
                                              r"read 0.2s\); gave up after 4 attempts"):
            client(no_sleep).count_tickets("id>0")

    def test_faults_through_the_control_endpoint(self, cw, no_sleep):
        import requests

        answer = requests.post(f"{cw.origin}/_simulator/faults", json={"kind": "rate_limit", "retry_after": 1,
                                                                        "path": "time/entries"}, timeout=5)
        assert answer.json()["vendor"] == "connectwise" and answer.json()["faults"][0]["kind"] == "rate_limit"
        assert list(client(no_sleep).time_entries(time_conditions(*OCT)))
        assert no_sleep == [1.0]

    def test_malformed_shapes(self, cw, no_sleep, monkeypatch):
        cw_client = client(no_sleep)
        monkeypatch.setattr(cw_client, "request_json", lambda *a, **k: ({"total": 3}, None))
        with pytest.raises(VendorError, match=r'expected \{"count": N\}, got an object with keys total'):
            cw_client.count_tickets("id>0")
        monkeypatch.setattr(cw_client, "request_json", lambda *a, **k: ({"count": 3}, None))
        with pytest.raises(VendorError, match="expected a JSON array of objects, got an object with keys count"):
            list(cw_client.time_entries("id>0"))

    def test_a_server_ignoring_page_does_not_loop(self, cw, no_sleep, monkeypatch):
        cw_client = client(no_sleep, page_size=2)
        monkeypatch.setattr(cw_client, "request_json", lambda *a, **k: ([{"id": 1}, {"id": 2}], None))
        with pytest.raises(VendorError, match="paging did not advance"):
            list(cw_client.time_entries("id>0"))


class TestCredentials:
    def test_bad_keys_fail_at_once_without_the_keys_in_the_message(self, cw, no_sleep):
        secret = "wrong-private-key-xyz"
        with pytest.raises(VendorAuthError) as caught:
            client(no_sleep, private_key=secret).count_tickets("id>0")
        message = str(caught.value)
        assert message.startswith("ConnectWise GET service/tickets/count failed: authentication refused (HTTP 401")
        assert secret not in message and cw.public_key not in message
        assert no_sleep == []

    def test_missing_client_id_is_refused(self, cw, no_sleep):
        cw_client = client(no_sleep)
        cw_client._client_id = "another-integration"
        with pytest.raises(VendorAuthError, match="HTTP 401"):
            cw_client.count_tickets("id>0")

    def test_injected_unauthorized(self, cw, no_sleep):
        cw.inject("unauthorized", path="tickets/count")
        with pytest.raises(VendorAuthError, match="authentication refused"):
            client(no_sleep).count_tickets("id>0")

    def test_unset_settings_are_named(self, cw, settings, no_sleep):
        settings.CONNECTWISE_PRIVATE_KEY = ""
        settings.CONNECTWISE_CLIENT_ID = ""
        with pytest.raises(VendorAuthError) as caught:
            client(no_sleep).count_tickets("id>0")
        assert str(caught.value) == ("ConnectWise authentication failed: CONNECTWISE_PRIVATE_KEY, "
                                     "CONNECTWISE_CLIENT_ID not set")
        assert "ConnectWiseClient" in repr(client(no_sleep)) and cw.private_key not in repr(client(no_sleep))
