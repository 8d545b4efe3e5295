from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # Listens for the other apps' events (model and django-q2 signals): they never import this app.
        from notifications import hooks  # noqa: F401
