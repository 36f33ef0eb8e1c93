"""Shared fixtures.

Tests that need PostgreSQL, Redis, a Celery worker or Chromium skip with a reason when those are
absent, so a newcomer's ``make test`` passes. CI sets MILA_REQUIRE_SERVICES=1, which turns every
such skip into a failure: there they must really run.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
from celery.result import allow_join_result
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection

from mila.celery import app as celery_app
from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("MILA_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that takes an argument called ``page`` gets Playwright's browser page (and its
    fixtures, which flush the database afterwards) unless it is a browser test on purpose."""
    misnamed = [
        item.nodeid
        for item in items
        if "page" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser")
    ]
    if misnamed:
        raise pytest.UsageError(
            "these tests take `page` without being browser tests; rename the argument: "
            + ", ".join(misnamed)
        )


def skip_unless(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} — MILA_REQUIRE_SERVICES=1 requires this test to run")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Each test starts with an empty cache (allauth's rate limits live there) and eager Celery;
    the one test that runs a real worker switches eagerness off itself.

    An eager task marks the process as "inside a task" while it runs and restores the old
    mark after, in one process-wide flag: when threads (the race tests) run eager tasks at
    once, the mark can stay set, and a later test's ``result.get()`` would be refused. Every
    test starts with it cleared."""
    cache.clear()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    with allow_join_result():
        yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def postgres(db: None) -> None:
    skip_unless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url() -> str:
    url = django_settings.REDIS_URL
    skip_unless(bool(url), "needs Redis (set REDIS_URL)")
    return url


@pytest.fixture
def catalogue(db: None) -> None:
    """The service catalogue the data migration loads. Transactional tests flush tables when
    they end, so tests that need it ask for it instead of relying on the migration."""
    from bookings.catalogue_loader import load_catalogue
    from bookings.models import Service, ServiceCategory

    load_catalogue(ServiceCategory, Service)


@pytest.fixture
def user(db: None):
    return UserFactory()


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bookings handed to the matching queue after commit, instead of matching them: for
    tests of what happens before the search (matching has tests of its own)."""
    calls: list[int] = []
    monkeypatch.setattr("bookings.matching.dispatch._enqueue", calls.append)
    return calls


def member_of(role: str, **kwargs: Any) -> Any:
    """A staff member (with an authenticator app) in one of the migration's groups."""
    user = UserFactory(is_staff=True, preferred_language="en", **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def support(db: None) -> Any:
    """A member of the "Support" role (bookings, customers, reviews, payments)."""
    return member_of("Support")


@pytest.fixture
def onboarding(db: None) -> Any:
    """A member of the "Onboarding" role (helper applications only)."""
    return member_of("Onboarding")
