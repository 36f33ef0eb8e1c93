"""What /health/ reports: the database, the cache and the broker, each on its own, so an
operator sees which one is down. Each check is one round trip with a short timeout.

Only the database decides the answer's status code: without it nothing works (503). Without
Redis the site keeps working (the cache falls back to each process's memory, mila/cache.py;
bookings are saved and the periodic sweeps catch up with what could not be queued), so the
answer is 200 and says "degraded"."""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import connection

from mila.cache import REDIS_DOWN, FallbackRedisCache

BROKER_TIMEOUT_SECONDS = 1


def _timed(check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        status = check()
        error = ""
    except Exception as failure:
        # The kind of failure only: /health/ is public, and messages can name hosts and users.
        status, error = "down", type(failure).__name__
    result: dict[str, Any] = {
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if error:
        result["error"] = error
    return result


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    """Redis itself, not the in-memory stand-in that answers while it is away."""
    backend = caches["default"]
    if isinstance(backend, FallbackRedisCache):
        try:
            backend._cache.get_client(write=True).ping()
        except REDIS_DOWN:
            return "down"
        return "ok"
    backend.set("mila:health", 1, 5)
    return "ok" if backend.get("mila:health") == 1 else "down"


def _broker() -> str:
    from mila.celery import app

    if app.conf.task_always_eager:
        return "inline"  # no broker: tasks run in the request (the embedded mode)
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


def health_report() -> tuple[dict[str, Any], int]:
    """(the report, its HTTP status)."""
    checks = {"database": _timed(_database), "cache": _timed(_cache), "broker": _timed(_broker)}
    if checks["database"]["status"] != "ok":
        return {"status": "down", "checks": checks}, 503
    degraded = any(check["status"] == "down" for check in checks.values())
    return {"status": "degraded" if degraded else "ok", "checks": checks}, 200
