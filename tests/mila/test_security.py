"""Production hardening, checked in a separate interpreter that really loads production settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "test-" + "x7Qp2" * 12,
    "ALLOWED_HOSTS": "mila.example",
    "DATABASE_URL": "sqlite:////tmp/mila-prod-test.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6399/0",
    "MILA_ENV_FILE": "/nonexistent",
}

FETCH_HOME = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/", secure=True, headers={"host": "mila.example"})
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "cookies": {k: dict(v) for k, v in response.cookies.items()}}))
"""


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Production settings with hashed static files collected and the database migrated, as
    a deployment has them."""
    database = tmp_path_factory.mktemp("db") / "mila.sqlite3"
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
           "DATABASE_URL": f"sqlite:///{database}"}  # fmt: skip
    setup = "import django; from django.core.management import call_command; django.setup(); "
    commands = "call_command('migrate', verbosity=0); "
    commands += "call_command('collectstatic', interactive=False, verbosity=0)"
    result = _run(setup + commands, env)
    assert result.returncode == 0, result.stderr
    return env


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    leave_out = {*PRODUCTION_ENV, "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "mila.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_home_page_has_security_headers(production_env: dict[str, str]) -> None:
    result = _run(FETCH_HOME, production_env)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    headers = page["headers"]
    assert page["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "same-origin"
    csrf_cookie = page["cookies"]["__Host-csrftoken"]
    assert csrf_cookie["secure"] is True and csrf_cookie["path"] == "/"
    assert not csrf_cookie["domain"]


def test_production_redirects_http_to_https(production_env: dict[str, str]) -> None:
    code = FETCH_HOME.replace("secure=True", "secure=False")
    result = _run(code, production_env)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["status"] == 301
    assert page["headers"]["Location"] == "https://mila.example/"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run("import django; django.setup()", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.strip().splitlines()[-1]


def test_production_passes_check_deploy() -> None:
    code = (
        "import sys, django; from django.core.management import call_command; django.setup(); "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _run(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_csrf_is_enforced_on_post_forms() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("customers:set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 403
    page = client.get(reverse("home"))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("customers:set_language"),
        {"language": "fr", "next": "/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_development_pages_carry_a_strict_csp_with_nonce(client) -> None:
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert f'nonce="{nonce}"' in body  # htmx's script tag carries the nonce
    assert "style=" not in body and "<style" not in body
