"""Routes of the server-rendered dashboard (included at the site root by esinv/urls.py).

Every route is a `page(...)`: the view answers only the methods it handles (GET and HEAD unless it says more;
`esinv.page_access.page_methods`), anything else is a 405 page with `Allow` (tests/pages/test_page_methods.py
walks these patterns)."""
from django.urls import path

from billing import pages as billing_pages
from esinv import pages as overview_pages
from esinv.page_access import READ_METHODS, page_methods
from inventory import pages as inventory_pages
from qbr import pages as qbr_pages
from variances import pages as variance_pages


def page(route: str, view, name: str, methods: tuple[str, ...] = READ_METHODS):
    return path(route, page_methods(*methods)(view), name=name)


urlpatterns = [
    page("", overview_pages.overview, "overview"),
    page("sign-in/", overview_pages.sign_in, "sign-in"),
    page("favicon.ico", overview_pages.favicon, "favicon"),
    # the triage list's bulk form posts here without JavaScript
    page("variances/", variance_pages.variances, "variances-page", methods=(*READ_METHODS, "POST")),
    page("devices/", inventory_pages.devices, "devices-page"),
    page("devices/<path:key>/", inventory_pages.device, "device-page"),
    page("windows-11/", inventory_pages.windows11, "windows11-page"),
    page("qbr/", qbr_pages.qbr, "qbr-page"),
    page("billing/", billing_pages.billing, "billing-page"),
    page("billing/clients/<str:organization_id>/", billing_pages.client, "billing-client-page"),
]
