"""The conditions the collector builds, the month it picks, hours of a time entry, and the simulator's
conditions evaluator: plain functions, no HTTP, no database."""
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collectors.clients.connectwise import all_of, any_of, cw_datetime, cw_string, id_in, in_range
from collectors.simulators.connectwise import ConditionError, parse_conditions
from qbr.connectwise.collector import (
    ReactiveFilter,
    chunks,
    closed_conditions,
    created_conditions,
    entry_hours,
    month_bounds,
    reporting_month,
    time_conditions,
)
from qbr.periods import Month

OCT = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


class TestConditionBuilders:
    def test_datetime_literal_is_utc(self):
        chicago = datetime(2026, 11, 1, tzinfo=ZoneInfo("America/Chicago"))
        assert cw_datetime(chicago) == "[2026-11-01T05:00:00Z]"
        with pytest.raises(ValueError):
            cw_datetime(datetime(2026, 11, 1))

    def test_strings_escape_quotes_and_backslashes(self):
        assert cw_string('Escalations "Tier 2"') == r'"Escalations \"Tier 2\""'
        assert cw_string("a\\b") == r'"a\\b"'

    def test_any_of_all_of(self):
        assert any_of("board/name", ["Help Desk", "Alerts"]) == '(board/name="Help Desk" OR board/name="Alerts")'
        assert any_of("status/name", []) == "" and any_of("status/name", ["  "]) == ""
        assert all_of("a=1", "", "b=2") == "a=1 AND b=2"
        assert id_in("id", [3, 1]) == "id in (3,1)"

    def test_month_conditions(self):
        reactive = ReactiveFilter(("Help Desk",), ("Closed", "Completed"))
        assert created_conditions(reactive, *OCT) == (
            "dateEntered>=[2026-10-01T00:00:00Z] AND dateEntered<[2026-11-01T00:00:00Z] AND "
            '(board/name="Help Desk") AND (status/name="Closed" OR status/name="Completed")'
        )
        assert closed_conditions(ReactiveFilter(("Help Desk",)), *OCT) == (
            'closedDate>=[2026-10-01T00:00:00Z] AND closedDate<[2026-11-01T00:00:00Z] AND (board/name="Help Desk")'
        )
        assert time_conditions(*OCT) == ('chargeToType="ServiceTicket" AND ' + in_range("timeStart", *OCT))

    def test_reactive_filter_from_settings(self, settings):
        settings.QBR_CW_REACTIVE_BOARDS = ["Help Desk", " ", "Alerts"]
        settings.QBR_CW_REACTIVE_STATUSES = []
        assert ReactiveFilter.from_settings() == ReactiveFilter(("Help Desk", "Alerts"), ())
        settings.QBR_CW_REACTIVE_BOARDS = []
        with pytest.raises(Exception, match="QBR_CW_REACTIVE_BOARDS is empty"):
            ReactiveFilter.from_settings()


class TestReportingMonth:
    @pytest.mark.parametrize("day, days, expected", [
        (date(2026, 11, 20), 1, Month(2026, 11)),
        (date(2026, 11, 1), 1, Month(2026, 10)),
        (date(2026, 11, 2), 1, Month(2026, 11)),
        (date(2026, 11, 3), 3, Month(2026, 10)),
        (date(2026, 1, 1), 1, Month(2025, 12)),
        (date(2026, 11, 1), 0, Month(2026, 11)),
    ])
    def test_month_of_the_date_except_its_first_days(self, day, days, expected):
        assert reporting_month(day, days) == expected

    def test_bounds_are_local_midnights_across_a_dst_change(self):
        start, end = month_bounds(Month(2026, 11), "America/Chicago")
        assert cw_datetime(start) == "[2026-11-01T05:00:00Z]"  # still CDT at midnight
        assert cw_datetime(end) == "[2026-12-01T06:00:00Z]"  # CST
        start, end = month_bounds(Month(2026, 12), "")
        assert (start, end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


class TestEntryHours:
    def test_actual_hours_first(self):
        assert entry_hours({"actualHours": 1.75, "timeStart": "2026-10-01T00:00:00Z",
                            "timeEnd": "2026-10-01T05:00:00Z"}) == Decimal("1.75")

    def test_computed_from_start_end_minus_deduction(self):
        entry = {"actualHours": None, "timeStart": "2026-10-01T08:00:00Z", "timeEnd": "2026-10-01T10:30:00Z",
                 "hoursDeducted": 0.5}
        assert entry_hours(entry) == Decimal("2.0")
        assert entry_hours({**entry, "hoursDeducted": 5}) == 0

    def test_unknowable(self):
        assert entry_hours({"timeStart": "2026-10-01T08:00:00Z"}) is None
        assert entry_hours({"timeStart": "nonsense", "timeEnd": "2026-10-01T08:00:00Z"}) is None

    def test_chunks(self):
        assert list(chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
        assert list(chunks([], 2)) == []


TICKET = {"id": 7, "board": {"name": "Help Desk"}, "status": {"name": "Closed"}, "summary": "Printer",
          "dateEntered": "2026-10-05T10:00:00Z", "closedDate": None, "closedFlag": False}
FIELDS = {"id", "board/name", "status/name", "summary", "dateEntered", "closedDate", "closedFlag"}


class TestSimulatorConditions:
    @pytest.mark.parametrize("text, matches", [
        ('board/name="Help Desk"', True),
        ('board/name="help desk"', True),  # ConnectWise compares strings case-insensitively
        ('board/name!="Help Desk"', False),
        ('board/name="Projects" OR status/name="Closed"', True),
        ('board/name="Projects" OR status/name="Closed" AND id=8', False),  # AND binds tighter
        ('(board/name="Projects" OR status/name="Closed") AND id=7', True),
        ("dateEntered>=[2026-10-01T00:00:00Z] AND dateEntered<[2026-11-01T00:00:00Z]", True),
        ("dateEntered>=[2026-10-05T10:00:01Z]", False),
        ("closedDate>=[2026-10-01T00:00:00Z]", False),  # null never compares
        ("closedDate=null AND closedFlag=false", True),
        ("id in (1,7,9)", True),
        ("id not in (1,7,9)", False),
        ('summary like "Print*"', True),
        ("", True),
    ])
    def test_evaluates(self, text, matches):
        assert parse_conditions(text, FIELDS)(TICKET) is matches

    def test_escaped_quotes(self):
        row = {**TICKET, "board": {"name": 'Escalations "Tier 2"'}}
        assert parse_conditions(any_of("board/name", ['Escalations "Tier 2"']), FIELDS)(row)

    @pytest.mark.parametrize("text, message", [
        ('ticket/board/name="Help Desk"', "unknown field"),
        ('dateEntered>="2026-10-01"', "must be compared with a"),
        ("id=[2026-10-01T00:00:00Z]", "not a date field"),
        ("dateEntered>=[2026-10-01T00:00:00]", "no time zone"),
        ('board/name="Help Desk" AND', "expected word"),
        ('(board/name="Help Desk"', r"expected \)"),
        ('board/name="Help Desk" id=1', "unexpected"),
        ("board/name=#", "unexpected input"),
    ])
    def test_rejects(self, text, message):
        with pytest.raises(ConditionError, match=message):
            parse_conditions(text, FIELDS)


def test_settings_fall_back_to_the_environment_read(settings, monkeypatch):
    from collectors import connectwise_settings

    monkeypatch.setattr(connectwise_settings, "CONNECTWISE_COMPANY", "from-env")
    if hasattr(settings, "CONNECTWISE_COMPANY"):
        del settings.CONNECTWISE_COMPANY
    assert connectwise_settings.value("CONNECTWISE_COMPANY") == "from-env"
    settings.CONNECTWISE_COMPANY = "from-settings"
    assert connectwise_settings.value("CONNECTWISE_COMPANY") == "from-settings"
    assert all(name.isupper() for name in connectwise_settings.__all__)
