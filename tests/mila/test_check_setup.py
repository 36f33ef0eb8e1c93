"""``manage.py check_setup``: each misconfiguration is named with its fix, and goes away when
fixed; errors (or warnings, if asked) make the command exit 1."""

import socket
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django.test import override_settings

from mila import setup_checks
from mila.setup_checks import Problem

pytestmark = pytest.mark.django_db

GOOD_IBAN = "CH93 0076 2011 6238 5295 7"
REDIS_NOBODY = "redis://127.0.0.1:1/0"  # port 1: connection refused at once
CREDITOR = {
    "name": "Mila Hilfe GmbH",
    "street": "Bahnhofstrasse",
    "house_num": "1",
    "pcode": "8001",
    "city": "Zürich",
    "country": "CH",
}


def found(check: Callable[[], list[Problem]]) -> str:
    """What the check prints, one problem a line."""
    return "\n".join(f"{problem.level}: {problem}" for problem in check())


def run_command(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_setup", *args, stdout=out, no_color=True)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A local port that accepts connections (an SMTP server that is up)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The command -------------------------------------------------------------------------------


def test_a_sound_setup_says_so_and_exits_0() -> None:
    code, out = run_command()
    assert (code, out.strip()) == (0, "Everything is set up.")


@override_settings(STAFF_EMAIL="")
def test_an_error_is_one_line_with_its_fix_and_exits_1() -> None:
    code, out = run_command()
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("ERROR")]
    assert "STAFF_EMAIL is not an e-mail address" in line
    assert "Set STAFF_EMAIL" in line
    assert out.splitlines()[-1] == "1 error(s), 0 warning(s)."


@override_settings(STRIPE_SECRET_KEY="sk_test_x", STRIPE_PUBLISHABLE_KEY="pk_test_x",
                   STRIPE_WEBHOOK_SECRET="whsec_x", STRIPE_API_BASE="http://localhost:8420",
                   PRODUCTION=True)  # fmt: skip
def test_warnings_exit_0_unless_the_fail_level_is_warning(monkeypatch) -> None:
    monkeypatch.setattr(setup_checks, "CHECKS", (setup_checks.stripe,))
    code, out = run_command()
    assert code == 0
    assert out.count("WARNING") == 2
    assert run_command("--fail-level", "warning")[0] == 1


@override_settings(PRODUCTION=True, DEBUG=True)
def test_djangos_deployment_checks_are_part_of_the_report() -> None:
    assert "security.W018" in found(setup_checks.django_system_checks)  # DEBUG in production


def test_djangos_deployment_checks_stay_out_of_development() -> None:
    assert "security." not in found(setup_checks.django_system_checks)


def test_a_check_that_breaks_is_reported_not_raised(monkeypatch) -> None:
    def broken() -> list[Problem]:
        raise RuntimeError("boom")

    monkeypatch.setattr(setup_checks, "CHECKS", (broken,))
    code, out = run_command()
    assert code == 1
    assert "The check broken failed (RuntimeError: boom)" in out


# --- Hosts and links ---------------------------------------------------------------------------


@pytest.mark.parametrize(("hosts", "problem"), [(["*"], True), (["mila.ch"], False)])
def test_allowed_hosts_must_name_the_site_in_production(hosts, problem) -> None:
    with override_settings(PRODUCTION=True, ALLOWED_HOSTS=hosts):
        assert ("accepts any host name" in found(setup_checks.allowed_hosts)) is problem


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://mila.ch", "is not https"),
        ("https://elsewhere.ch", "is not in ALLOWED_HOSTS"),
        ("https://mila.ch", ""),
    ],
)
def test_site_url_is_https_and_one_of_the_allowed_hosts(url, expected) -> None:
    with override_settings(PRODUCTION=True, ALLOWED_HOSTS=["mila.ch"], SITE_URL=url):
        text = found(setup_checks.site_url)
    assert (expected in text) if expected else text == ""


# --- Services ----------------------------------------------------------------------------------


def test_an_unreachable_database_is_an_error(monkeypatch) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(setup_checks.connection, "ensure_connection", refuse)
    assert "The database cannot be reached (OperationalError" in found(setup_checks.database)


def test_unapplied_migrations_are_named(monkeypatch) -> None:
    from django.db.migrations import Migration

    pending = [(Migration("0099_new_field", "bookings"), False)]
    monkeypatch.setattr(setup_checks.MigrationExecutor, "migration_plan", lambda *a: pending)
    assert "1 database migrations are not applied (first: bookings.0099_new_field)" in found(
        setup_checks.database
    )


def test_a_migrated_database_is_fine() -> None:
    assert found(setup_checks.database) == ""


def test_an_unreachable_redis_cache_is_an_error() -> None:
    redis_cache = {
        "default": {
            "BACKEND": "mila.cache.FallbackRedisCache",
            "LOCATION": REDIS_NOBODY,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=redis_cache):
        assert "The cache (Redis) cannot be reached" in found(setup_checks.cache)
    assert found(setup_checks.cache) == ""


def test_an_unreachable_broker_is_an_error_when_tasks_are_queued() -> None:
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=REDIS_NOBODY):
        assert "The Celery broker cannot be reached" in found(setup_checks.broker)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_BROKER_URL=REDIS_NOBODY):
        assert found(setup_checks.broker) == ""


def test_a_memory_broker_without_eager_tasks_is_an_error() -> None:
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="memory://"):
        assert "no worker will ever see them" in found(setup_checks.broker)


@override_settings(PRODUCTION=True, CELERY_TASK_ALWAYS_EAGER=True)
def test_inline_tasks_in_production_are_a_warning() -> None:
    assert found(setup_checks.broker).startswith("warning: Celery tasks run inside web requests")


# --- E-mail ------------------------------------------------------------------------------------


def mailer(backend: str, **options: object) -> dict:
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


@pytest.mark.parametrize("kind", ["console", "locmem"])
def test_e_mail_that_goes_nowhere_is_an_error_in_production(kind) -> None:
    backend = f"django.core.mail.backends.{kind}.EmailBackend"
    with override_settings(PRODUCTION=True, MAILERS=mailer(backend)):
        assert f"E-mail goes nowhere in production (the {kind} backend)" in found(
            setup_checks.email
        )
    with override_settings(PRODUCTION=False, MAILERS=mailer(backend)):
        assert found(setup_checks.email) == ""


def test_an_unreachable_smtp_server_is_an_error(listening_port) -> None:
    port = closed_port()
    smtp = "notifications.smtp.EmailBackend"
    with override_settings(PRODUCTION=True, MAILERS=mailer(smtp, host="127.0.0.1", port=port)):
        assert f"The SMTP server 127.0.0.1:{port} cannot be reached" in found(setup_checks.email)
    up = mailer(smtp, host="127.0.0.1", port=listening_port)
    with override_settings(PRODUCTION=True, MAILERS=up):
        assert found(setup_checks.email) == ""


@pytest.mark.parametrize("name", ["DEFAULT_FROM_EMAIL", "STAFF_EMAIL"])
def test_sender_and_staff_addresses_are_needed(name) -> None:
    with override_settings(**{name: ""}):
        assert f"{name} is not an e-mail address" in found(setup_checks.addresses)
    with override_settings(**{name: "Mila <hallo@mila.ch>"}):
        assert found(setup_checks.addresses) == ""


# --- Payments ----------------------------------------------------------------------------------


@override_settings(STRIPE_SECRET_KEY="sk_live_x", STRIPE_PUBLISHABLE_KEY="",
                   STRIPE_WEBHOOK_SECRET="")  # fmt: skip
def test_a_stripe_secret_key_needs_its_webhook_secret_and_publishable_key() -> None:
    text = found(setup_checks.stripe)
    assert "without STRIPE_WEBHOOK_SECRET" in text
    assert "without STRIPE_PUBLISHABLE_KEY" in text
    with override_settings(STRIPE_PUBLISHABLE_KEY="pk_live_x", STRIPE_WEBHOOK_SECRET="whsec_x"):
        assert found(setup_checks.stripe) == ""


@override_settings(STRIPE_SECRET_KEY="sk_live_x", STRIPE_PUBLISHABLE_KEY="pk_test_x",
                   STRIPE_WEBHOOK_SECRET="whsec_x")  # fmt: skip
def test_stripe_keys_from_two_modes_are_an_error() -> None:
    assert "mix test and live mode" in found(setup_checks.stripe)


@override_settings(STRIPE_SECRET_KEY="sk_test_x", STRIPE_PUBLISHABLE_KEY="pk_test_x",
                   STRIPE_WEBHOOK_SECRET="whsec_x", STRIPE_API_BASE="")  # fmt: skip
def test_stripe_test_keys_are_a_warning_only_in_production() -> None:
    with override_settings(PRODUCTION=True):
        assert found(setup_checks.stripe).startswith("warning: Stripe runs in test mode")
    assert found(setup_checks.stripe) == ""


@pytest.mark.parametrize(
    ("iban", "creditor", "expected"),
    [
        ("CH93 0076 2011 6238 5295 8", CREDITOR, "the IBAN is not valid"),
        ("DE89 3704 0044 0532 0130 00", CREDITOR, "IBAN must start with: CH, LI"),
        (GOOD_IBAN, {**CREDITOR, "city": ""}, "City is mandatory"),
        ("CH44 3199 9123 0008 8901 2", CREDITOR, "SIX's example QR-IBAN"),
        (GOOD_IBAN, CREDITOR, ""),
    ],
)
def test_the_invoice_account_and_creditor_make_a_valid_qr_bill(iban, creditor, expected) -> None:
    with override_settings(PRODUCTION=True, INVOICE_IBAN=iban, INVOICE_CREDITOR=creditor):
        text = found(setup_checks.invoices)
    assert (expected in text) if expected else text == ""


def test_a_qr_iban_of_our_own_is_fine() -> None:
    with override_settings(PRODUCTION=True, INVOICE_IBAN="CH21 3080 8001 2345 6782 7"):
        assert found(setup_checks.invoices) == ""


# --- Files -------------------------------------------------------------------------------------


def test_missing_compiled_translations_are_named(tmp_path: Path) -> None:
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "de" / "LC_MESSAGES" / "django.mo").write_bytes(b"")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        assert "Compiled translations are missing for fr, it, en" in found(
            setup_checks.translations
        )
    assert found(setup_checks.translations) == ""


def test_uncollected_static_files_are_an_error(tmp_path: Path) -> None:
    manifest_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=manifest_storage, STATIC_ROOT=str(tmp_path)):
        assert "Static files are not collected (staticfiles.json is missing" in found(
            setup_checks.static_files
        )
        (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        assert found(setup_checks.static_files) == ""


def test_beat_needs_a_writable_schedule_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "celerybeat-schedule"
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BEAT_SCHEDULE_FILENAME=missing):
        assert f"cannot write its schedule in {missing.parent}" in found(setup_checks.beat_schedule)
    schedule = tmp_path / "celerybeat-schedule"
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BEAT_SCHEDULE_FILENAME=schedule):
        assert found(setup_checks.beat_schedule) == ""


# --- Behind the proxy --------------------------------------------------------------------------


def test_rate_limits_behind_the_proxy_need_the_visitors_address(settings) -> None:
    settings.PRODUCTION = True
    assert "count every visitor as the proxy" in found(setup_checks.client_addresses)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert found(setup_checks.client_addresses) == ""
