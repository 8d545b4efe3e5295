from esinv.routers import HubRouter
from inventory.api import views

router = HubRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("vendors", views.VendorViewSet, basename="vendor")
router.register("devices", views.DeviceViewSet, basename="device")
router.register("windows-11-24h2", views.Windows11ViewSet, basename="windows11")

urlpatterns = router.urls
