import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.models import Notification
from notifications.services import (
    notification_deliver,
    notifications_resend_undelivered,
    notify,
    notify_many,
    retry_delay,
)
from notifications.tasks import deliver_notification, sweep_undelivered
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_rolled_back_transaction_delivers_nothing() -> None:
    user = UserFactory()

    def save_then_fail() -> None:
        with transaction.atomic():
            notify(recipient=user, kind=Notification.Kind.WELCOME)
            raise RuntimeError("the booking could not be saved")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_committed_notification_is_delivered_exactly_once() -> None:
    user = UserFactory(first_name="Ruth")
    with transaction.atomic():
        notification = notify(recipient=user, kind=Notification.Kind.WELCOME)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1

    # The task runs again (a redelivery after a worker crash, the sweeper racing it ...).
    deliver_notification.delay(notification.pk)
    deliver_notification.delay(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.attempts == 1

    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Ruth" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_many_at_once_each_get_their_own_row_and_one_email_after_commit() -> None:
    ruth, paul = UserFactory(first_name="Ruth"), UserFactory(first_name="Paul")
    with transaction.atomic():
        notify_many(kind=Notification.Kind.WELCOME, contexts={ruth.pk: {}, paul.pk: {}})
        assert mail.outbox == []  # nothing leaves before the commit
    assert {tuple(m.to) for m in mail.outbox} == {(ruth.email,), (paul.email,)}
    assert len(mail.outbox) == 2
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient_id, n.delivered_at is not None) for n in rows] == [
        (ruth.pk, True), (paul.pk, True)
    ]  # fmt: skip


def test_many_at_once_rolled_back_sends_nothing() -> None:
    user = UserFactory()

    def send_then_fail() -> None:
        with transaction.atomic():
            notify_many(kind=Notification.Kind.WELCOME, contexts={user.pk: {}})
            raise RuntimeError("the wave could not be saved")

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert (Notification.objects.count(), mail.outbox) == (0, [])


def test_failed_enqueue_is_delivered_by_the_sweeper() -> None:
    user = UserFactory()
    broker_down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")
    with (
        mock.patch.object(deliver_notification, "delay", side_effect=broker_down),
        transaction.atomic(),
    ):
        notification = notify(recipient=user, kind=Notification.Kind.WELCOME)
    notification.refresh_from_db()
    assert notification.delivered_at is None
    assert mail.outbox == []

    # Younger than a minute: the sweeper leaves it alone (its own task may still be on the way).
    assert notifications_resend_undelivered() == 0
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(seconds=61)
    )
    sweep_undelivered.delay()
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert len(mail.outbox) == 1
    # A second sweep finds nothing left to do.
    assert notifications_resend_undelivered() == 0
    assert len(mail.outbox) == 1


def test_a_claimed_row_is_not_sent_twice_until_the_claim_lapses() -> None:
    notification = NotificationFactory()
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=now + timedelta(seconds=60)
    )
    assert notification_deliver(notification_id=notification.pk, now=now) is False
    assert mail.outbox == []
    # The worker holding the claim died; after the claim lapses another worker sends it.
    assert notification_deliver(notification_id=notification.pk, now=now + timedelta(minutes=2))
    assert len(mail.outbox) == 1


def test_smtp_failure_is_retried_by_the_sweeper_after_a_growing_delay() -> None:
    user = UserFactory()
    with transaction.atomic():
        notification = notify(recipient=user, kind=Notification.Kind.WELCOME, send_email=False)
    Notification.objects.filter(pk=notification.pk).update(
        send_email=True, created_at=timezone.now() - timedelta(minutes=5)
    )
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert deliver_notification.delay(notification.pk).get() is False  # no exception
        notification.refresh_from_db()
        first_wait = notification.claimed_until - timezone.now()
        assert timedelta(seconds=50) < first_wait <= timedelta(seconds=60)
        # While it waits, neither the sweeper nor a stray task sends it.
        assert notifications_resend_undelivered() == 0
        assert notification_deliver(notification_id=notification.pk) is False
        # The next failure waits twice as long.
        later = notification.claimed_until + timedelta(seconds=1)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notification_deliver(notification_id=notification.pk, now=later)
        notification.refresh_from_db()
        assert notification.attempts == 2
        assert timedelta(seconds=110) < notification.claimed_until - timezone.now()
    assert notification.delivered_at is None
    assert "SMTPServerDisconnected" in notification.last_error
    # The mail server is back: once the delay has passed, the sweeper hands it out again.
    assert notifications_resend_undelivered() == 0
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert notifications_resend_undelivered() == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert len(mail.outbox) == 1


def test_retry_delay_grows_to_an_hour() -> None:
    delays = [retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_inbox_only_notification_sends_no_email() -> None:
    user = UserFactory()
    with transaction.atomic():
        notify(recipient=user, kind=Notification.Kind.WELCOME, send_email=False)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=user).count() == 1


@pytest.mark.parametrize(
    ("language", "word"),
    [("de", "Willkommen"), ("fr", "Bienvenue"), ("it", "Benvenut"), ("en", "Welcome")],
)
def test_email_is_in_the_recipients_language(language: str, word: str) -> None:
    user = UserFactory(preferred_language=language)
    with transaction.atomic():
        notify(recipient=user, kind=Notification.Kind.WELCOME)
    assert word in mail.outbox[0].subject
