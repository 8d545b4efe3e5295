from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory.api import views

router = SimpleRouter(trailing_slash=False)
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("vendors", views.VendorViewSet, basename="vendor")

urlpatterns = [
    path("devices/search", views.device_search, name="device-search"),
    *router.urls,
]
