"""Routes of the billing API (esinv.routers.HubRouter: no trailing slash; `show` answers GET on a prefix)."""
from billing.api import views
from esinv.routers import HubRouter

router = HubRouter()
router.register("billing/report", views.BillingReportViewSet, basename="billing-report")
router.register("billing/variances", views.BillingVarianceViewSet, basename="billing-variance")
router.register("billing/export", views.BillingExportViewSet, basename="billing-export")
router.register("billing/clients", views.BillingClientViewSet, basename="billing-client")

urlpatterns = router.urls
