"""QBR and sign-in routes: one router, no trailing slashes (the contract's paths, byte for byte)."""
from rest_framework.routers import SimpleRouter

from qbr.api import views

router = SimpleRouter(trailing_slash=False)
router.register("auth", views.AuthViewSet, basename="auth")
router.register("qbr/metrics", views.MetricsViewSet, basename="qbr-metrics")
router.register("qbr/smartnumbers", views.SmartNumbersViewSet, basename="qbr-smartnumbers")
router.register("qbr/thresholds", views.ThresholdViewSet, basename="qbr-thresholds")

urlpatterns = router.urls
