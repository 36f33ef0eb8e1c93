"""gunicorn behind the proxy (deploy/Caddyfile; docs/deploy.md). ``gunicorn -c`` this file.

No access log: the app's own request line (mila/logs.py) has the status, duration, user and
booking. gunicorn's own messages (start, worker timeouts) come out as JSON like the app's when
LOG_FORMAT is json, the production default.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: each serves one request at a time. WEB_CONCURRENCY sets how many (2-4 a core).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request running longer is killed (the proxy waits 35 s for the response to start).
timeout = 30
graceful_timeout = 30
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file in memory: on a container's overlay filesystem it can stall workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The app is reachable only through the proxy (compose: `expose`, no published port), so the
# X-Forwarded-* headers it sets are trusted from any address on that network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = None
# No runtime control socket: nothing uses it, and it would be one more way in.
control_socket_disable = True

_production = os.environ.get("DJANGO_ENV") == "production"
if os.environ.get("LOG_FORMAT", "json" if _production else "plain") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "mila.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
