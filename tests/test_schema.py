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


def _spectacular(**options):
    """`manage.py spectacular --validate --fail-on-warn --file /dev/null`, as CI runs it (.ci/run)."""
    import os

    from django.core.management import call_command
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()  # warnings of an earlier generation in this process are not this one's
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull, **options)
    finally:
        GENERATOR_STATS.reset()


def test_schema_generates_without_a_single_warning():
    # A new warning (an enum name collision, a view whose serializer cannot be guessed) fails here, not in CI only.
    _spectacular()


def test_the_warning_check_would_catch_a_warning():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="warnings"):
        _spectacular(urlconf="tests.schema_warning_urls")
