"""The one place that talks to Stripe: a thin adapter over the ``stripe`` SDK that returns our
own small records, so the rest of the code neither depends on the SDK's objects nor on which
fields a response happens to carry (localstripe, used in tests and ``make run``, leaves some
out; real Stripe sends them all).

``STRIPE_API_BASE`` points the client at another host (localstripe). Every call that changes
something carries the caller's idempotency key. Errors come out as ProviderError: ``retryable``
for a connection problem (Celery retries with the same key), ``declined`` for a card the bank
refused (the customer is told ``message``).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stripe
from django.conf import settings


class ProviderError(Exception):
    def __init__(self, message: str, *, retryable: bool = False, declined: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.declined = declined


@dataclass(frozen=True)
class IntentState:
    """A PaymentIntent as we use it (amounts in Rappen)."""

    id: str
    status: str  # Stripe's: requires_payment_method, requires_action, requires_capture, …
    amount: int
    amount_capturable: int
    amount_received: int
    currency: str
    reference: str  # our booking reference, from the metadata
    client_secret: str
    error: str  # why the last attempt failed (a declined card), else ""
    redirect_url: str  # where 3-D Secure sends the customer, else ""


@dataclass(frozen=True)
class RefundState:
    id: str
    status: str  # pending, succeeded, failed, canceled
    amount: int


def enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE.rstrip("/")
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.STRIPE_NETWORK_RETRIES,
    )


def _value(obj: Any, *path: str, default: Any = None) -> Any:
    for key in path:
        if obj is None:
            return default
        obj = obj.get(key) if hasattr(obj, "get") else getattr(obj, key, None)
    return default if obj is None else obj


def intent_state(obj: Any) -> IntentState:
    """Our record of a PaymentIntent from the SDK's object or a webhook's plain dict."""
    status = _value(obj, "status", default="")
    amount = int(_value(obj, "amount", default=0))
    capturable = _value(obj, "amount_capturable")
    received = _value(obj, "amount_received")
    return IntentState(
        id=_value(obj, "id", default=""),
        status=status,
        amount=amount,
        # localstripe omits these two: they follow from the status.
        amount_capturable=int(capturable if capturable is not None else
                              (amount if status == "requires_capture" else 0)),
        amount_received=int(received if received is not None else
                            (amount if status == "succeeded" else 0)),
        currency=str(_value(obj, "currency", default="chf")).upper(),
        reference=str(_value(obj, "metadata", "booking", default="")),
        client_secret=str(_value(obj, "client_secret", default="")),
        error=str(_value(obj, "last_payment_error", "message", default="")),
        redirect_url=str(_value(obj, "next_action", "redirect_to_url", "url", default="")),
    )  # fmt: skip


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return method(*args, **kwargs)
    except stripe.CardError as error:
        raise ProviderError(error.user_message or str(error), declined=True) from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise ProviderError(str(error), retryable=True) from error
    except stripe.StripeError as error:
        # A 5xx from Stripe is worth another try with the same key; a 4xx is not.
        retryable = (error.http_status or 500) >= 500
        raise ProviderError(error.user_message or str(error), retryable=retryable) from error


def intent_create(
    *,
    amount: int,
    currency: str,
    reference: str,
    idempotency_key: str,
    payment_method: str = "",
    return_url: str = "",
) -> IntentState:
    """A card hold (``capture_method=manual``) for ``amount``; with ``payment_method`` it is
    confirmed at once (the state then says whether the bank wants 3-D Secure)."""
    params: dict[str, Any] = {
        "amount": amount,
        "currency": currency.lower(),
        "capture_method": "manual",
        "payment_method_types": ["card"],
        "metadata": {"booking": reference},
        "description": f"Mila {reference}",
    }
    if payment_method:
        params.update(payment_method=payment_method, confirm=True)
        if return_url:
            params["return_url"] = return_url
    intent = _call(client().v1.payment_intents.create, params=params,
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return intent_state(intent)


def intent_confirm(
    intent_id: str, *, payment_method: str, return_url: str, idempotency_key: str
) -> IntentState:
    params = {"payment_method": payment_method, "return_url": return_url}
    intent = _call(client().v1.payment_intents.confirm, intent_id, params=params,
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return intent_state(intent)


def intent_retrieve(intent_id: str) -> IntentState:
    return intent_state(_call(client().v1.payment_intents.retrieve, intent_id))


def intent_capture(intent_id: str, *, amount: int, idempotency_key: str) -> IntentState:
    intent = _call(client().v1.payment_intents.capture, intent_id,
                   params={"amount_to_capture": amount},
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return intent_state(intent)


def intent_cancel(intent_id: str, *, idempotency_key: str) -> IntentState:
    intent = _call(client().v1.payment_intents.cancel, intent_id,
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return intent_state(intent)


def refund_create(intent_id: str, *, amount: int, idempotency_key: str) -> RefundState:
    refund = _call(client().v1.refunds.create,
                   params={"payment_intent": intent_id, "amount": amount},
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return RefundState(id=_value(refund, "id", default=""),
                       status=_value(refund, "status", default="succeeded"),
                       amount=int(_value(refund, "amount", default=amount)))  # fmt: skip


def intents_since(created_after: datetime) -> Iterator[IntentState]:
    """Every PaymentIntent created after the moment (for the nightly reconciliation)."""
    params: dict[str, Any] = {"created": {"gte": int(created_after.timestamp())}, "limit": 100}
    while True:
        page = _call(client().v1.payment_intents.list, params=params)
        items = list(_value(page, "data", default=[]))
        yield from (intent_state(item) for item in items)
        if not items or not _value(page, "has_more", default=False):
            return
        params = {**params, "starting_after": _value(items[-1], "id")}
