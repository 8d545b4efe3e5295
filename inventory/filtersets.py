import django_filters

from inventory.models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Organization
        fields = ["name", "is_internal"]
