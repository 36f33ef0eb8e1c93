"""docker-compose.yml, the Celery configuration and the Makefile say what they should."""

import importlib
import importlib.util
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from mila.celery import app as celery_app

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services(compose: dict) -> None:
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat"):
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
        assert (ROOT / services[name]["build"]["dockerfile"]).is_file()
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")


def test_compose_commands_point_at_real_modules(compose: dict) -> None:
    services = compose["services"]
    # Migrations run once, in the release step every other app service waits for.
    assert "migrate --noinput" in " ".join(services["release"]["command"])
    for name in ("web", "worker", "beat"):
        assert "release" in services[name]["depends_on"]
    web = services["web"]["command"]
    assert web[0] == "gunicorn"
    assert (ROOT / web[web.index("-c") + 1]).is_file()
    module, attribute = web[-1].split(":")
    assert hasattr(importlib.import_module(module), attribute)
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "mila"]
        assert command[3] == name
    queues = services["worker"]["command"][services["worker"]["command"].index("-Q") + 1]
    assert set(queues.split(",")) == {"default", "matching", "notifications", "payments"}


def test_env_example_names_every_variable_compose_uses(compose: dict) -> None:
    example = (ROOT / ".env.example").read_text()
    for name in (
        "DJANGO_ENV",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "MILA_DOMAIN",
        "POSTGRES_PASSWORD",
        "WEB_CONCURRENCY",
        "WORKER_CONCURRENCY",
    ):
        assert f"{name}=" in example


def test_celery_is_configured_for_at_least_once_delivery() -> None:
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    # Redis re-delivers an unacknowledged task after the visibility timeout: it must be longer
    # than any task may run, or a slow task would run twice in parallel.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    routes = conf.task_routes
    assert routes["notifications.tasks.*"]["queue"] == "notifications"
    assert routes["bookings.tasks.*"]["queue"] == "matching"
    assert routes["payments.tasks.*"]["queue"] == "payments"


def test_beat_schedule_names_registered_tasks() -> None:
    # What a worker loads at start: every app's tasks module (autodiscovery is lazy here).
    for app in settings.INSTALLED_APPS:
        if importlib.util.find_spec(app) and importlib.util.find_spec(f"{app}.tasks"):
            importlib.import_module(f"{app}.tasks")
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks
    assert any(
        e["task"] == "notifications.tasks.sweep_undelivered"
        for e in celery_app.conf.beat_schedule.values()
    )


def test_makefile_lists_the_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "lint", "fmt", "worker", "beat", "messages", "bench", "test-pg"):
        assert (
            f"\n{target}: " in makefile
            and "## " in makefile.split(f"\n{target}: ")[1].splitlines()[0]
        )


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [line.strip() for line in readme.splitlines() if line.strip().startswith("make ")]
    assert commands[:2] == ["make run", "make test"]
