from django.urls import path

from qbr.api import auth_views, views

urlpatterns = [
    path("auth/microsoft/login", auth_views.microsoft_login, name="auth-microsoft-login"),
    path("auth/status", auth_views.auth_status, name="auth-status"),
    path("auth/logout", auth_views.auth_logout, name="auth-logout"),
    path("qbr/metrics/monthly", views.MonthlyMetricsView.as_view(), name="qbr-metrics-monthly"),
    path("qbr/metrics/quarterly", views.QuarterlyMetricsView.as_view(), name="qbr-metrics-quarterly"),
    path("qbr/metrics/devices-by-client", views.DevicesByClientView.as_view(), name="qbr-devices-by-client"),
    path("qbr/metrics/manual", views.ManualMetricsView.as_view(), name="qbr-metrics-manual"),
    path("qbr/smartnumbers", views.SmartNumbersView.as_view(), name="qbr-smartnumbers"),
    path("qbr/thresholds", views.ThresholdsView.as_view(), name="qbr-thresholds"),
]
