from datetime import date

import pytest
from django.db import IntegrityError, transaction

from inventory.models import Organization, OrganizationAlias, Snapshot, Vendor, VendorOrganization
from inventory.org_matching import OrganizationResolver
from tests import factories

pytestmark = pytest.mark.django_db


def test_fixed_vendor_ids():
    assert dict(Vendor.objects.values_list("id", "code")) == {1: "ninja", 2: "connectwise", 3: "threatlocker"}
    assert (Vendor.NINJA, Vendor.CONNECTWISE, Vendor.THREATLOCKER) == (1, 2, 3)


def test_msp_is_organization_one_and_internal():
    msp = Organization.objects.get(pk=Organization.MSP_ID)
    assert msp.is_internal
    # A new organization after the seeded id=1 gets a fresh id (the PostgreSQL sequence moved on).
    assert Organization.objects.create(name="Next Client").pk > 1


def test_organization_names_unique_case_insensitively():
    Organization.objects.create(name="Acme Corp")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="ACME corp")


def test_alias_unique_case_insensitively():
    org = Organization.objects.create(name="Acme Corp")
    OrganizationAlias.objects.create(organization=org, alias="Acme")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationAlias.objects.create(organization=org, alias="ACME")


def test_snapshot_unique_per_vendor_day_device():
    factories.snapshot(Vendor.NINJA, "PC-1", vendor_device_id="42")
    factories.snapshot(Vendor.NINJA, "PC-1", vendor_device_id="42", day=date(2026, 11, 22))  # another day: fine
    factories.snapshot(Vendor.THREATLOCKER, "PC-1", vendor_device_id="42")  # another vendor: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.snapshot(Vendor.NINJA, "PC-1", vendor_device_id="42")
    assert Snapshot.objects.count() == 3


def test_factory_classifies_like_design():
    row = factories.snapshot(Vendor.NINJA, "PC-2", display_name="PC-2 | SPARE")
    assert (row.device_class, row.is_spare, row.billing_status) == ("workstation", True, "spare")
    assert row.canonical_key == "pc-2" and row.display_note == "SPARE"


class TestOrganizationResolver:
    def test_known_mapping_wins(self):
        org = Organization.objects.create(name="Acme Corp")
        VendorOrganization.objects.create(vendor_id=Vendor.NINJA, vendor_org_id="7", name="Acme", organization=org)
        resolver = OrganizationResolver(Vendor.NINJA)
        assert resolver.resolve(7, "Acme (renamed)") == org.pk
        assert VendorOrganization.objects.get(vendor_org_id="7").name == "Acme (renamed)"

    def test_name_and_alias_match_case_and_space_insensitively(self):
        org = Organization.objects.create(name="Acme Corp")
        OrganizationAlias.objects.create(organization=org, alias="ACME Corporation LLC")
        resolver = OrganizationResolver(Vendor.THREATLOCKER)
        assert resolver.resolve("guid-1", "  acme   corp ") == org.pk
        assert resolver.resolve("guid-2", "Acme Corporation llc") == org.pk
        assert VendorOrganization.objects.filter(vendor_id=Vendor.THREATLOCKER, organization=org).count() == 2

    def test_a_client_another_collector_created_meanwhile_is_used_not_a_crash(self):
        """Two vendors' jobs run at once on a fresh hub: each loaded the names before the other created the new
        client (the production smoke test's two workers once crashed on the unique name)."""
        ninja = OrganizationResolver(Vendor.NINJA)
        threatlocker = OrganizationResolver(Vendor.THREATLOCKER)  # loaded before NinjaOne's job creates it
        created = ninja.resolve(1, "Oakridge Dental Services")
        assert threatlocker.resolve("guid-9", "Oakridge Dental Services") == created
        assert threatlocker.resolve("guid-10", "oakridge  dental services") == created
        assert Organization.objects.filter(name__iexact="Oakridge Dental Services").count() == 1
        mapped = VendorOrganization.objects.get(vendor_id=Vendor.THREATLOCKER, vendor_org_id="guid-9")
        assert mapped.organization_id == created

    def test_new_names_create_one_organization(self):
        resolver = OrganizationResolver(Vendor.NINJA)
        first = resolver.resolve(1, "Brand New Client")
        second = resolver.resolve(2, "brand new client")
        assert first == second
        assert Organization.objects.filter(name="Brand New Client").count() == 1

    def test_no_name_and_no_id_is_none(self):
        assert OrganizationResolver(Vendor.NINJA).resolve(None, "") is None

    def test_resolving_known_orgs_costs_no_queries(self, django_assert_num_queries):
        org = Organization.objects.create(name="Acme Corp")
        VendorOrganization.objects.create(vendor_id=Vendor.NINJA, vendor_org_id="7", name="Acme", organization=org)
        resolver = OrganizationResolver(Vendor.NINJA)
        with django_assert_num_queries(0):
            results = {resolver.resolve("7", "Acme") for _ in range(100)}
        assert results == {org.pk}
