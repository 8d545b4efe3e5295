import django_filters

from inventory.models import Organization

_BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


class OrganizationFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    # `true` or `false`; anything else is a 400 (django-filter's default boolean would ignore `maybe`).
    is_internal = django_filters.TypedChoiceFilter(choices=_BOOLEAN_CHOICES, coerce=lambda value: value == "true")

    class Meta:
        model = Organization
        fields = ["name", "is_internal"]
