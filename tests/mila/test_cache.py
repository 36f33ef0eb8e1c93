"""With Redis down, logging in, signing up, browsing and booking still work (issue 9, item 23)."""

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

import mila.cache
from tests.conftest import skip_unless
from tests.factories import PASSWORD, UserFactory
from tests.workers import free_port, redis_available, redis_server

pytestmark = pytest.mark.django_db


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "mila.cache.FallbackRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "mila-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def _fresh_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mila.cache, "_down_until", {})
    monkeypatch.setattr(mila.cache, "_written_while_down", {})


@pytest.fixture
def dead_redis() -> Iterator[str]:
    """The cache points at a port nothing listens on (the settings change resets the caches)."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(CACHES=_redis_cache(url)):
        yield url


def _warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "mila.cache" and r.levelno == logging.WARNING]


@pytest.mark.usefixtures("catalogue")
def test_with_redis_down_login_signup_browsing_and_booking_work(
    client, dead_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mila.cache")
    user = UserFactory()
    login = reverse("account_login")
    assert client.get(login).status_code == 200
    wrong = client.post(login, {"login": user.email, "password": "wrong-password"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert client.post(login, {"login": user.email, "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code == 200
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    step = client.post(reverse("bookings:step", args=["problem"]), {"problem": "Kein WLAN."})
    assert step.status_code == 302
    assert client.get(reverse("bookings:step", args=["address"])).status_code == 200

    client.logout()
    assert client.get(reverse("account_signup")).status_code == 200
    signup = client.post(reverse("account_signup"), {
        "first_name": "Heidi", "email": "heidi@example.ch",
        "password1": PASSWORD, "password2": PASSWORD,
    })  # fmt: skip
    assert signup.status_code == 302
    # One warning for the outage, not one per cache call.
    assert len(_warnings(caplog)) == 1
    assert "Redis cache unreachable" in _warnings(caplog)[0].getMessage()


def test_with_redis_down_wrong_passwords_are_still_limited_per_process(
    client, dead_redis: str
) -> None:
    user = UserFactory()
    with translation.override("de"):
        blocked = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "x"})
        assert blocked not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200 and blocked in response.content.decode()


def test_redis_is_used_again_once_it_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    skip_unless(redis_available(), "needs redis-server (apt-get install -y redis-server)")
    import redis

    caplog.set_level(logging.WARNING, logger="mila.cache")
    with redis_server(tmp_path) as server, override_settings(CACHES=_redis_cache(server.url)):
        cache.set("answer", 42)
        assert redis.Redis.from_url(server.url).exists(cache.make_key("answer"))
        server.stop()
        assert cache.get("answer") is None  # Redis is gone; its values went with it
        cache.set("answer", 43)  # into this process's memory
        assert cache.get("answer") == 43
        assert len(_warnings(caplog)) == 1
        server.start()
        assert cache.get("answer") == 43  # not asked again within RETRY_SECONDS
        monkeypatch.setattr(mila.cache, "_down_until", {})  # ... which have passed
        assert cache.get("answer") is None
        cache.set("answer", 44)
        assert redis.Redis.from_url(server.url).exists(cache.make_key("answer"))


def test_what_changed_while_redis_was_down_is_not_read_back_from_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session signed out (or changed) during an outage must not come back from Redis."""
    skip_unless(redis_available(), "needs redis-server (apt-get install -y redis-server)")
    import redis

    with redis_server(tmp_path) as server, override_settings(CACHES=_redis_cache(server.url)):
        cache.set_many({"signed-out": "session", "changed": "old", "untouched": "kept"})
        down = {server.url: time.monotonic() + 60}
        monkeypatch.setattr(mila.cache, "_down_until", down)  # unreachable, as after a timeout
        cache.delete("signed-out")
        cache.set("changed", "new")
        assert redis.Redis.from_url(server.url).exists(cache.make_key("signed-out"))

        down.clear()  # Redis answers again

        assert cache.get("signed-out") is None
        assert cache.get("changed") is None  # the database, not Redis, has the newer value
        assert cache.get("untouched") == "kept"
        assert not redis.Redis.from_url(server.url).exists(cache.make_key("changed"))
        down[server.url] = time.monotonic() + 60  # the next outage
        assert cache.get("changed") is None  # not what the last one left in memory


def test_one_redis_client_serves_every_operation(tmp_path: Path) -> None:
    """Django's client builds a redis.Redis per operation; ours keeps one per pool."""
    skip_unless(redis_available(), "needs redis-server (apt-get install -y redis-server)")
    with redis_server(tmp_path) as server, override_settings(CACHES=_redis_cache(server.url)):
        client = cache._cache.get_client()
        cache.set("answer", 42)
        assert cache.get("answer") == 42
        assert cache._cache.get_client(write=True) is client


def test_the_services_mode_uses_the_fallback_cache_with_short_timeouts() -> None:
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/7"}
    code = "import json; from django.conf import settings; print(json.dumps(settings.CACHES))"
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "mila.settings"},
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    default = json.loads(output)["default"]
    assert default["BACKEND"] == "mila.cache.FallbackRedisCache"
    assert default["LOCATION"] == "redis://127.0.0.1:6379/7"
    assert 0 < default["OPTIONS"]["socket_connect_timeout"] <= 1
    assert 0 < default["OPTIONS"]["socket_timeout"] <= 1
