from django.apps import AppConfig


class EsinvConfig(AppConfig):
    name = "esinv"
    verbose_name = "API access"

    def ready(self):
        # The failed sign-in counter; the OpenAPI auth extension; task ids on log lines inside django-q2 tasks.
        from esinv import lockout, schema, task_logging  # noqa: F401
