"""A URLconf with one view drf-spectacular cannot describe (no serializer): proves the no-warning check works
(tests/test_schema.py)."""
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView


class Undescribed(APIView):
    def get(self, request):
        return Response({})


urlpatterns = [path("api/undescribed", Undescribed.as_view())]
