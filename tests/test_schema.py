import re

import pytest
from django.urls import get_resolver
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def _api_routes() -> set[str]:
    """Every concrete route under /api/ in the URLconf, in schema notation."""
    routes = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, text)
            else:
                routes.add(text)

    walk(get_resolver().url_patterns)
    api = set()
    for route in routes:
        if not route.startswith("api/") or route.startswith(("api/schema", "api/docs")):
            continue
        route = re.sub(r"\^|\$|\\\.\(\?P<format>\[a-z0-9\]\+\)/\?", "", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", lambda m: "{" + (m.group(1) or m.group(2)) + "}", route)
        api.add("/" + route.replace("{pk}", "{id}"))
    return api


def test_schema_is_valid_openapi_3_and_lists_every_endpoint(reader):
    response = reader.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    missing = _api_routes() - set(schema["paths"])
    assert not missing, f"endpoints missing from the schema: {sorted(missing)}"


def test_docs_page_served_without_cdn(reader):
    response = reader.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
