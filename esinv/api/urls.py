from esinv.api import views
from esinv.routers import HubRouter

router = HubRouter()
router.register("health", views.HealthViewSet, basename="health")
router.register("status", views.StatusViewSet, basename="status")

urlpatterns = router.urls
