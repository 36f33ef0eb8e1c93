"""The nightly reconciliation repairs payments whose Stripe events went missing (DESIGN §7)."""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from bookings.models import Booking
from payments.card import card_confirm
from payments.gateway import StripeGateway
from payments.models import Payment
from payments.reconcile import ReconcileResult, payments_reconcile
from payments.stripe_api import IntentState, ProviderError
from payments.tasks_reconcile import reconcile_payments
from tests.factories import BookingFactory
from tests.payments.test_card import VISA, a_card
from tests.payments.test_webhooks import card_payment, intent

P = Payment.Status

pytestmark = pytest.mark.django_db


class Listing:
    """Stripe's list of PaymentIntents, and the moments we asked about."""

    def __init__(self) -> None:
        self.intents: list[IntentState] = []
        self.asked: list[datetime] = []
        self.error: ProviderError | None = None

    def since(self, created_after: datetime) -> Iterator[IntentState]:
        self.asked.append(created_after)
        if self.error is not None:
            raise self.error
        yield from self.intents


@pytest.fixture
def stripe_list(monkeypatch: pytest.MonkeyPatch) -> Listing:
    listing = Listing()
    monkeypatch.setattr("payments.stripe_api.intents_since", listing.since)
    return listing


def a_day_ago() -> datetime:
    return timezone.now() - timedelta(days=1)


def test_a_missed_event_is_repaired_counted_and_logged(
    stripe_list: Listing, caplog: pytest.LogCaptureFixture
) -> None:
    payment = card_payment("pi_missed", status=P.PENDING)
    stripe_list.intents = [intent("pi_missed", "requires_capture")]

    with caplog.at_level(logging.WARNING, logger="payments.reconcile"):
        result = payments_reconcile(since=a_day_ago())

    assert result == ReconcileResult(checked=1, repaired=1)
    payment.refresh_from_db()
    assert payment.status == P.AUTHORIZED
    # The hold came through while nobody told us: the booking starts its search as well.
    assert Booking.objects.get(pk=payment.booking_id).status == Booking.Status.SEARCHING
    [record] = [r for r in caplog.records if r.name == "payments.reconcile"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert payment.booking.reference in message
    assert "pending → authorized" in message


def test_a_payment_that_matches_is_not_counted(
    stripe_list: Listing, caplog: pytest.LogCaptureFixture
) -> None:
    payment = card_payment("pi_ok", status=P.AUTHORIZED, booking_status=Booking.Status.SEARCHING)
    stripe_list.intents = [intent("pi_ok", "requires_capture")]

    with caplog.at_level(logging.WARNING, logger="payments.reconcile"):
        result = payments_reconcile(since=a_day_ago())

    assert result == ReconcileResult(checked=1, repaired=0)
    assert Payment.objects.get(pk=payment.pk).status == P.AUTHORIZED
    assert not [r for r in caplog.records if r.name == "payments.reconcile"]


def test_an_intent_that_is_not_ours_is_ignored(stripe_list: Listing) -> None:
    stripe_list.intents = [intent("pi_someone_else", "succeeded")]

    assert payments_reconcile(since=a_day_ago()) == ReconcileResult(checked=0, repaired=0)
    assert not Payment.objects.exists()


def test_a_final_status_is_not_undone_nor_counted(stripe_list: Listing) -> None:
    payment = card_payment("pi_done", status=P.CAPTURED, booking_status=Booking.Status.COMPLETED)
    stripe_list.intents = [intent("pi_done", "requires_capture")]

    assert payments_reconcile(since=a_day_ago()) == ReconcileResult(checked=1, repaired=0)
    assert Payment.objects.get(pk=payment.pk).status == P.CAPTURED


def test_several_intents_are_each_compared(stripe_list: Listing) -> None:
    missed = card_payment("pi_a", status=P.REQUIRES_ACTION)
    declined = card_payment("pi_b", status=P.PENDING)
    matching = card_payment("pi_c", status=P.CANCELED, booking_status=Booking.Status.CANCELLED)
    stripe_list.intents = [
        intent("pi_a", "requires_capture"),
        intent("pi_b", "requires_payment_method", error="Your card was declined."),
        intent("pi_c", "canceled"),
        intent("pi_x", "succeeded"),
    ]

    assert payments_reconcile(since=a_day_ago()) == ReconcileResult(checked=3, repaired=2)
    assert Payment.objects.get(pk=missed.pk).status == P.AUTHORIZED
    failed = Payment.objects.get(pk=declined.pk)
    assert (failed.status, failed.failure_message) == (P.FAILED, "Your card was declined.")
    assert Payment.objects.get(pk=matching.pk).status == P.CANCELED


def test_the_nightly_task_covers_the_last_three_days(stripe_list: Listing, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    card_payment("pi_missed", status=P.PENDING)
    stripe_list.intents = [intent("pi_missed", "requires_capture")]
    before = timezone.now()

    assert reconcile_payments.delay().get() == {"checked": 1, "repaired": 1}

    [since] = stripe_list.asked
    assert before - timedelta(days=3) <= since <= timezone.now() - timedelta(days=3)
    # Run again (a retry, a second beat): nothing left to repair.
    assert reconcile_payments.delay().get() == {"checked": 1, "repaired": 0}


def test_the_task_does_nothing_without_stripe(stripe_list: Listing, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""

    assert reconcile_payments.delay().get() == {"checked": 0, "repaired": 0}
    assert stripe_list.asked == []


def test_the_task_gives_up_on_a_refused_request(stripe_list: Listing, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    stripe_list.error = ProviderError("Invalid API key", retryable=False)

    with pytest.raises(ProviderError):
        reconcile_payments.delay().get()
    assert len(stripe_list.asked) == 1


def test_the_task_retries_while_stripe_is_unreachable(stripe_list: Listing, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    stripe_list.error = ProviderError("connection refused", retryable=True)

    # Eager Celery hands the retry back instead of waiting for it: it is asked for in 5 min.
    with pytest.raises(Retry) as retry:
        reconcile_payments.delay().get()
    assert retry.value.when == 300
    assert isinstance(retry.value.exc, ProviderError)


def test_against_localstripe_a_hold_whose_event_was_missed_is_repaired(stripe_on: str) -> None:
    booking = BookingFactory(status=Booking.Status.REQUESTED, payment_method="card")
    StripeGateway().authorize(booking)
    payment = Payment.objects.get(booking=booking)
    card_confirm(payment=payment, payment_method=a_card(VISA))
    Payment.objects.filter(pk=payment.pk).update(status=P.PENDING)  # the event never came

    assert payments_reconcile(since=timezone.now() + timedelta(minutes=1)).checked == 0
    result = payments_reconcile(since=a_day_ago())

    assert result.repaired == 1 and result.checked >= 1  # localstripe keeps the session's intents
    payment.refresh_from_db()
    booking.refresh_from_db()
    assert (payment.status, booking.status) == (P.AUTHORIZED, Booking.Status.SEARCHING)
