from django.apps import AppConfig


class CollectorsConfig(AppConfig):
    name = "collectors"

    def ready(self):
        from collectors import log_context  # noqa: F401  (job and batch ids on a job's log lines)
