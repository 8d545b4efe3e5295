"""Paging of GET /api/exceptions: the hub's page numbers, or the older `limit`/`offset`.

The query serializer (`ExceptionListQuerySerializer`) validates both spellings and decides which
applies; this class only slices. The envelope is the hub's, plus `offset` and `limit` in both modes.
"""
import math

from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from esinv.pagination import HubPagination


class ExceptionPagination(HubPagination):
    window = None  # (offset, limit) when the caller pages with limit/offset

    def paginate_queryset(self, queryset, request, view=None, window=None):
        self.window = window
        if window is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.count = queryset.count()
        offset, limit = window
        return list(queryset[offset:offset + limit]) if offset < self.count else []

    def get_paginated_envelope(self, data) -> dict:
        if self.window is None:
            envelope = super().get_paginated_envelope(data)
            envelope.update(offset=(envelope["page"] - 1) * envelope["page_size"], limit=envelope["page_size"])
            return envelope
        offset, limit = self.window
        return {
            "count": self.count,
            "page": offset // limit + 1,
            "page_size": limit,
            "total_pages": max(1, math.ceil(self.count / limit)),
            "next": self._window_link(offset + limit) if offset + limit < self.count else None,
            "previous": self._window_link(max(0, offset - limit)) if offset > 0 else None,
            "offset": offset,
            "limit": limit,
            "results": data,
        }

    def _window_link(self, offset: int) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, "offset", offset)

    def get_paginated_response(self, data):
        return Response(self.get_paginated_envelope(data))

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"].update(offset={"type": "integer", "description": "Rows skipped before this page."},
                                      limit={"type": "integer", "description": "Rows per page (= page_size)."})
        return response
