"""What ``manage.py check_setup`` looks at: is this installation set up to run?

Django's own system checks (with ``check --deploy``'s in production: DEBUG, a short or
development SECRET_KEY, an empty ALLOWED_HOSTS, HSTS, cookies) come first, as they are. The
checks here cover the rest: what the settings point at (database, Redis, broker, SMTP) answering,
and values only Mila knows to be wrong. Each check is a small function returning the problems
it found, each problem one sentence and what to do about it. Network checks connect only, with
short timeouts, and send nothing.
"""

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks as django_checks
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http.request import validate_host
from kombu import Connection
from qrbill import QRBill
from stdnum.ch import esr

from mila.cache import FallbackRedisCache

NETWORK_TIMEOUT_SECONDS = 3
# settings.INVOICE_IBAN's default: SIX's example QR-IBAN, which belongs to nobody.
EXAMPLE_IBAN = "CH4431999123000889012"
# A well-formed QR reference, for validating a QR-IBAN (qrbill refuses one without).
SAMPLE_QR_REFERENCE = "1" + "0" * 25 + esr.calc_check_digit("1" + "0" * 25)
NON_DELIVERING_MAILERS = ("console", "locmem", "dummy")


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.message} {self.fix}"


def _error(message: str, fix: str) -> list[Problem]:
    return [Problem("error", message, fix)]


def _warning(message: str, fix: str) -> list[Problem]:
    return [Problem("warning", message, fix)]


def _production() -> bool:
    return bool(getattr(settings, "PRODUCTION", False))


def _failure(error: BaseException) -> str:
    """The kind of failure and its text, without the settings' passwords (never in messages)."""
    return f"{type(error).__name__}: {error}".strip().rstrip(":")


def django_system_checks() -> list[Problem]:
    """Django's checks, with the deployment ones in production (``check --deploy``)."""
    messages = django_checks.run_checks(include_deployment_checks=_production())
    return [
        Problem(
            "error" if message.level >= django_checks.ERROR else "warning",
            f"{message.id}: {message.msg}",
            message.hint
            or "See https://docs.djangoproject.com/en/stable/howto/deployment/checklist/",
        )
        for message in messages
        if message.level >= django_checks.WARNING and not message.is_silenced()
    ]


def allowed_hosts() -> list[Problem]:
    if _production() and "*" in settings.ALLOWED_HOSTS:
        return _error(
            "ALLOWED_HOSTS accepts any host name ('*').",
            "Set ALLOWED_HOSTS to the site's own domain, e.g. ALLOWED_HOSTS=mila.ch.",
        )
    return []


def site_url() -> list[Problem]:
    """SITE_URL makes the links in e-mails: they must reach this site, over HTTPS."""
    url = urlsplit(settings.SITE_URL)
    if _production() and url.scheme != "https":
        return _error(
            f"SITE_URL ({settings.SITE_URL}) is not https: links in e-mails would be refused "
            "or sent in the clear.",
            "Set SITE_URL=https://<your domain>.",
        )
    if not url.hostname or not validate_host(url.hostname, settings.ALLOWED_HOSTS):
        return _error(
            f"SITE_URL's host ({url.hostname}) is not in ALLOWED_HOSTS: links in e-mails "
            "would answer 400.",
            "Make SITE_URL and ALLOWED_HOSTS name the same domain.",
        )
    return []


def database() -> list[Problem]:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return _error(
            f"The database cannot be reached ({_failure(error)}).",
            "Check DATABASE_URL and that PostgreSQL is running and accepts this host.",
        )
    if pending:
        first = pending[0][0]
        return _error(
            f"{len(pending)} database migrations are not applied (first: "
            f"{first.app_label}.{first.name}).",
            "Run `python manage.py migrate`.",
        )
    return []


def cache() -> list[Problem]:
    backend = caches["default"]
    try:
        if isinstance(backend, FallbackRedisCache):
            # Redis itself: the fallback would answer from memory while it is away.
            backend._cache.get_client(write=True).ping()
        else:
            backend.set("mila:check_setup", 1, 5)
    except Exception as error:
        return _error(
            f"The cache (Redis) cannot be reached ({_failure(error)}): each process falls "
            "back to its own memory, so rate limits and throttles are per process.",
            "Check REDIS_URL and that Redis is running.",
        )
    return []


def broker() -> list[Problem]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if _production():
            return _warning(
                "Celery tasks run inside web requests (CELERY_TASK_ALWAYS_EAGER): e-mails and "
                "matching slow every page down and nothing retries them.",
                "Unset CELERY_TASK_ALWAYS_EAGER and run a worker and beat.",
            )
        return []
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return _error(
            "Tasks are queued in process memory (memory://): no worker will ever see them.",
            "Set REDIS_URL, or CELERY_TASK_ALWAYS_EAGER=true to run them inline.",
        )
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=NETWORK_TIMEOUT_SECONDS
        ) as broker_connection:
            broker_connection.ensure_connection(max_retries=0, timeout=NETWORK_TIMEOUT_SECONDS)
    except Exception as error:
        return _error(
            f"The Celery broker cannot be reached ({_failure(error)}): tasks wait in the "
            "database until the sweeps find them.",
            "Check REDIS_URL and that Redis is running.",
        )
    return []


def email() -> list[Problem]:
    mailer = settings.MAILERS["default"]
    backend, options = mailer["BACKEND"], mailer.get("OPTIONS", {})
    kind = backend.rsplit(".", 2)[-2]  # "django.core.mail.backends.console.EmailBackend"
    if _production() and kind in NON_DELIVERING_MAILERS:
        return _error(
            f"E-mail goes nowhere in production (the {kind} backend): customers and helpers "
            "would never hear of their bookings.",
            "Set EMAIL_URL=smtp+tls://user:password@host:587.",
        )
    if _production() and kind == "filebased":
        return _warning(
            "E-mails are written to files (EMAIL_URL=filemail://), not sent.",
            "Set EMAIL_URL to your SMTP server unless this is a staging copy.",
        )
    if kind == "smtp":
        host, port = options.get("host", "localhost"), options.get("port") or 25
        try:
            socket.create_connection((host, port), timeout=NETWORK_TIMEOUT_SECONDS).close()
        except OSError as error:
            return _error(
                f"The SMTP server {host}:{port} cannot be reached ({_failure(error)}).",
                "Check EMAIL_URL's host and port and that this machine may connect to it.",
            )
    return []


# What goes wrong without each address.
ADDRESS_SETTINGS = {
    "DEFAULT_FROM_EMAIL": "e-mails have no sender.",
    "STAFF_EMAIL": "staff are never told about bookings nobody took.",
}


def addresses() -> list[Problem]:
    problems: list[Problem] = []
    for name, consequence in ADDRESS_SETTINGS.items():
        if "@" not in parseaddr(getattr(settings, name, ""))[1]:
            problems += _error(
                f"{name} is not an e-mail address: {consequence}",
                f"Set {name}, e.g. {name}='Mila <hallo@mila.ch>'.",
            )
    return problems


def stripe() -> list[Problem]:
    secret, public = settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY
    if not secret:
        return []
    problems: list[Problem] = []
    if not settings.STRIPE_WEBHOOK_SECRET:
        problems += _error(
            "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: Stripe's events are "
            "refused, so payments wait for the nightly reconciliation.",
            "Set STRIPE_WEBHOOK_SECRET (whsec_…) from the webhook of /payments/stripe/webhook/.",
        )
    if not public:
        problems += _error(
            "STRIPE_SECRET_KEY is set without STRIPE_PUBLISHABLE_KEY: the card page cannot load.",
            "Set STRIPE_PUBLISHABLE_KEY (pk_…) from the same Stripe account.",
        )
    elif secret.startswith("sk_test_") != public.startswith("pk_test_"):
        problems += _error(
            "The Stripe keys mix test and live mode.",
            "Take STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY from the same mode.",
        )
    if _production() and secret.startswith("sk_test_"):
        problems += _warning(
            "Stripe runs in test mode in production: real cards are declined.",
            "Use the live keys (sk_live_…) unless this is a staging copy.",
        )
    if _production() and settings.STRIPE_API_BASE:
        problems += _warning(
            f"STRIPE_API_BASE points at {settings.STRIPE_API_BASE}, not at Stripe.",
            "Unset STRIPE_API_BASE (it is for localstripe in development).",
        )
    return problems


def invoices() -> list[Problem]:
    """The QR-bill's account and creditor, validated by qrbill as every invoice will be."""
    account = settings.INVOICE_IBAN.replace(" ", "").upper()
    try:
        QRBill(
            account=account,
            creditor=settings.INVOICE_CREDITOR,
            reference_number=SAMPLE_QR_REFERENCE if _qr_iban(account) else None,
        )
    except ValueError as error:
        return _error(
            f"Invoices cannot be made: {error}.",
            "Check INVOICE_IBAN (a Swiss or Liechtenstein IBAN) and INVOICE_CREDITOR_NAME, "
            "_STREET, _HOUSE, _POSTCODE, _CITY.",
        )
    if _production() and account == EXAMPLE_IBAN:
        return _error(
            "INVOICE_IBAN is SIX's example QR-IBAN: customers would pay into an account that "
            "belongs to nobody.",
            "Set INVOICE_IBAN to Mila's own (QR-)IBAN.",
        )
    return []


def _qr_iban(account: str) -> bool:
    """A QR-IBAN (institution id 30000–31999) needs a QR reference, another IBAN none."""
    institution = account[4:9]
    return institution.isdigit() and 30000 <= int(institution) <= 31999


def translations() -> list[Problem]:
    missing = [
        code
        for code, _name in settings.LANGUAGES
        if not any(
            (Path(path) / code / "LC_MESSAGES" / "django.mo").is_file()
            for path in settings.LOCALE_PATHS
        )
    ]
    if missing:
        return _error(
            f"Compiled translations are missing for {', '.join(missing)}: those pages would "
            "show German or English text mixed.",
            "Run `make messages` (or pybabel compile, as the Dockerfile does).",
        )
    return []


def static_files() -> list[Problem]:
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        return _error(
            f"Static files are not collected ({storage.manifest_name} is missing in "
            f"{settings.STATIC_ROOT}): every page would fail.",
            "Run `python manage.py collectstatic --noinput`.",
        )
    return []


def beat_schedule() -> list[Problem]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return []  # no beat: run_periodic does its work
    directory = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent
    if not (directory.is_dir() and os.access(directory, os.W_OK)):
        return _error(
            f"Celery beat cannot write its schedule in {directory}: it would not start.",
            "Point CELERY_BEAT_SCHEDULE_FILENAME at a writable directory.",
        )
    return []


def client_addresses() -> list[Problem]:
    """Behind the proxy every request comes from the proxy's address, unless Django is told
    which X-Forwarded-For entry is the visitor's."""
    if not _production():
        return []
    allauth_knows = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or getattr(
        settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None
    )
    drf_knows = settings.REST_FRAMEWORK.get("NUM_PROXIES") is not None
    if allauth_knows and drf_knows:
        return []
    return _warning(
        "Behind the proxy, login limits per address and API throttles count every visitor "
        "as the proxy: one busy hour locks everyone out.",
        "Set ALLAUTH_TRUSTED_PROXY_COUNT = 1 and REST_FRAMEWORK['NUM_PROXIES'] = 1 "
        "(one proxy in front).",
    )


CHECKS: tuple[Callable[[], list[Problem]], ...] = (
    django_system_checks,
    allowed_hosts,
    site_url,
    database,
    cache,
    broker,
    email,
    addresses,
    stripe,
    invoices,
    translations,
    static_files,
    beat_schedule,
    client_addresses,
)


def setup_problems() -> list[Problem]:
    """Every problem found, errors first; a check that breaks is itself a problem."""
    problems: list[Problem] = []
    for check in CHECKS:
        try:
            problems += check()
        except Exception as error:
            problems += _error(f"The check {check.__name__} failed ({_failure(error)}).", "")
    return sorted(problems, key=lambda problem: problem.level != "error")
