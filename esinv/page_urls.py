"""Routes of the server-rendered dashboard (included at the site root by esinv/urls.py)."""
from django.urls import path

from billing import pages as billing_pages
from esinv import pages as overview_pages
from inventory import pages as inventory_pages
from qbr import pages as qbr_pages
from variances import pages as variance_pages

urlpatterns = [
    path("", overview_pages.overview, name="overview"),
    path("sign-in/", overview_pages.sign_in, name="sign-in"),
    path("favicon.ico", overview_pages.favicon, name="favicon"),
    path("variances/", variance_pages.variances, name="variances-page"),
    path("devices/", inventory_pages.devices, name="devices-page"),
    path("devices/<path:key>/", inventory_pages.device, name="device-page"),
    path("windows-11/", inventory_pages.windows11, name="windows11-page"),
    path("qbr/", qbr_pages.qbr, name="qbr-page"),
    path("billing/", billing_pages.billing, name="billing-page"),
    path("billing/clients/<str:organization_id>/", billing_pages.client, name="billing-client-page"),
]
