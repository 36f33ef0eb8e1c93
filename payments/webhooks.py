"""Stripe's webhook (DESIGN §7). An event only says "look at this PaymentIntent again": we
verify its signature, store it once by id, re-fetch the PaymentIntent and apply what Stripe
says now, so the result is the same in any order and however often an event is delivered.

An event is stored before it is processed and marked processed after. A second delivery of a
processed event changes nothing; one of an event whose processing failed (Stripe was
unreachable, we answered 500) processes it again. Two deliveries at the same moment may both
re-fetch, but applying a state is idempotent (sync.payment_apply_intent locks the payment, and
booking_payment_secured starts a search once), so they have one effect.
"""

import json
import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.models import Booking
from bookings.services.creation import booking_payment_secured
from payments import stripe_api
from payments.models import Payment, StripeEvent
from payments.refunds import refund_changed
from payments.stripe_api import IntentState, ProviderError
from payments.sync import payment_apply_intent

logger = logging.getLogger(__name__)

# Which field of the event's object names the PaymentIntent, by the event type's first part.
INTENT_FIELD = {"payment_intent": "id", "charge": "payment_intent", "refund": "payment_intent"}


@csrf_exempt  # Stripe cannot send our CSRF token; the signature authenticates the request.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    payload = request.body
    try:
        event = stripe.Webhook.construct_event(
            payload, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponse(status=400)
    try:
        stripe_event_receive(event_id=event.id, event_type=event.type, payload=json.loads(payload))
    except ProviderError as error:
        # Stripe delivers the event again later; the stored row does not stand in the way.
        logger.warning("Stripe event %s not processed: %s", event.id, error.message)
        return HttpResponse(status=500)
    return HttpResponse(status=200)


def stripe_event_receive(*, event_id: str, event_type: str, payload: dict[str, Any]) -> bool:
    """Store an event once and act on it once. Returns False for a delivery of an event
    already processed. Raises ProviderError when the PaymentIntent could not be re-fetched:
    the event then stays unprocessed, and its next delivery processes it."""
    intent_id = event_intent_id(event_type, payload)
    event = _event_store(event_id=event_id, event_type=event_type, intent_id=intent_id,
                         payload=payload)  # fmt: skip
    if event.processed_at is not None:
        return False
    if intent_id and Payment.objects.filter(stripe_intent_id=intent_id).exists():
        # Never trust the event's copy: it may be older than what Stripe knows now.
        state = stripe_api.intent_retrieve(intent_id)
        if refund_id := event_refund_id(event_type, payload):
            refund_changed(refund_id)  # asks Stripe too, so before any row is locked
        with transaction.atomic():
            payment_intent_changed(state)
            _event_processed(event_id)
    else:
        _event_processed(event_id)  # not about one of our payments: nothing to do
    return True


def event_intent_id(event_type: str, payload: dict[str, Any]) -> str:
    field = INTENT_FIELD.get(event_type.split(".", 1)[0])
    obj = (payload.get("data") or {}).get("object") or {}
    value = obj.get(field) if field else None
    return value if isinstance(value, str) else ""


def event_refund_id(event_type: str, payload: dict[str, Any]) -> str:
    """The refund an event is about: ``refund.*`` and ``charge.refund.*`` carry one (the bank
    finished a refund Stripe had accepted, or sent it back)."""
    if not event_type.startswith(("refund.", "charge.refund.")):
        return ""
    value = ((payload.get("data") or {}).get("object") or {}).get("id")
    return value if isinstance(value, str) else ""


def payment_intent_changed(state: IntentState) -> tuple[Payment | None, str]:
    """Apply a PaymentIntent's current state to its payment and follow up on the booking, in
    one transaction (the webhook and the nightly reconciliation both come through here)."""
    with transaction.atomic():
        payment, before = payment_apply_intent(state)
        if payment is not None:
            _after_change(payment, before)
    return payment, before


def _after_change(payment: Payment, before: str) -> None:
    """A visit's card hold came through (3-D Secure finished): the search for a helper starts.
    Not only on the change itself: a booking left waiting beside a reserved amount (a crash
    after the confirm page saved the payment) is set going too; the service starts it once."""
    if payment.status != Payment.Status.AUTHORIZED or payment.purpose != Payment.Purpose.VISIT:
        return
    booking = payment.booking
    if booking.status != Booking.Status.REQUESTED:
        return
    logger.info("booking %s: card hold secured (%s → authorized)", booking.reference, before)
    booking_payment_secured(booking)


def _event_store(
    *, event_id: str, event_type: str, intent_id: str, payload: dict[str, Any]
) -> StripeEvent:
    # A redelivery is found by its key (one query); only a new one is inserted.
    stored = StripeEvent.objects.filter(pk=event_id).first()
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                id=event_id, type=event_type, intent_id=intent_id, payload=payload
            )
    except IntegrityError:
        # Delivered before (or by a concurrent request that got there first).
        return StripeEvent.objects.get(pk=event_id)


def _event_processed(event_id: str) -> None:
    StripeEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
