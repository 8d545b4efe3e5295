"""The admin as a product: the hub's name in its header, the day's work first, sign-in plumbing grouped apart.

`HubAdminSite` is the project's `admin.site` (installed by `esinv.apps.HubAdminConfig`, which replaces
`django.contrib.admin` in `INSTALLED_APPS`): every `@admin.register` lands on it. Its index (and the
sidebar) lists

1. the exceptions staff resolve each morning (`variances`, `ExceptionRecord` first),
2. the hub's other apps in `APP_ORDER`, then any app not named there (alphabetically),
3. allauth's and `django.contrib.sites`' models under one heading of their own (`SIGN_IN_GROUP`).

The ordering is a plain function over the admin's app dictionaries (`order_app_list`), testable without HTTP.

Every view of the site (`admin_view`: the index, each model's list, add, change, delete and history pages, the
apps' own admin pages; `get_urls`: the rest, such as the sign-in page) answers GET, HEAD and POST only; any other
method is the pages' 405 with `Allow` (`esinv.page_access.page_methods`, as every dashboard page).
"""
from django.contrib import admin

from esinv.page_access import READ_METHODS, page_methods, with_page_methods

SITE_NAME = "ES Inventory Hub"

# App labels in the order staff need them; ExceptionRecord opens the list.
APP_ORDER = ("variances", "inventory", "collectors", "qbr", "billing", "notifications", "esinv", "auth", "django_q")
FIRST_MODELS = {"variances": ("ExceptionRecord", "ExceptionEvent")}

# allauth (account, socialaccount) and sites: how people sign in, rarely touched, listed last under one heading.
SIGN_IN_APPS = ("account", "socialaccount", "sites")
SIGN_IN_GROUP = {"name": "Sign-in and accounts", "app_label": "sign_in"}


def _model_key(app_label: str):
    first = FIRST_MODELS.get(app_label, ())

    def key(model: dict):
        name = model.get("object_name", "")
        return (first.index(name) if name in first else len(first), str(model["name"]).lower())

    return key


def order_app_list(apps: list[dict]) -> list[dict]:
    """The admin's app dictionaries (as `AdminSite._build_app_dict` makes them) in the hub's order, the sign-in
    apps merged into one group at the end."""
    ordinary, sign_in = [], []
    for app in apps:
        (sign_in if app["app_label"] in SIGN_IN_APPS else ordinary).append(app)
    for app in ordinary:
        app["models"].sort(key=_model_key(app["app_label"]))
    ordinary.sort(key=lambda app: (APP_ORDER.index(app["app_label"]) if app["app_label"] in APP_ORDER
                                   else len(APP_ORDER), str(app["name"]).lower()))
    if not sign_in:
        return ordinary
    sign_in.sort(key=lambda app: SIGN_IN_APPS.index(app["app_label"]))
    models = [model for app in sign_in for model in sorted(app["models"], key=lambda m: str(m["name"]).lower())]
    group = {
        **SIGN_IN_GROUP,
        # The heading links to the first member's own page (there is no page for the group itself).
        "app_url": sign_in[0]["app_url"],
        "has_module_perms": any(app["has_module_perms"] for app in sign_in),
        "models": models,
    }
    return [*ordinary, group]


class HubAdminSite(admin.AdminSite):
    site_header = SITE_NAME
    site_title = f"{SITE_NAME} admin"
    index_title = "Exceptions, inventory and settings"

    def admin_view(self, view, cacheable=False):
        return page_methods(*READ_METHODS, "POST")(super().admin_view(view, cacheable))

    def get_urls(self):
        # The routes admin_view does not wrap (the sign-in page, the catch-all): the same 405 with `Allow`.
        return with_page_methods(super().get_urls(), *READ_METHODS, "POST")

    def get_app_list(self, request, app_label=None):
        if app_label:  # one app's own page: as Django builds it
            return super().get_app_list(request, app_label)
        return order_app_list(list(self._build_app_dict(request).values()))
