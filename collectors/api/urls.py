from collectors.api import views
from esinv.routers import HubRouter

router = HubRouter()
router.register("collectors/runs/batch", views.CollectorBatchViewSet, basename="collectors-batch")
router.register("collectors", views.CollectorViewSet, basename="collectors")

urlpatterns = router.urls
