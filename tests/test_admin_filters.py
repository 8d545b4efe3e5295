"""Every admin list treats a filter value it cannot turn into SQL as the admin treats invalid lookups
(a redirect to the unfiltered list, `?e=1`), never a 500."""
import pytest
from django.contrib import admin
from django.db import models

pytestmark = pytest.mark.django_db

# Values Python's dates cannot hold (OverflowError, ValueError) in the date lookups the admin accepts.
BAD_VALUES = [
    "{field}__year=99999999999999999999",
    "{field}__year=0",
    "{field}__year=10000",
    "{field}__year__gt=99999999999999999999",
    "{field}__iso_year=99999999999999999999",
]


def date_fields():
    """(model admin URL, first date or datetime field) of every registered ModelAdmin that has one."""
    found = []
    for model in admin.site._registry:
        field = next((f for f in model._meta.get_fields()
                      if isinstance(f, models.DateField) and not f.is_relation), None)
        if field is not None:
            found.append((f"/admin/{model._meta.app_label}/{model._meta.model_name}/", field.name))
    return found


DATE_FIELDS = date_fields()


def test_the_hubs_lists_with_dates_are_all_covered():
    urls = {url for url, _ in DATE_FIELDS}
    for name in ("collectors/collectorbatch", "collectors/collectorjob", "inventory/device", "inventory/windows11run",
                 "variances/exceptionrecord", "variances/reconciliationrun"):
        assert f"/admin/{name}/" in urls


@pytest.mark.parametrize("url, field", DATE_FIELDS, ids=[url.strip("/").split("/", 1)[1] for url, _ in DATE_FIELDS])
def test_a_date_value_out_of_range_goes_back_to_the_unfiltered_list(admin_client, url, field):
    for template in BAD_VALUES:
        response = admin_client.get(f"{url}?{template.format(field=field)}")
        assert response.status_code == 302, template
        assert response["Location"] == f"{url}?e=1"
        page = admin_client.get(response["Location"])
        assert page.status_code == 200


def test_the_list_says_why_the_filters_were_removed(admin_client):
    response = admin_client.get("/admin/variances/exceptionrecord/?date_found__year=99999999999999999999", follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[-1][0].endswith("?e=1")
    assert "The list cannot be filtered by these values" in html and "the filters were removed" in html


def test_good_filters_and_the_admins_own_invalid_lookups_are_unchanged(admin_client):
    url, field = "/admin/variances/exceptionrecord/", "date_found"
    assert admin_client.get(f"{url}?{field}__year=2026").status_code == 200
    invalid = admin_client.get(f"{url}?{field}__gte=not-a-date")
    assert invalid.status_code == 302 and invalid["Location"] == f"{url}?e=1"


def test_a_list_failing_even_unfiltered_gets_a_400_page_not_a_loop(rf, admin_user):
    from django.urls import resolve

    from esinv.admin_filters import AdminBadFilterMiddleware

    request = rf.get("/admin/variances/exceptionrecord/?e=1&date_found__year=0")
    request.user, request.resolver_match = admin_user, resolve("/admin/variances/exceptionrecord/")
    response = AdminBadFilterMiddleware(lambda r: None).process_exception(request, ValueError("year 0 is out of range"))
    assert response.status_code == 400 and "year 0 is out of range" in response.content.decode()
    assert 'href="/admin/variances/exceptionrecord/"' in response.content.decode()
    other = rf.get("/admin/variances/exceptionrecord/1/change/?x=1")
    other.resolver_match = resolve("/admin/variances/exceptionrecord/1/change/")
    assert AdminBadFilterMiddleware(lambda r: None).process_exception(other, ValueError("a bug")) is None
