"""Map each vendor's organizations onto ours.

Order of precedence: a known (vendor, vendor org id) mapping; else an
organization whose name or alias matches (case- and space-insensitively);
else a new organization (or, with `create=False`, none: ConnectWise lists
prospects and vendors as companies too, so its unmatched companies stay
unmapped instead of becoming clients). Mappings are loaded once per run so resolving
thousands of devices costs no queries per device.
"""
from django.db import IntegrityError, transaction

from inventory.models import Organization, OrganizationAlias, VendorOrganization
from inventory.models.organizations import normalise_org_name


class OrganizationResolver:
    def __init__(self, vendor_id: int):
        self.vendor_id = vendor_id
        self._by_vendor_id: dict[str, int] = {}
        self._vendor_names: dict[str, str] = {}
        rows = VendorOrganization.objects.filter(vendor_id=vendor_id).values_list(
            "vendor_org_id", "organization_id", "name"
        )
        for vendor_org_id, org_id, vendor_name in rows:
            self._by_vendor_id[vendor_org_id] = org_id
            self._vendor_names[vendor_org_id] = vendor_name
        self._by_name: dict[str, int] = {}
        for org_id, name in Organization.objects.values_list("id", "name"):
            self._by_name[normalise_org_name(name)] = org_id
        for org_id, alias in OrganizationAlias.objects.values_list("organization_id", "alias"):
            self._by_name[normalise_org_name(alias)] = org_id
        self._internal = set(Organization.objects.filter(is_internal=True).values_list("id", flat=True))

    @staticmethod
    def _create(name: str, normalised: str) -> int:
        """A new organization; or, when another collector running at the same time created it since this run
        loaded the names (two vendors' jobs meet the same new client), that one."""
        try:
            with transaction.atomic():
                return Organization.objects.create(name=name).id
        except IntegrityError:
            for org_id, existing in Organization.objects.filter(name__iexact=name).values_list("id", "name"):
                if normalise_org_name(existing) == normalised:
                    return org_id
            raise

    def is_internal(self, organization_id: int | None) -> bool:
        return organization_id in self._internal

    def resolve(self, vendor_org_id: str | int | None, name: str | None, *, create: bool = True) -> int | None:
        """Our organization id for a vendor's organization; creates what is new (None instead when not `create`)."""
        key = str(vendor_org_id) if vendor_org_id not in (None, "") else None
        if key is not None and key in self._by_vendor_id:
            if name and self._vendor_names.get(key) != name:  # renamed at the vendor
                VendorOrganization.objects.filter(vendor_id=self.vendor_id, vendor_org_id=key).update(name=name)
                self._vendor_names[key] = name
            return self._by_vendor_id[key]
        normalised = normalise_org_name(name or "")
        if not normalised:
            return None
        org_id = self._by_name.get(normalised)
        if org_id is None:
            if not create:
                return None
            org_id = self._by_name[normalised] = self._create(" ".join(name.split()), normalised)
        if key is not None:
            VendorOrganization.objects.update_or_create(
                vendor_id=self.vendor_id, vendor_org_id=key, defaults={"name": name, "organization_id": org_id}
            )
            self._by_vendor_id[key] = org_id
            self._vendor_names[key] = name
        return org_id
