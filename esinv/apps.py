from django.apps import AppConfig


class EsinvConfig(AppConfig):
    name = "esinv"
    verbose_name = "API access"

    def ready(self):
        from esinv import lockout, schema  # noqa: F401  (the failed sign-in counter; the OpenAPI auth extension)
