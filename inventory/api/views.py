from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from esinv.errors import BadRequest
from inventory.api.serializers import DeviceSearchResponseSerializer, OrganizationSerializer, VendorSerializer
from inventory.filtersets import OrganizationFilterSet
from inventory.models import Organization, OrganizationAlias, Vendor
from inventory.search import MIN_QUERY_LENGTH, search_devices

SEARCH_LIMIT = 200


@extend_schema(
    tags=["devices"],
    parameters=[OpenApiParameter("q", {"type": "string", "minLength": 2, "maxLength": 255}, required=True,
                                description="Hostname, display name or key.")],
    responses=DeviceSearchResponseSerializer,
)
@api_view(["GET"])
def device_search(request):
    """Search devices across vendors on each vendor's latest snapshot."""
    query = (request.query_params.get("q") or "").strip()
    if not query:
        raise BadRequest("The q parameter is required.", code="missing_parameter", details={"field": "q"})
    if len(query) < MIN_QUERY_LENGTH:
        raise BadRequest(
            f"q must be at least {MIN_QUERY_LENGTH} characters.", code="invalid_parameter", details={"field": "q"}
        )
    if len(query) > 255:
        raise BadRequest("q must be at most 255 characters.", code="invalid_parameter", details={"field": "q"})
    results, truncated = search_devices(query, limit=SEARCH_LIMIT)
    return Response({"query": query, "count": len(results), "truncated": truncated, "results": results})


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Our clients, with the aliases vendors use for them (for filter pickers)."""

    # Aliases are shown on every row: one query for all of them, not one per row.
    queryset = Organization.objects.prefetch_related(
        Prefetch("aliases", queryset=OrganizationAlias.objects.only("organization_id", "alias"))
    ).order_by("name")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet


class VendorViewSet(viewsets.ReadOnlyModelViewSet):
    """The fixed vendor ids: 1 NinjaOne, 2 ConnectWise, 3 ThreatLocker."""

    queryset = Vendor.objects.order_by("id")
    serializer_class = VendorSerializer
    pagination_class = None
