"""The Microsoft 365 tenant inline on inventory's Organization admin (registered from billing/admin.py)."""
import re

import pytest
from django.contrib import admin

from billing.admin import M365TenantInline
from billing.models import M365Sku, M365Tenant, validate_tenant_id
from inventory.models import Organization

pytestmark = pytest.mark.django_db
TENANT = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def management_forms(html: str) -> dict:
    """Every inline formset's management form, as the page renders it (TOTAL_FORMS etc.)."""
    return {name: value for name, value in re.findall(
        r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', html)}


def post_organization(client, organization, **tenant_fields):
    url = f"/admin/inventory/organization/{organization.pk}/change/"
    page = client.get(url)
    data = {"name": organization.name, "notes": "", **management_forms(page.content.decode())}
    # What the browser posts for the fields left alone: the user definition's selected default.
    data["m365_tenant-0-user_definition"] = "licensed"
    data.update({f"m365_tenant-0-{key}": value for key, value in tenant_fields.items()})
    data["m365_tenant-TOTAL_FORMS"] = "1"
    return client.post(url, data)


def test_the_inline_is_on_the_registered_organization_admin():
    model_admin = admin.site._registry[Organization]
    assert M365TenantInline in model_admin.inlines
    assert len(model_admin.inlines) == len(set(model_admin.inlines)) >= 3  # inventory's inlines kept


def test_the_organization_page_shows_the_tenant_fields(admin_client):
    organization = Organization.objects.create(name="Cedar Law Group")
    page = admin_client.get(f"/admin/inventory/organization/{organization.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Microsoft 365 tenant" in html and 'name="m365_tenant-0-tenant_id"' in html


def test_staff_add_a_tenant_from_the_organization_page(admin_client):
    organization = Organization.objects.create(name="Cedar Law Group")
    response = post_organization(admin_client, organization, tenant_id=TENANT.upper(), enabled="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = M365Tenant.objects.get(organization=organization)
    assert tenant.tenant_id == TENANT and tenant.enabled


def test_a_tenant_id_that_is_not_a_guid_is_refused_with_a_message(admin_client):
    organization = Organization.objects.create(name="Cedar Law Group")
    response = post_organization(admin_client, organization, tenant_id="cedarlaw.onmicrosoft.com", enabled="on")
    assert response.status_code == 200
    assert "Enter the tenant id as a GUID" in response.content.decode()
    assert not M365Tenant.objects.exists()


NIL = "00000000-0000-0000-0000-000000000000"


def test_the_nil_guid_is_refused_with_a_message(admin_client):
    """F21: Entra ID never issues the nil GUID; as a tenant it could only fail to collect."""
    organization = Organization.objects.create(name="Placeholder Client")
    response = post_organization(admin_client, organization, tenant_id=NIL, enabled="on")
    assert response.status_code == 200
    assert "nil GUID" in response.content.decode()
    assert not M365Tenant.objects.exists()
    tenant = M365Tenant(organization=organization, tenant_id=NIL)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        tenant.full_clean()
    assert "tenant_id" in refused.value.message_dict and "nil GUID" in str(refused.value)
    validate_tenant_id("00000000-0000-0000-0000-000000000001")  # any other GUID is fine


@pytest.mark.parametrize("value", ["", "cedarlaw.onmicrosoft.com", "3f2504e04f8941d39a0c0305e82c3301", NIL,
                                   "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}", TENANT + "\x00"])
def test_validate_tenant_id_refuses_what_is_not_a_plain_guid(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_tenant_id(value)


def test_the_snapshot_admin_is_read_only_and_names_products(admin_client):
    organization = Organization.objects.create(name="Cedar Law Group")
    M365Sku.objects.create(snapshot_date="2026-11-20", organization=organization, sku_id=TENANT,
                           sku_part_number="SPB", prepaid_enabled=12, consumed_units=10)
    page = admin_client.get("/admin/billing/m365sku/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Microsoft 365 Business Premium" in html and "Add Microsoft 365 SKU" not in html
    assert admin_client.get("/admin/billing/m365user/").status_code == 200


def test_saving_an_organization_without_a_tenant_adds_none(admin_client):
    organization = Organization.objects.create(name="Cedar Law Group")
    response = post_organization(admin_client, organization, tenant_id="", enabled="on")
    assert response.status_code == 302
    assert not M365Tenant.objects.exists()


def test_a_tenant_already_on_another_organization_is_refused_in_any_case(admin_client):
    M365Tenant.objects.create(organization=Organization.objects.create(name="Summit Realty"), tenant_id=TENANT)
    organization = Organization.objects.create(name="Cedar Law Group")
    response = post_organization(admin_client, organization, tenant_id=TENANT.upper(), enabled="on")
    assert response.status_code == 200
    assert "Microsoft 365 tenant with this Tenant id already exists." in response.content.decode()
    assert M365Tenant.objects.count() == 1
