"""OpenAPI descriptions of the hub's own authentication."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "esinv.auth.APIKeyAuthentication"
    name = ["ApiKeyHeader", "ApiKeyBearer"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            {"type": "http", "scheme": "bearer", "description": "The same API key as a bearer token."},
        ]
