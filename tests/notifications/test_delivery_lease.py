"""An e-mail goes out once even when the mail server is slow: a delivery's lease outlives
everything that may hold it (the task's hard time limit, the SMTP send's total timeout), and a
worker that lost its lease never overwrites the row of the worker that holds it now."""

import smtplib
import threading
import time
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from notifications.checks import delivery_lease_check
from notifications.models import Notification
from notifications.services import notification_deliver, notifications_resend_undelivered
from notifications.tasks import deliver_notification
from tests.factories import NotificationFactory
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _old_notification() -> Any:
    """Old enough for the sweeper to pick up, were it not claimed."""
    return NotificationFactory(created_at=timezone.now() - timedelta(minutes=5))


def _in_a_thread(target: Any, *args: Any) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_slow_mail_server_gets_the_email_once(settings) -> None:
    """The first worker's send outlasts the lease: it gives up before the lease lapses, and
    the sweeper hands the row to nobody while the first worker could still be sending."""
    lease = 2.0
    settings.NOTIFICATION_CLAIM_SECONDS = lease
    with smtp_server(greeting_delays=[lease + 1]) as server:  # slower than the lease
        # Each step may wait longer than the lease; only the total timeout is shorter.
        settings.MAILERS = {"default": server.mailer(timeout=10, total_timeout=lease / 2)}
        notification = _old_notification()
        started = time.monotonic()
        first_worker = _in_a_thread(deliver_notification, notification.pk)

        time.sleep(max(0.0, started + lease + 0.3 - time.monotonic()))  # the lease has lapsed
        assert notifications_resend_undelivered() == 0  # nobody else is handed the row
        first_worker.join(timeout=10)
        notification.refresh_from_db()
        assert notification.delivered_at is None
        assert notification.last_error.startswith("SMTPServerDisconnected")  # timed out

        # After the retry delay the sweeper hands it out again; the server is fast by then.
        Notification.objects.filter(pk=notification.pk).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        assert notifications_resend_undelivered() == 1
        assert notifications_resend_undelivered() == 0

    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert [m["To"] for m in server.messages] == [notification.recipient.email]


def test_an_smtp_send_gives_up_after_its_total_timeout(settings) -> None:
    """Every step of the conversation answers within ``timeout``, but all of them together
    take longer than ``total_timeout``: the send fails instead of going on."""
    with smtp_server(reply_delay=0.25) as server:  # seven replies: about 1.75 s in all
        settings.MAILERS = {"default": server.mailer(timeout=1, total_timeout=0.8)}
        with pytest.raises(smtplib.SMTPServerDisconnected):
            mail.send_mail("Hello", "Text", None, ["someone@example.ch"])

        settings.MAILERS = {"default": server.mailer(timeout=1, total_timeout=5)}
        mail.send_mail("Hello", "Text", None, ["someone@example.ch"])

    assert [m["Subject"] for m in server.messages] == ["Hello"]


def test_a_worker_that_lost_its_lease_leaves_the_row_to_the_one_that_holds_it() -> None:
    """The first worker was frozen past its lease; a second one took the row and is sending.
    The first one's failure must not shorten the second one's claim, or a third worker would
    be handed the row and send it as well."""
    notification = _old_notification()
    lapsed = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS + 1)
    second_is_sending, first_has_failed = threading.Event(), threading.Event()
    sent: list[str] = []

    def send(message: Any) -> int:
        if threading.current_thread() is threading.main_thread() and not sent:
            sent.append("first: failed")  # the first worker, frozen past its lease
            second_worker = _in_a_thread(notification_deliver_now, notification.pk)
            assert second_is_sending.wait(timeout=10)
            threads.append(second_worker)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if threading.current_thread() is not threading.main_thread():
            second_is_sending.set()
            assert first_has_failed.wait(timeout=10)
        sent.append("sent")
        return 1

    threads: list[threading.Thread] = []
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", send, create=False):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notification_deliver(notification_id=notification.pk, now=lapsed)
        # A third worker two minutes later: the second worker still holds the row.
        later = timezone.now() + timedelta(minutes=2)
        assert notification_deliver(notification_id=notification.pk, now=later) is False
        first_has_failed.set()
        threads[0].join(timeout=10)

    assert sent == ["first: failed", "sent"]
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.last_error == ""


def notification_deliver_now(notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)


def test_the_lease_outlives_the_task_and_the_smtp_send() -> None:
    assert settings.NOTIFICATION_CLAIM_SECONDS > settings.CELERY_TASK_TIME_LIMIT
    assert delivery_lease_check() == []
    call_command("check")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"NOTIFICATION_CLAIM_SECONDS": 120}, "notifications.E001"),
        ({"CELERY_TASK_TIME_LIMIT": None}, "notifications.E001"),
        (
            {"MAILERS": {"default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "localhost", "timeout": 20},
            }}},
            "notifications.E002",
        ),
        (
            {"MAILERS": {"default": {
                "BACKEND": "notifications.smtp.EmailBackend",
                "OPTIONS": {"host": "localhost", "timeout": 20, "total_timeout": 400},
            }}},
            "notifications.E002",
        ),
    ],
)  # fmt: skip
def test_a_setting_that_would_let_an_email_go_out_twice_is_refused(
    settings, overrides: dict[str, Any], error: str
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert [e.id for e in delivery_lease_check()] == [error]
