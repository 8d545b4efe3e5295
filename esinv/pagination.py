"""Page-number pagination with the metadata a dashboard needs to draw pagers."""
from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from esinv.errors import BadRequest
from esinv.params import positive_int
from esinv.validation import refuse_repeated


class HubPagination(PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.ESINV_MAX_PAGE_SIZE

    def get_page_size(self, request):
        refuse_repeated(request.query_params, (self.page_query_param, self.page_size_query_param))
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = positive_int(raw, "page_size", message=f"page_size must be between 1 and {self.max_page_size}.")
        if size > self.max_page_size:
            raise BadRequest(f"page_size must be between 1 and {self.max_page_size}.", code="invalid_parameter",
                             details={"field": "page_size", "value": raw})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        refuse_repeated(request.query_params, (self.page_query_param, self.page_size_query_param))
        positive_int(request.query_params.get(self.page_query_param, "1"), "page")
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(self.get_paginated_envelope(data))

    def get_paginated_envelope(self, data) -> dict:
        page = self.page
        return {
            "count": page.paginator.count,
            "page": page.number,
            "page_size": page.paginator.per_page,
            "total_pages": page.paginator.num_pages,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "total_pages", "results"],
            "properties": {
                "count": {"type": "integer"},
                "page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "total_pages": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
