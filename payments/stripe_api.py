"""The one place that talks to Stripe: a thin adapter over the ``stripe`` SDK that returns our
own small records, so the rest of the code neither depends on the SDK's objects nor on which
fields a response happens to carry (localstripe, used in tests and ``make run``, leaves some
out; real Stripe sends them all).

``STRIPE_API_BASE`` points the client at another host, which is only ever localstripe: requests
to it leave out the few parameters localstripe refuses (LOCALSTRIPE_REFUSES) and that change
nothing it simulates. Every call that changes something carries the caller's idempotency key
(localstripe ignores them: our own rows and keys keep calls from being made twice). Errors
come out as ProviderError: ``retryable`` for a connection problem (Celery retries with the same
key), ``declined`` for a card the bank refused (the customer is told ``message``).
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
    customer: str = ""  # the Stripe customer the card is saved for
    payment_method: str = ""  # the card, once entered


@dataclass(frozen=True)
class SetupState:
    """A SetupIntent: the card saved for a hold placed later (a visit far ahead)."""

    id: str
    status: str  # requires_payment_method, requires_action, succeeded, canceled, …
    customer: str
    payment_method: str
    client_secret: str
    redirect_url: str


@dataclass(frozen=True)
class RefundState:
    id: str
    status: str  # pending, succeeded, failed, canceled
    amount: int


# Parameters real Stripe takes but localstripe answers with 400 "Unexpected …". Leaving them out
# changes nothing localstripe simulates (a card there is usable off-session without being saved,
# and its 3-D Secure step is never a redirect).
LOCALSTRIPE_REFUSES = frozenset(
    {"description", "return_url", "setup_future_usage", "off_session", "created"}
)


def enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _params(params: dict[str, Any]) -> dict[str, Any]:
    if not settings.STRIPE_API_BASE:
        return params
    return {key: value for key, value in params.items() if key not in LOCALSTRIPE_REFUSES}


def _plain(obj: Any) -> Any:
    """The SDK's objects are not dicts (``.get`` raises): read them as the dicts they carry."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def client() -> stripe.StripeClient:
    if not enabled():
        # Card payments made while Stripe was on, settled after it was turned off.
        raise ProviderError("Stripe is not configured (STRIPE_SECRET_KEY is empty).")
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


def _received(obj: Any, status: str, amount: int) -> int:
    """What was charged. localstripe leaves ``amount_received`` out, and books a capture of
    less than the hold as a full capture plus a refund of the rest, made without a
    PaymentIntent (we always refund through one): so that refund is not part of the charge."""
    received = _value(obj, "amount_received")
    if received is not None:
        return int(received)
    if status != "succeeded":
        return 0
    charge = _value(obj, "latest_charge")
    if not hasattr(charge, "get"):  # an id (real Stripe sends amount_received anyway)
        return amount
    released = sum(
        int(_value(refund, "amount", default=0))
        for refund in _value(charge, "refunds", "data", default=[])
        if not _value(refund, "payment_intent")
    )
    return int(_value(charge, "amount", default=amount)) - released


def intent_state(obj: Any) -> IntentState:
    """Our record of a PaymentIntent from the SDK's object or a webhook's plain dict."""
    obj = _plain(obj)
    status = _value(obj, "status", default="")
    amount = int(_value(obj, "amount", default=0))
    capturable = _value(obj, "amount_capturable")
    return IntentState(
        id=_value(obj, "id", default=""),
        status=status,
        amount=amount,
        # localstripe omits these two: they follow from the status.
        amount_capturable=int(capturable if capturable is not None else
                              (amount if status == "requires_capture" else 0)),
        amount_received=_received(obj, status, amount),
        currency=str(_value(obj, "currency", default="chf")).upper(),
        reference=str(_value(obj, "metadata", "booking", default="")),
        client_secret=str(_value(obj, "client_secret", default="")),
        error=str(_value(obj, "last_payment_error", "message", default="")),
        redirect_url=str(_value(obj, "next_action", "redirect_to_url", "url", default="")),
        customer=_id(_value(obj, "customer")),
        payment_method=_id(_value(obj, "payment_method")),
    )  # fmt: skip


def _id(value: Any) -> str:
    """An id, whether the field came expanded (an object) or not."""
    if value is None:
        return ""
    return str(_value(value, "id", default="")) if hasattr(value, "get") else str(value)


def setup_state(obj: Any) -> SetupState:
    obj = _plain(obj)
    return SetupState(
        id=_value(obj, "id", default=""),
        status=_value(obj, "status", default=""),
        customer=_id(_value(obj, "customer")),
        payment_method=_id(_value(obj, "payment_method")),
        client_secret=str(_value(obj, "client_secret", default="")),
        redirect_url=str(_value(obj, "next_action", "redirect_to_url", "url", default="")),
    )


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
    customer: str = "",
    payment_method: str = "",
    save_card: bool = False,
) -> IntentState:
    """A card hold (``capture_method=manual``) for ``amount``, confirmed later (intent_confirm).

    ``save_card`` keeps the card the customer enters for charges without them (extra time
    beyond the hold): it needs ``customer``. ``payment_method``: a card saved before."""
    params: dict[str, Any] = {
        "amount": amount,
        "currency": currency.lower(),
        "capture_method": "manual",
        "payment_method_types": ["card"],
        "metadata": {"booking": reference},
        "description": f"Mila {reference}",
    }
    if customer:
        params["customer"] = customer
    if payment_method:
        params["payment_method"] = payment_method
    if save_card:
        params["setup_future_usage"] = "off_session"
    intent = _call(client().v1.payment_intents.create, params=_params(params),
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return intent_state(intent)


def intent_confirm(
    intent_id: str,
    *,
    payment_method: str,
    return_url: str,
    idempotency_key: str,
    off_session: bool = False,
) -> IntentState:
    """Confirm the hold with a card (``payment_method``; "" keeps the one it has). The state
    says whether the bank wants 3-D Secure; a declined card raises ProviderError(declined).

    The card is set by an update first, then confirmed: real Stripe takes both in one call,
    localstripe only this way. ``off_session``: the customer is not there (a saved card)."""
    if payment_method:
        _call(client().v1.payment_intents.update, intent_id,
              params={"payment_method": payment_method},
              options={"idempotency_key": f"{idempotency_key}:card"})  # fmt: skip
    params: dict[str, Any] = {}
    if return_url:
        params["return_url"] = return_url
    if off_session:
        params["off_session"] = True
    intent = _call(client().v1.payment_intents.confirm, intent_id, params=_params(params),
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


def refund_create(
    intent_id: str, *, amount: int, idempotency_key: str, reference: str = ""
) -> RefundState:
    params = {"payment_intent": intent_id, "amount": amount, "metadata": {"booking": reference}}
    refund = _call(client().v1.refunds.create, params=params,
                   options={"idempotency_key": idempotency_key})  # fmt: skip
    return refund_state(refund, amount=amount)


def refund_retrieve(refund_id: str) -> RefundState:
    return refund_state(_call(client().v1.refunds.retrieve, refund_id))


def refund_state(obj: Any, *, amount: int = 0) -> RefundState:
    return RefundState(id=_value(obj, "id", default=""),
                       status=_value(obj, "status", default="succeeded"),
                       amount=int(_value(obj, "amount", default=amount)))  # fmt: skip


def customer_create(*, email: str, reference: str, idempotency_key: str) -> str:
    """A Stripe customer to save the card for (one per booking). Returns its id."""
    customer = _call(client().v1.customers.create,
                     params={"email": email, "metadata": {"booking": reference}},
                     options={"idempotency_key": idempotency_key})  # fmt: skip
    return str(_value(_plain(customer), "id", default=""))


def setup_create(*, customer: str, reference: str, idempotency_key: str) -> SetupState:
    """Save a card now for a hold placed later, without the customer (``usage=off_session``)."""
    params = {"customer": customer, "usage": "off_session", "payment_method_types": ["card"],
              "metadata": {"booking": reference}}  # fmt: skip
    setup = _call(client().v1.setup_intents.create, params=params,
                  options={"idempotency_key": idempotency_key})  # fmt: skip
    return setup_state(setup)


def setup_confirm(
    setup_id: str, *, payment_method: str, return_url: str, idempotency_key: str
) -> SetupState:
    params: dict[str, Any] = {"payment_method": payment_method}
    if return_url:
        params["return_url"] = return_url
    setup = _call(client().v1.setup_intents.confirm, setup_id, params=_params(params),
                  options={"idempotency_key": idempotency_key})  # fmt: skip
    return setup_state(setup)


def setup_retrieve(setup_id: str) -> SetupState:
    return setup_state(_call(client().v1.setup_intents.retrieve, setup_id))


def intents_since(created_after: datetime) -> Iterator[IntentState]:
    """Every PaymentIntent created after the moment (for the nightly reconciliation). The
    moment is checked here too: localstripe lists them all."""
    since = int(created_after.timestamp())
    params: dict[str, Any] = _params({"created": {"gte": since}, "limit": 100})
    while True:
        page = _call(client().v1.payment_intents.list, params=params)
        items = list(_value(page, "data", default=[]))
        yield from (
            intent_state(item) for item in items if int(_value(item, "created", default=0)) >= since
        )
        if not items or not _value(page, "has_more", default=False):
            return
        params = {**params, "starting_after": _value(items[-1], "id")}
