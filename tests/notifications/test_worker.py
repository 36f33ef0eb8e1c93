"""The outbox against real infrastructure: PostgreSQL, Redis and a Celery worker process."""

from pathlib import Path

import pytest
from django.db import transaction

from customers.services import customer_welcome
from notifications.models import Notification
from tests.factories import UserFactory
from tests.workers import celery_worker, publishing_to, wait_for, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_real_worker_delivers_the_welcome_email(postgres, redis_url: str, tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = worker_env(redis_url, mail_dir)  # the machine's Redis: drop what earlier runs left
    with celery_worker(env, log, queues="notifications", purge=True), publishing_to(redis_url):
        user = UserFactory(first_name="Ueli", preferred_language="de")
        with transaction.atomic():
            notification = customer_welcome(user=user)
        assert notification is not None
        # The web process did not send it: a worker did, asynchronously.
        delivered = Notification.objects.filter(pk=notification.pk, delivered_at__isnull=False)
        assert wait_for(delivered.exists), log.read_text()
    mails = [p.read_text() for p in mail_dir.iterdir()]
    assert len(mails) == 1
    assert user.email in mails[0]
    assert "Ueli" in mails[0]
