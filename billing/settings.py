"""Settings owned by the billing app, read from the environment (star-imported by esinv.settings).

Microsoft 365 (Microsoft Graph, per client tenant): an MSP uses ONE multi-tenant app registration consented in
each client's tenant, so the app id and secret are settings and the tenant id is kept per organization in the
admin (billing.M365Tenant). The secret comes only from the environment and is never logged or put into job
messages. The collector reads every value through `value()`, so tests may override them in django.conf.settings.
"""
from esinv.env import env_bool, env_int, env_str

__all__ = [
    "ESINV_M365_CLIENT_ID", "ESINV_M365_CLIENT_SECRET", "ESINV_M365_AUTHORITY", "ESINV_M365_GRAPH_URL",
    "ESINV_M365_PAGE_SIZE", "ESINV_M365_TOKEN_RENEW_SECONDS", "ESINV_M365_PRODUCT_NAMES_URL",
    "ESINV_CW_AGREEMENTS_DAILY", "BILLING_GROUP", "ESINV_CURRENCY",
]

# The multi-tenant app registration (application id GUID) and its client secret.
ESINV_M365_CLIENT_ID = env_str("ESINV_M365_CLIENT_ID", "")
ESINV_M365_CLIENT_SECRET = env_str("ESINV_M365_CLIENT_SECRET", "")
# Identity platform base (token at {authority}/{tenant id}/oauth2/v2.0/token) and Graph base; tests and the
# simulator point both elsewhere.
ESINV_M365_AUTHORITY = env_str("ESINV_M365_AUTHORITY", "https://login.microsoftonline.com")
ESINV_M365_GRAPH_URL = env_str("ESINV_M365_GRAPH_URL", "https://graph.microsoft.com")
# Users per page (`$top`; Graph allows 1..999).
ESINV_M365_PAGE_SIZE = env_int("ESINV_M365_PAGE_SIZE", 999)
# Renew a tenant's token this many seconds before it expires.
ESINV_M365_TOKEN_RENEW_SECONDS = env_int("ESINV_M365_TOKEN_RENEW_SECONDS", 60)
# Microsoft's "Product names and service plan identifiers for licensing" CSV, read by
# `manage.py import_m365_sku_names --download` (the demo points it at the Graph simulator).
ESINV_M365_PRODUCT_NAMES_URL = env_str(
    "ESINV_M365_PRODUCT_NAMES_URL",
    "https://download.microsoft.com/download/e/3/e/e3e9faf2-f28b-490a-9ada-c6089a1fc5b0/"
    "Product%20names%20and%20service%20plan%20identifiers%20for%20licensing.csv",
)

# ConnectWise agreements: the daily batch collects them once ConnectWise is configured (CONNECTWISE_BASE_URL, the
# QBR collector's connection); false keeps them out (e.g. an API member without finance rights).
ESINV_CW_AGREEMENTS_DAILY = env_bool("ESINV_CW_AGREEMENTS_DAILY", True)


def value(name: str):
    """A setting from django.conf.settings when defined there, else this module's environment read."""
    from django.conf import settings

    return getattr(settings, name, globals()[name])


def configured() -> bool:
    """Both app credentials are set: the daily batch then includes the Microsoft 365 collector."""
    return bool(value("ESINV_M365_CLIENT_ID") and value("ESINV_M365_CLIENT_SECRET"))


def agreements_daily() -> bool:
    """ConnectWise is configured and agreements are not switched off: the daily batch collects them."""
    from collectors import connectwise_settings

    return bool(value("ESINV_CW_AGREEMENTS_DAILY")) and connectwise_settings.configured()

# The group whose members read billing (report, variances, clients) besides staff; only staff write (esinv.access).
BILLING_GROUP = env_str("BILLING_GROUP", "Billing")

# The currency of the billing money (ConnectWise prices and costs; the hub converts nothing): shown beside every
# money figure of the billing pages and exports (an ISO 4217 code or a symbol, e.g. "USD", "EUR", "GBP").
ESINV_CURRENCY = env_str("ESINV_CURRENCY", "USD")
