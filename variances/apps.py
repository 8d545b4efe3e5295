from django.apps import AppConfig


class VariancesConfig(AppConfig):
    name = "variances"
