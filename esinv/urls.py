from allauth import urls as allauth_urls
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from esinv import accounts
from esinv.metrics import views as metrics_views
from esinv.page_access import READ_METHODS, page_methods, with_page_methods

FORMS = page_methods(*READ_METHODS, "POST")  # pages with a form: anything else is a 405 page

api_patterns = [
    path("", include("esinv.api.urls")),  # health, health/live, health/ready, status
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from a URL (no inline script); its template's own <style>
    # block needs inline styles on this page only (esinv/csp_policy.py).
    path("docs/", csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(
        url_name="schema", http_method_names=["get", "head"])),
         name="docs"),
    path("", include("inventory.api.urls")),
    path("", include("collectors.api.urls")),
    path("", include("variances.api.urls")),
    path("", include("qbr.api.urls")),
    path("", include("billing.api.urls")),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("metrics", metrics_views.metrics, name="metrics"),
    # Before allauth's own routes: sign-up is closed, password reset needs mail, Microsoft sign-in needs
    # an app registration (esinv/accounts.py).
    path("accounts/signup/", FORMS(accounts.signup_closed), name="signup-closed"),
    path("accounts/password/reset/", FORMS(accounts.password_reset), name="password-reset"),
    path("accounts/microsoft/login/", FORMS(accounts.microsoft_login)),
    # allauth's pages answer GET, HEAD and POST only too (a 405 page with `Allow` otherwise).
    path("accounts/", include(with_page_methods(allauth_urls.urlpatterns, *READ_METHODS, "POST"))),
    path("", include("esinv.page_urls")),
]

# An unreachable database answers 503 + Retry-After; any other unhandled error the usual 500.
handler500 = "esinv.handlers.server_error"
