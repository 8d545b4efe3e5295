"""Production settings and the deploy/ entrypoints' pieces: `check --deploy` is clean, the pages carry the content
security policy, the API docs have no inline script, migrations apply under a lock, static files are hashed and
compressed."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ESINV_", "DEBUG"))}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), BEHIND_TLS_PROXY="true", ALLOWED_HOSTS="hub.example.com",
               ESINV_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="esinv.settings", **extra)
    return env


def test_check_deploy_has_no_warnings_with_the_production_environment(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_the_proxy_settings(tmp_path):
    env = production_env(tmp_path)
    env.pop("BEHIND_TLS_PROXY")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_pages_carry_the_policy(staff_user):
    client = Client()
    client.force_login(staff_user)
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_api_docs_load_their_init_script_from_a_url(staff_user):
    client = Client()
    client.force_login(staff_user)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "/api/docs/?script=" in html
    assert "'unsafe-inline'" in page.headers["Content-Security-Policy"].split("style-src ")[1].split(";")[0]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_migrate_locked_applies_nothing_twice(capsys):
    call_command("migrate_locked", verbosity=1)
    assert "No migrations to apply" in capsys.readouterr().out
    if connection.vendor == "postgresql":  # the advisory lock was released
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            assert cursor.fetchone()[0] == 0


def test_collectstatic_writes_hashed_compressed_files(tmp_path):
    env = production_env(tmp_path, STATIC_ROOT=str(tmp_path / "static"))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    names = {path.name for path in (tmp_path / "static" / "esinv").iterdir()}
    hashed = [name for name in names if name.startswith("dashboard.") and name.endswith(".js") and name.count(".") == 2]
    assert hashed and f"{hashed[0]}.gz" in names
    assert (tmp_path / "static" / "staticfiles.json").is_file()
