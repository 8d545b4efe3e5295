from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory.api import views, windows11

router = SimpleRouter(trailing_slash=False)
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("vendors", views.VendorViewSet, basename="vendor")

urlpatterns = [
    path("devices/search", views.device_search, name="device-search"),
    path("windows-11-24h2/status", windows11.status_view, name="windows11-status"),
    path("windows-11-24h2/incompatible", windows11.incompatible_view, name="windows11-incompatible"),
    path("windows-11-24h2/compatible", windows11.compatible_view, name="windows11-compatible"),
    path("windows-11-24h2/not-assessed", windows11.not_assessed_view, name="windows11-not-assessed"),
    path("windows-11-24h2/already-on-24h2", windows11.already_on_24h2_view, name="windows11-already-on-24h2"),
    path("windows-11-24h2/export/excel", windows11.export_excel_view, name="windows11-export-excel"),
    path("windows-11-24h2/export/pdf", windows11.export_pdf_view, name="windows11-export-pdf"),
    path("windows-11-24h2/run", windows11.run_view, name="windows11-run"),
    *router.urls,
]
