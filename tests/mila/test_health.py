"""/health/ reports the database, the cache and the broker each on its own: 503 only when the
database is down; without Redis the site keeps working, so the answer is 200 "degraded"."""

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

import mila.cache
from tests.workers import free_port, publishing_to, redis_available, redis_server

pytestmark = pytest.mark.django_db


def redis_cache(url: str) -> dict[str, Any]:
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {"default": {"BACKEND": "mila.cache.FallbackRedisCache", "LOCATION": url,
                        "OPTIONS": options}}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mila.cache, "_down_until", {})


@pytest.fixture
def broker_at() -> Iterator[Callable[[str], None]]:
    """Tasks go through a broker at ``url`` instead of running inline (tests.workers)."""
    with ExitStack() as stack:
        yield lambda url: stack.enter_context(publishing_to(url))


def statuses(client: Any) -> tuple[int, str, dict[str, str]]:
    response = client.get(reverse("health"))
    body = response.json()
    return (
        response.status_code,
        body["status"],
        {name: check["status"] for name, check in body["checks"].items()},
    )


def test_embedded_everything_is_there(client: Any, settings: Any) -> None:
    """The embedded mode (make run): memory cache, tasks inline."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    response = client.get(reverse("health"))

    assert response["Cache-Control"].startswith("max-age=0")
    assert statuses(client) == (200, "ok", {"database": "ok", "cache": "ok", "broker": "inline"})
    assert response.json()["checks"]["database"]["ms"] >= 0


def test_redis_down_is_degraded_not_down(client: Any, broker_at: Any) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    broker_at(dead)
    started = time.monotonic()
    with override_settings(CACHES=redis_cache(dead)):
        status, overall, checks = statuses(client)

    assert (status, overall) == (200, "degraded")
    assert checks == {"database": "ok", "cache": "down", "broker": "down"}
    assert time.monotonic() - started < 5  # short timeouts: a check never hangs the answer


def test_with_redis_up_cache_and_broker_are_ok(client: Any, broker_at: Any, tmp_path: Path) -> None:
    if not redis_available():
        pytest.skip("needs redis-server")
    with redis_server(tmp_path) as server:
        url = f"redis://127.0.0.1:{server.port}/0"
        broker_at(url)
        with override_settings(CACHES=redis_cache(url)):
            everything = {"database": "ok", "cache": "ok", "broker": "ok"}
            assert statuses(client) == (200, "ok", everything)


def test_database_down_is_503(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> str:
        raise OperationalError("connection refused")

    monkeypatch.setattr("mila.health._database", refused)

    response = client.get(reverse("health"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {
        "status": "down", "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",  # not its message: the page is public
    }  # fmt: skip
