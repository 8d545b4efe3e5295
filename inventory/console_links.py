"""Links to a device in its vendor's web console (one place for the rule).

A console URL is a template with `{id}` (the vendor's device id, URL-quoted):
settings `ESINV_NINJA_CONSOLE_URL` and `ESINV_THREATLOCKER_CONSOLE_URL`. An
empty template means the vendor gets no link. NinjaOne's default comes from the
host of `NINJA_BASE_URL` (`https://eu.ninjarmm.com` ->
`https://eu.ninjarmm.com/#/deviceDashboard/{id}/overview`); ThreatLocker's
portal URL for a computer is not documented, so it has none by default.

Plain functions: no models, importable from the settings module.
"""
from urllib.parse import quote, urlsplit

from django.conf import settings

NINJA = "ninja"
THREATLOCKER = "threatlocker"
NINJA_DASHBOARD_PATH = "/#/deviceDashboard/{id}/overview"


def default_ninja_console_url(base_url: str) -> str:
    """The NinjaOne device dashboard on the API's own instance; "" when the base URL has no host."""
    parts = urlsplit((base_url or "").strip())
    if not parts.netloc:
        return ""
    return f"{parts.scheme or 'https'}://{parts.netloc}{NINJA_DASHBOARD_PATH}"


def console_template(vendor: str) -> str:
    if vendor == NINJA:
        return getattr(settings, "ESINV_NINJA_CONSOLE_URL", "") or ""
    if vendor == THREATLOCKER:
        return getattr(settings, "ESINV_THREATLOCKER_CONSOLE_URL", "") or ""
    return ""


def console_url(vendor: str | None, vendor_device_id: str | None, template: str | None = None) -> str | None:
    """The device's page in the vendor console, or None (no template for the vendor, or no id).

    `template` overrides the setting (callers building many links read it once).
    """
    if not vendor or not vendor_device_id:
        return None
    template = console_template(vendor) if template is None else template
    if not template or "{id}" not in template:
        return None
    return template.replace("{id}", quote(str(vendor_device_id), safe=""))
