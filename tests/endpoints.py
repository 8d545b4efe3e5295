"""Every API operation, read from the OpenAPI schema, for the permission matrix tests.

New endpoints join the matrix by appearing in the schema; nothing to register.
"""
import re

from drf_spectacular.generators import SchemaGenerator

# Open to everyone by design.
PUBLIC = {
    "/api/health", "/api/health/live", "/api/health/ready",
    # Sign-in must be reachable before signing in; logout is idempotent (CSRF still applies to sessions).
    "/api/auth/microsoft/login", "/api/auth/microsoft/callback", "/api/auth/status", "/api/auth/logout",
}
# Sample values for path parameters, by name.
PATH_SAMPLES = {"date": "2026-11-23", "id": "1", "batch_id": "1", "job_id": "1", "pk": "1"}


def api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        concrete = re.sub(r"\{(\w+)\}", lambda m: PATH_SAMPLES.get(m.group(1), "1"), path)
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                operations.append((method, concrete))
    return sorted(operations)
