"""Browser sign-in for the QBR dashboard: start Microsoft sign-in, status, logout.

GET /api/auth/microsoft/login starts allauth's Microsoft OAuth flow directly
(302 to Microsoft). allauth's own /accounts/microsoft/login/ still needs a
POST (SOCIALACCOUNT_LOGIN_ON_GET stays off); this one GET entry point exists
because the dashboard contract navigates to it with a plain link. What
protects the flow is the OAuth `state` allauth stores in the session and
checks at the callback (/accounts/microsoft/login/callback/), so a forged
callback cannot sign a browser into someone else's account.
"""
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib.auth import logout
from django.middleware.csrf import get_token
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response

from esinv.auth import PublicAccess
from esinv.errors import APIError
from qbr.permissions import user_can_read_qbr, user_can_write_qbr
from qbr.sign_in import display_name_from_graph

PROVIDER = "microsoft"


def _safe_next(request) -> str:
    candidate = request.GET.get("next") or ""
    if candidate and get_account_adapter(request).is_safe_url(candidate):
        return candidate
    return settings.QBR_LOGIN_REDIRECT_URL


@extend_schema(
    tags=["auth"],
    parameters=[
        OpenApiParameter(
            "next", OpenApiTypes.STR,
            description="Where to land after sign-in: a path, or a URL on ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS.",
        )
    ],
    responses={302: OpenApiResponse(description="Redirect to Microsoft's authorize endpoint."),
               503: OpenApiResponse(description="Microsoft sign-in is not configured.")},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([PublicAccess])
def microsoft_login(request):
    """Start Microsoft sign-in: redirects the browser to Microsoft (open to anonymous callers)."""
    django_request = request._request
    try:
        provider = get_social_adapter().get_provider(django_request, PROVIDER)
        configured = bool(provider.app.client_id)
    except SocialApp.DoesNotExist:
        configured = False
    if not configured:
        raise APIError(
            "Microsoft sign-in is not configured (MICROSOFT_CLIENT_ID).", code="not_configured", status_code=503
        )
    return provider.redirect(django_request, process="login", next_url=_safe_next(request))


def _user_out(user) -> dict:
    account = user.socialaccount_set.filter(provider=PROVIDER).only("extra_data").first()
    graph_name = display_name_from_graph(account.extra_data or {}) if account else ""
    return {
        "email": user.email or None,
        "name": graph_name or user.get_full_name() or user.get_username(),
        "username": user.get_username(),
    }


_STATUS = inline_serializer(
    "AuthStatus",
    {
        "success": serializers.BooleanField(),
        "authenticated": serializers.BooleanField(),
        "user": inline_serializer(
            "AuthUser",
            {"email": serializers.EmailField(allow_null=True), "name": serializers.CharField(),
             "username": serializers.CharField()},
            allow_null=True,
        ),
        "qbr_access": inline_serializer(
            "AuthQBRAccess", {"read": serializers.BooleanField(), "write": serializers.BooleanField()}
        ),
        "csrf_token": serializers.CharField(),
    },
)


@extend_schema(tags=["auth"], responses=_STATUS)
@api_view(["GET"])
@authentication_classes([SessionAuthentication])
@permission_classes([PublicAccess])
def auth_status(request):
    """Whether this browser is signed in, as whom, what QBR access it has, and its CSRF token."""
    user = request.user
    signed_in = bool(user and user.is_authenticated)
    return Response({
        "success": True,
        "authenticated": signed_in,
        "user": _user_out(user) if signed_in else None,
        "qbr_access": {"read": user_can_read_qbr(user), "write": user_can_write_qbr(user)},
        # A cross-origin dashboard cannot read our csrftoken cookie; it sends
        # this value as X-CSRFToken on POSTs (CORS limits who can read it).
        "csrf_token": get_token(request._request),
    })


@extend_schema(
    tags=["auth"],
    request=None,
    responses=inline_serializer(
        "AuthLogout", {"success": serializers.BooleanField(), "authenticated": serializers.BooleanField()}
    ),
)
@api_view(["POST"])
@authentication_classes([SessionAuthentication])
@permission_classes([PublicAccess])
def auth_logout(request):
    """Sign out (idempotent, open to anyone): a signed-in session must send its CSRF token."""
    logout(request._request)
    return Response({"success": True, "authenticated": False})
