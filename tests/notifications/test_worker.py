"""The outbox against real infrastructure: PostgreSQL, Redis and a Celery worker process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from customers.services import customer_welcome
from mila.celery import app as celery_app
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _worker_env(mail_dir: Path, redis_url: str) -> dict[str, str]:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "MILA_ENV_FILE": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "mila.settings",
    }


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_real_worker_delivers_the_welcome_email(postgres, redis_url: str, tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "mila", "worker",
            "-Q", "notifications", "-P", "solo", "--purge",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--loglevel", "INFO",
        ],
        cwd=settings.BASE_DIR,
        env=_worker_env(mail_dir, redis_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Publish only once the worker listens (and has purged what earlier runs left behind).
        worker_log = tmp_path / "worker.log"
        assert _wait_for(lambda: " ready." in worker_log.read_text()), worker_log.read_text()
        celery_app.conf.task_always_eager = False
        user = UserFactory(first_name="Ueli", preferred_language="de")
        with transaction.atomic():
            notification = customer_welcome(user=user)
        assert notification is not None
        # The web process did not send it: a worker did, asynchronously.
        assert _wait_for(
            lambda: Notification.objects.filter(
                pk=notification.pk, delivered_at__isnull=False
            ).exists()
        ), (tmp_path / "worker.log").read_text()
        mails = [p.read_text() for p in mail_dir.iterdir()]
        assert len(mails) == 1
        assert user.email in mails[0]
        assert "Ueli" in mails[0]
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
