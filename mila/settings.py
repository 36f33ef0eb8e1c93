"""Mila settings: one module, three modes (embedded default, services, production).

The environment is read here once; code reads ``settings.X``. Mode is chosen by what is set:
- nothing: SQLite file, eager Celery, locmem cache, console e-mail (``make run``);
- ``DATABASE_URL`` / ``REDIS_URL``: PostgreSQL and Redis, real Celery workers;
- ``DJANGO_ENV=production``: refuses to start without its secrets, hardened for ``check --deploy``.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values in the real environment win over the optional .env file (see .env.example).
_ENV_FILE = Path(env.str("MILA_ENV_FILE", default=str(BASE_DIR / ".env")))
if _ENV_FILE.is_file():
    environ.Env.read_env(_ENV_FILE, overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: " + ", ".join(_missing)
        )

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "phonenumber_field",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mila",
    "customers",
    "helpers",
    "bookings",
    "reviews",
    "payments",
    "notifications",
]

MIDDLEWARE = [
    "mila.logs.RequestLogMiddleware",  # first: its duration covers the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mila.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "customers.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mila.middleware.StaffNeedTOTPMiddleware",
]

ROOT_URLCONF = "mila.urls"
WSGI_APPLICATION = "mila.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.inbox",
                "bookings.context_processors.booking_policy",
                "helpers.context_processors.helper_nav",
                "mila.pagecache.placeholders",  # last: it stands in for csrf_token, csp_nonce
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'mila.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and a query asked twice on a connection is prepared:
    # PostgreSQL plans it once (a booking page's eight-table join took longer to plan than to
    # run). Off for a transaction-pooling PgBouncer, which cannot keep prepared statements.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 2}
        )
else:
    # SQLite: wait for a writer instead of failing with "database is locked", and take the write
    # lock at the start of a transaction so concurrent requests queue instead of deadlocking.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded mode) builds covering indexes without their INCLUDE columns: at its size
# that is fine, and PostgreSQL gets the index-only scans they are for.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache and Celery -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: served from process memory with a warning, never a 500 (mila/cache.py);
            # short timeouts so an unreachable Redis does not stall the page.
            "BACKEND": "mila.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mila",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run for at most TASK_TIME_LIMIT; Redis re-delivers an unacknowledged task after the
# visibility timeout, so it must be longer than the longest task plus its countdown.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
TASK_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A publish that cannot reach the broker fails at once: one connection attempt, no retries,
# short socket timeouts, so a request never waits for a broker that is down. Whatever was not
# enqueued is still due in the database, and the sweeps (outbox, matching) enqueue it later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    "max_retries": 0,  # kombu: connecting to publish (workers reconnect with their own policy)
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "bookings.tasks.*": {"queue": "matching"},
    "notifications.tasks.*": {"queue": "notifications"},
    "payments.tasks.*": {"queue": "payments"},
}
CELERY_TIMEZONE = "Europe/Zurich"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "notifications-resend-undelivered": {
        "task": "notifications.tasks.sweep_undelivered",
        "schedule": env.float("NOTIFICATION_SWEEP_SECONDS", default=30.0),
    },
    "booking-reminders": {
        "task": "bookings.tasks.send_reminders",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=60.0),
    },
    "matching-sweep": {
        "task": "bookings.tasks.sweep_matching",
        "schedule": env.float("MATCHING_SWEEP_SECONDS", default=30.0),
    },
    "invoice-reminders": {
        "task": "payments.tasks_invoices.send_invoice_reminders",
        "schedule": env.float("INVOICE_REMINDER_SWEEP_SECONDS", default=24 * 60 * 60.0),  # daily
        "options": {"queue": "payments"},
    },
    "payments-authorize-upcoming": {  # card holds for visits booked far ahead (DESIGN §7)
        "task": "payments.tasks.authorize_upcoming",
        "schedule": env.float("PAYMENT_AUTHORIZE_SWEEP_SECONDS", default=3600.0),
    },
    "bookings-expire-card-unconfirmed": {  # card bookings whose card never came through
        "task": "bookings.tasks.expire_card_unconfirmed",
        "schedule": env.float("PAYMENT_CARD_WAIT_SWEEP_SECONDS", default=300.0),
    },
    "payments-settle-due": {  # card settlements that were not enqueued or failed
        "task": "payments.tasks.settle_due",
        "schedule": env.float("PAYMENT_SETTLE_SWEEP_SECONDS", default=600.0),
    },
    "payments-reconcile": {  # repairs payments whose Stripe events went missing (DESIGN §7)
        "task": "payments.tasks_reconcile.reconcile_payments",
        "schedule": env.float("PAYMENT_RECONCILE_SECONDS", default=24 * 60 * 60.0),
        "options": {"queue": "payments"},
    },
}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "customers.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, each loading the user with their helper profile (one query).
    "customers.backends.ModelBackend",
    "customers.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "customers.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["first_name*", "last_name", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "customers.forms.SignupForm"
# Same work for a registered and a new address (no timing oracle).
ACCOUNT_FORMS = {"signup": "customers.signup.AccountSignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Mila – "
ACCOUNT_RATE_LIMITS = {
    # A sixth wrong password for the same address within five minutes is refused.
    "login_failed": "5/5m/key,20/5m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mila"
# Apps sign in through allauth's headless API and get a session token (mila/api/auth.py); the
# account pages list those sessions, and end them (allauth.usersessions).
HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
# Recorded at sign-in only: tracking every request would write to the database on each one.
USERSESSIONS_TRACK_ACTIVITY = False

# How many proxies stand in front (Caddy in production): login limits per address and the API
# throttles then count the visitor's address from X-Forwarded-For, not the proxy's. Without a
# proxy it must be 0, or a client could pick its own address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=1 if PRODUCTION else 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES

# --- REST API (issue 12; mila/api) ----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mila.api.auth.AppTokenAuthentication",  # first: an anonymous caller gets 401
        "rest_framework.authentication.SessionAuthentication",  # the browser, with CSRF
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "mila.api.pagination.Pages",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {  # counted in the shared cache (Redis in production)
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "EXCEPTION_HANDLER": "mila.api.errors.problem_handler",
    "DEFAULT_SCHEMA_CLASS": "mila.api.schema.MilaAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Behind the proxy (docs/deploy.md) the visitor's address is X-Forwarded-For's last entry.
    "NUM_PROXIES": TRUSTED_PROXIES if TRUSTED_PROXIES else None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mila API",
    "DESCRIPTION": (
        "Book local tech helpers, and work as one. Browsers use their session (and the CSRF "
        "token); apps sign in at /_allauth/app/v1/auth/login and send the session token in "
        "the X-Session-Token header. Errors are RFC 9457 problem details, in the language of "
        "Accept-Language. Money is in Rappen (integer), times are ISO 8601 with time zone."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TierEnum": "bookings.models.Booking.Tier",
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "ReviewStatusEnum": "reviews.models.Review.Status",
    },
}

PHONENUMBER_DEFAULT_REGION = "CH"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date formats, Django's and Mila's named ones (mila/formats/__init__.py).
FORMAT_MODULE_PATH = ["mila.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Zurich"
CURRENCY = "CHF"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail (Django 6.1 MAILERS) --------------------------------------------------------------
_email = env.email_url(
    "EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://"
)
_smtp_options = {
    "host": _email["EMAIL_HOST"],
    "port": _email["EMAIL_PORT"],
    "username": _email["EMAIL_HOST_USER"] or "",
    "password": _email["EMAIL_HOST_PASSWORD"] or "",
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": 20,  # each step (connect, greeting, every command) may wait this long
    "total_timeout": 120,  # a whole send this long, well within NOTIFICATION_CLAIM_SECONDS
}
_mail_options: dict[str, object] = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email["EMAIL_BACKEND"] = "notifications.smtp.EmailBackend"  # knows total_timeout
    _mail_options = _smtp_options
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mila <hallo@mila.ch>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_EMAIL = env.str("STAFF_EMAIL", default="team@mila.ch")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Notification delivery: rows still undelivered this long after creation are re-enqueued.
NOTIFICATION_RESEND_AFTER_SECONDS = env.int("NOTIFICATION_RESEND_AFTER_SECONDS", default=60)
NOTIFICATION_MAX_ATTEMPTS = 12  # with the growing retry delay: about 7 hours of retries
# A delivery holds its row this long while it sends. It outlives the task's hard time limit,
# so no other worker is handed the row while the first may still be sending (checked by
# notifications.checks, with the SMTP total_timeout, which is shorter still).
NOTIFICATION_CLAIM_SECONDS = CELERY_TASK_TIME_LIMIT + 60

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sessions are read from the cache (Redis) and written through to the database, which stays
# the record: one cache round trip per signed-in page instead of a query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Flash messages live in the session, not in a cookie of their own (readable, without the
# __Host- prefix).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact host, HTTPS-only, path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SAMESITE = "Lax"

# One JSON object a line in production (LOG_FORMAT=json, mila/logs.py): one per request
# (mila.request) and per task (mila.task), with the booking they are about; tracebacks in a field.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "mila.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request and task lines replace these (4xx warnings, "Task ... succeeded").
        "django.request": {"level": "ERROR"},
        "celery.app.trace": {"level": "WARNING"},
    },
}

# --- Pricing and booking policy (DESIGN §5) ----------------------------------------------------
PRICING_LAST_MINUTE_PERCENT = 20
PRICING_LAST_MINUTE_HOURS = 2
PRICING_PRO_MARKUP_PERCENT = 25
PRICING_COMMISSION_PERCENT = 20
PRICING_EXTRA_TIME_UNIT_MINUTES = 30
BOOKING_MIN_LEAD_HOURS = 2
BOOKING_MAX_DAYS_AHEAD = 60
BOOKING_FREE_CANCELLATION_HOURS = 24
BOOKING_LATE_CANCELLATION_PERCENT = 50
BOOKING_FREE_RESCHEDULE_HOURS = 24
BOOKING_MAX_RESCHEDULES = 2
# Countries whose addresses can be booked: the price list is in CHF. Germany and Austria wait
# for helpers and a EUR price list; until then their visitors are offered the waitlist.
BOOKING_PRICED_COUNTRIES = env.list("BOOKING_PRICED_COUNTRIES", default=["CH"])
# The visit (DESIGN §5). A customer who is not there pays this share of the base price; the
# helper may report it once they waited this long after the start (or the arrival time they
# gave, if later).
BOOKING_EN_ROUTE_HOURS = 3  # "On my way" is possible from this long before the start
BOOKING_NO_SHOW_FEE_PERCENT = 100
BOOKING_NO_SHOW_WAIT_MINUTES = 10
BOOKING_LATE_WITHDRAWAL_HOURS = 24  # a helper giving a job back later is flagged to staff
VISIT_ETA_MINUTES = (5, 120)  # "On my way": arriving in this many minutes
VISIT_MAX_MINUTES = 480  # the longest visit a helper can report
VISIT_REPORT_MIN_CHARS = 20
BOOKING_REMINDER_HOURS = {"24h": 24, "1h": 1}
# A free follow-up ("the problem is back") can be asked for this long after completion.
# Who is paid for it: "others" (default) — the original helper is not, it is their warranty;
# another helper gets the normal net payout, paid by the platform; "everyone" pays the original
# helper too; "nobody" pays no one.
FOLLOW_UP_DAYS = 30
REVIEW_WINDOW_DAYS = 30  # a completed visit can be rated for this many days
REVIEW_EDIT_HOURS = 48  # a review can be changed for this long after it was written
REVIEW_COMMENT_MAX_CHARS = 2000
REVIEW_REPLY_MAX_CHARS = 1000
REVIEW_PAGE_SIZE = 10  # reviews per page of a helper's public profile
FOLLOW_UP_PAYOUT = env.str("FOLLOW_UP_PAYOUT", default="others")
# How long matching may search for an "as soon as possible" visit before it is unfulfilled.
BOOKING_ASAP_SEARCH_MINUTES = 60

# --- Payments (DESIGN §7) ---------------------------------------------------------------------
# Card payments need a Stripe key; without one every booking is paid by invoice. With both,
# the customer chooses at the confirm step. STRIPE_API_BASE points at another API host
# (localstripe in tests and `make run`).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Stripe.js for the card page (localstripe serves its own at <base>/js.stripe.com/v3/).
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default=f"{STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    if STRIPE_API_BASE
    else "https://js.stripe.com/v3/",
)
STRIPE_NETWORK_RETRIES = 2  # the SDK's own retries, with the same idempotency key
# Card holds expire after about 7 days: a visit further ahead is authorised this long before.
PAYMENT_HOLD_MAX_DAYS = 6
PAYMENT_LATE_AUTHORIZE_DAYS = 1
# A card booking whose card has not come through this long after booking is cancelled.
PAYMENT_CARD_WAIT_MINUTES = env.int("PAYMENT_CARD_WAIT_MINUTES", default=60)
# Invoices with a Swiss QR-bill (package qrbill): the creditor, their (QR-)IBAN, the VAT note.
INVOICE_IBAN = env.str("INVOICE_IBAN", default="CH44 3199 9123 0008 8901 2")
INVOICE_CREDITOR = {
    "name": env.str("INVOICE_CREDITOR_NAME", default="Mila Hilfe GmbH"),
    "street": env.str("INVOICE_CREDITOR_STREET", default="Bahnhofstrasse"),
    "house_num": env.str("INVOICE_CREDITOR_HOUSE", default="1"),
    "pcode": env.str("INVOICE_CREDITOR_POSTCODE", default="8001"),
    "city": env.str("INVOICE_CREDITOR_CITY", default="Zürich"),
    "country": "CH",
}
INVOICE_VAT_NOTE = env.str(
    "INVOICE_VAT_NOTE",
    default="Mila Hilfe GmbH is not registered for VAT (turnover below CHF 100,000).",
)
INVOICE_DUE_DAYS = 30
INVOICE_REMINDER_AFTER_DAYS = 30  # an unpaid invoice gets one reminder this long after issue

# --- Matching (DESIGN §6) -----------------------------------------------------------------------
MATCHING_WAVE_SIZE = 5  # helpers asked per wave
# One entry per wave: km beyond a helper's own radius that the wave still asks them.
MATCHING_WAVE_EXTRA_KM = (0, 0, 3, 6)
MATCHING_OFFER_MINUTES_ASAP = 5
MATCHING_OFFER_MINUTES_SCHEDULED = 60
MATCHING_SCHEDULED_CUTOFF_MINUTES = 60  # no helper this long before the start: unfulfilled
MATCHING_ASAP_ARRIVAL_MINUTES = 60  # "as soon as possible": a helper arrives within this time
# The score (bookings.matching.scoring): weights of its parts, 0–100 in all.
MATCHING_WEIGHTS = {
    "distance": 30, "rating": 25, "experience": 10, "acceptance": 10, "language": 10,
    "fairness": 15,
}  # fmt: skip
MATCHING_RATING_PRIOR_WEIGHT = 10  # a rating average counts as this many ratings at the mean
MATCHING_DEFAULT_RATING = 4.5  # the platform mean while nobody has been rated yet
MATCHING_DISTANCE_HALF_KM = 5
MATCHING_EXPERIENCE_JOBS = 20
MATCHING_FAIRNESS_DAYS = 14
MATCHING_FAIRNESS_JOBS = 5  # jobs in MATCHING_FAIRNESS_DAYS after which the boost is gone
MATCHING_UNKNOWN_ACCEPTANCE = 0.7
MATCHING_ACCEPTANCE_DAYS = 90  # the acceptance rate counts the offers of this period
