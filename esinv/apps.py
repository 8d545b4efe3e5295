from django.apps import AppConfig


class EsinvConfig(AppConfig):
    name = "esinv"
    verbose_name = "API access"

    def ready(self):
        from esinv import schema  # noqa: F401  (registers the OpenAPI auth extension)
