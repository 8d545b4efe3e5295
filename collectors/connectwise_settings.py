"""Settings of the ConnectWise Manage collector, read from the environment.

Meant to be star-imported at the end of `esinv/settings.py`
(`from collectors.connectwise_settings import *`); only the upper-case names
in `__all__` are exported. The collector reads every value through `value()`,
which prefers `django.conf.settings` (so tests and deployments can override
it there) and falls back to the environment read here, so it works whether
or not the star import is in place.

The keys come only from the environment and are never logged or put into
job messages. Which boards and statuses count as reactive are QBR settings
(`QBR_CW_REACTIVE_BOARDS`, `QBR_CW_REACTIVE_STATUSES` in `qbr/settings.py`).
"""
from esinv.env import env_int, env_str

__all__ = [
    "CONNECTWISE_BASE_URL", "CONNECTWISE_COMPANY", "CONNECTWISE_PUBLIC_KEY", "CONNECTWISE_PRIVATE_KEY",
    "CONNECTWISE_CLIENT_ID", "CONNECTWISE_PAGE_SIZE", "CONNECTWISE_TIME_ZONE", "CONNECTWISE_PREVIOUS_MONTH_DAYS",
    "CONNECTWISE_TICKET_ID_CHUNK",
]

# e.g. https://na.myconnectwise.net/v4_6_release/apis/3.0/
CONNECTWISE_BASE_URL = env_str("CONNECTWISE_BASE_URL", "")
# Company id used at sign-in, and an API member's key pair.
CONNECTWISE_COMPANY = env_str("CONNECTWISE_COMPANY", "")
CONNECTWISE_PUBLIC_KEY = env_str("CONNECTWISE_PUBLIC_KEY", "")
CONNECTWISE_PRIVATE_KEY = env_str("CONNECTWISE_PRIVATE_KEY", "")
# The integration's clientId GUID (developer.connectwise.com), sent on every call.
CONNECTWISE_CLIENT_ID = env_str("CONNECTWISE_CLIENT_ID", "")
# Rows per page of time entries and tickets (ConnectWise caps pageSize at 1000).
CONNECTWISE_PAGE_SIZE = env_int("CONNECTWISE_PAGE_SIZE", 1000)
# Time zone whose midnights bound a month (empty: Django's TIME_ZONE).
CONNECTWISE_TIME_ZONE = env_str("CONNECTWISE_TIME_ZONE", "")
# On days 1..N of a month the collector finalises the previous month instead
# of the current one (0: always the month of the snapshot date).
CONNECTWISE_PREVIOUS_MONTH_DAYS = env_int("CONNECTWISE_PREVIOUS_MONTH_DAYS", 1)
# Ticket ids per `id in (...)` condition when time entries are matched to reactive tickets.
CONNECTWISE_TICKET_ID_CHUNK = env_int("CONNECTWISE_TICKET_ID_CHUNK", 200)


def value(name: str):
    """A setting from django.conf.settings when defined there, else this module's environment read."""
    from django.conf import settings

    return getattr(settings, name, globals()[name])


def configured() -> bool:
    """A ConnectWise site is set (the keys are checked by the client on its first call)."""
    return bool(value("CONNECTWISE_BASE_URL"))
