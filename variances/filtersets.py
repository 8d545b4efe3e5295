"""Filters of GET /api/exceptions (and the filter form of bulk-update)."""
import django_filters
from django.db.models import Q

from esinv.errors import BadRequest
from esinv.params import is_plain_int
from variances import types as T
from variances.models import ExceptionRecord, ExceptionStatus, VarianceStatus

STATUS_VALUES = {ExceptionStatus.OPEN, ExceptionStatus.RESOLVED, "unresolved"} | {
    value for value, *_ in VarianceStatus.CHOICES
}


class ExceptionFilterSet(django_filters.FilterSet):
    type = django_filters.CharFilter(method="filter_type", help_text="MISSING_NINJA or missing_in_ninja; comma list.")
    status = django_filters.CharFilter(
        method="filter_status", help_text="open, unresolved, resolved, active, manually_fixed, collector_verified.")
    organization = django_filters.CharFilter(method="filter_organization", help_text="Organization id or name.")
    hostname = django_filters.CharFilter(method="filter_hostname", help_text="Part of a hostname or key.")

    class Meta:
        model = ExceptionRecord
        fields = []

    def filter_type(self, queryset, name, value):
        codes = []
        for part in value.split(","):
            kind = T.kind_for(part)
            if kind is None:
                raise BadRequest(f"Unknown exception type {part!r}.", code="invalid_parameter",
                                 details={"field": "type", "value": part,
                                          "allowed": [k.code for k in T.KINDS] + [k.api_name for k in T.KINDS]})
            codes.append(kind.code)
        return queryset.filter(type__in=codes)

    def filter_status(self, queryset, name, value):
        value = value.strip().lower()
        if value not in STATUS_VALUES:
            raise BadRequest(f"Unknown status {value!r}.", code="invalid_parameter",
                             details={"field": "status", "allowed": sorted(STATUS_VALUES)})
        if value in ("open", "unresolved"):
            return queryset.filter(status=ExceptionStatus.OPEN)
        if value == ExceptionStatus.RESOLVED:
            return queryset.filter(status=ExceptionStatus.RESOLVED)
        return queryset.filter(variance_status=value)

    def filter_organization(self, queryset, name, value):
        value = value.strip()
        if is_plain_int(value):
            return queryset.filter(organization_id=int(value))
        return queryset.filter(organization__name__iexact=value)

    def filter_hostname(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(hostname__icontains=value) | Q(canonical_key__icontains=value.lower()))
