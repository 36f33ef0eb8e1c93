"""A refund Stripe accepts but the bank finishes later ("pending"): it is on its way, not done.
It holds its amount against a second refund, counts in ``refunded`` and the ledger only once
it succeeded, and a webhook or the settle sweep finds out how it ended (DESIGN §7)."""

from typing import Any

import pytest
from django.utils import timezone

from bookings.models import Booking
from payments.card import PaymentError
from payments.models import EarningEntry, Payment, Refund
from payments.refunds import payment_refund
from payments.settle import card_settle
from payments.stripe_api import RefundState
from tests.factories import BookingFactory, HelperProfileFactory
from tests.payments.test_webhooks import deliver, event_body, intent

pytestmark = pytest.mark.django_db


class Bank:
    """Stripe's refunds: accepted as "pending", then whatever each test makes of them."""

    def __init__(self) -> None:
        self.refunds: dict[str, RefundState] = {}

    def create(self, intent_id: str, *, amount: int, idempotency_key: str,
               reference: str = "") -> RefundState:  # fmt: skip
        refund = RefundState(id=f"re_{len(self.refunds) + 1}", status="pending", amount=amount)
        self.refunds[refund.id] = refund
        return refund

    def retrieve(self, refund_id: str) -> RefundState:
        return self.refunds[refund_id]

    def finish(self, refund_id: str, status: str) -> None:
        old = self.refunds[refund_id]
        self.refunds[refund_id] = RefundState(id=old.id, status=status, amount=old.amount)


@pytest.fixture
def bank(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Bank:
    settings.STRIPE_WEBHOOK_SECRET = "whsec_mila_test"
    fake = Bank()
    monkeypatch.setattr("payments.stripe_api.refund_create", fake.create)
    monkeypatch.setattr("payments.stripe_api.refund_retrieve", fake.retrieve)
    return fake


@pytest.fixture
def charged(monkeypatch: pytest.MonkeyPatch) -> Payment:
    booking = BookingFactory(
        status=Booking.Status.COMPLETED, payment_method="card", helper=HelperProfileFactory(),
        completed_at=timezone.now(),
    )  # fmt: skip
    total = booking.price_total
    charge = intent("pi_charged", "succeeded", amount=total, amount_received=total)
    monkeypatch.setattr("payments.stripe_api.intent_retrieve", lambda pk: charge)
    return Payment.objects.create(
        booking=booking, method=Payment.Method.CARD, status=Payment.Status.CAPTURED,
        amount=total, captured=total, stripe_intent_id="pi_charged",
    )  # fmt: skip


def refund_event(refund_id: str, status: str, event_id: str = "evt_r1") -> int:
    obj = {"id": refund_id, "object": "refund", "payment_intent": "pi_charged", "status": status}
    return deliver(event_body(event_id, "refund.updated", obj))


def test_a_pending_refund_is_underway_not_done(bank: Bank, charged: Payment) -> None:
    refund = payment_refund(payment=charged, amount=5000, reason="Goodwill", actor=None)

    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.PROCESSING, "re_1")
    charged.refresh_from_db()
    assert charged.refunded == 0
    assert not EarningEntry.objects.filter(kind=EarningEntry.Kind.REFUND).exists()


def test_what_is_underway_is_held_against_a_second_refund(bank: Bank, charged: Payment) -> None:
    payment_refund(payment=charged, amount=charged.captured - 3000, reason="Goodwill", actor=None)

    with pytest.raises(PaymentError) as refused:
        payment_refund(payment=charged, amount=3001, reason="More goodwill", actor=None)

    assert "30.00" in refused.value.message
    assert payment_refund(payment=charged, amount=3000, reason="The rest", actor=None)


def test_the_webhook_books_it_once_when_the_bank_is_done(bank: Bank, charged: Payment) -> None:
    refund = payment_refund(payment=charged, amount=5000, reason="Goodwill", actor=None)
    bank.finish("re_1", "succeeded")

    statuses = [refund_event("re_1", "succeeded", event_id=f"evt_{n}") for n in range(3)]

    assert statuses == [200, 200, 200]
    refund.refresh_from_db()
    charged.refresh_from_db()
    assert (refund.status, charged.refunded) == (Refund.Status.SUCCEEDED, 5000)
    assert EarningEntry.objects.filter(kind=EarningEntry.Kind.REFUND, refund=refund).count() == 1


def test_a_refund_the_bank_sent_back_frees_its_amount(bank: Bank, charged: Payment) -> None:
    refund = payment_refund(payment=charged, amount=charged.captured, reason="All", actor=None)
    bank.finish("re_1", "failed")

    assert refund_event("re_1", "failed") == 200

    refund.refresh_from_db()
    charged.refresh_from_db()
    assert (refund.status, charged.refunded) == (Refund.Status.FAILED, 0)
    again = payment_refund(payment=charged, amount=charged.captured, reason="Again", actor=None)
    assert again.status == Refund.Status.PROCESSING


def test_the_settle_sweep_asks_after_a_refund_underway(bank: Bank, charged: Payment) -> None:
    refund = payment_refund(payment=charged, amount=5000, reason="Goodwill", actor=None)
    card_settle(charged.booking)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PROCESSING

    bank.finish("re_1", "succeeded")
    card_settle(charged.booking)

    refund.refresh_from_db()
    charged.refresh_from_db()
    assert (refund.status, charged.refunded) == (Refund.Status.SUCCEEDED, 5000)
    card_settle(charged.booking)
    charged.refresh_from_db()
    assert charged.refunded == 5000


def test_a_refund_that_is_through_stays_so(bank: Bank, charged: Payment) -> None:
    refund = payment_refund(payment=charged, amount=5000, reason="Goodwill", actor=None)
    bank.finish("re_1", "succeeded")
    refund_event("re_1", "succeeded")
    bank.finish("re_1", "failed")  # a late, wrong claim

    refund_event("re_1", "failed", event_id="evt_late")

    refund.refresh_from_db()
    charged.refresh_from_db()
    assert (refund.status, charged.refunded) == (Refund.Status.SUCCEEDED, 5000)
