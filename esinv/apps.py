from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EsinvConfig(AppConfig):
    name = "esinv"
    verbose_name = "API access"
    default = True  # the config of "esinv" in INSTALLED_APPS (this module holds two)

    def ready(self):
        # The failed sign-in counter; the OpenAPI auth extension; task ids on log lines inside django-q2 tasks.
        from esinv import lockout, schema, task_logging  # noqa: F401


class HubAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin` with the hub's site as `admin.site` (esinv/admin_site.py); in INSTALLED_APPS in its
    place."""

    default = False
    default_site = "esinv.admin_site.HubAdminSite"
