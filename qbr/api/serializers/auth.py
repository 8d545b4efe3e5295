"""Microsoft sign-in, auth status and logout: what they accept and answer."""
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from esinv.validation import QueryParamsSerializer


class NextQuerySerializer(QueryParamsSerializer):
    next = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Where to land after sign-in: a path, or a URL on ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS.",
    )


class MicrosoftCallbackQuerySerializer(QueryParamsSerializer):
    """What Microsoft sends back (read by allauth; documented here). Only the browser that started the sign-in
    (`GET /api/auth/microsoft/login`) can complete it: allauth refuses a `state` its session did not issue (400),
    so no other client can call this successfully."""

    code = serializers.CharField(required=False, help_text="The authorization code (else `error` is set).")
    state = serializers.CharField(help_text="The state this browser's sign-in started with (kept in its session).")
    error = serializers.CharField(required=False, help_text="Set instead of code when the sign-in failed.")
    error_description = serializers.CharField(required=False)


class AuthUserSerializer(serializers.Serializer):
    email = serializers.EmailField(allow_null=True)
    name = serializers.CharField()
    username = serializers.CharField()


class AuthAccessSerializer(serializers.Serializer):
    read = serializers.BooleanField()
    write = serializers.BooleanField()


@extend_schema_serializer(many=False)
class AuthStatusSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    authenticated = serializers.BooleanField()
    user = AuthUserSerializer(allow_null=True)
    qbr_access = AuthAccessSerializer()
    csrf_token = serializers.CharField(help_text="Send it as X-CSRFToken on POSTs (a cross-origin dashboard cannot "
                                                 "read the csrftoken cookie).")


@extend_schema_serializer(many=False)
class AuthLogoutSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    authenticated = serializers.BooleanField()
