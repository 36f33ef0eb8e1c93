"""Card payments through Stripe (DESIGN §7): the hold, its confirmation with a card, the
capture, release or refund a booking's outcome calls for, and refunds by staff.

Every service follows the same order, so Stripe is never called while a row is locked: read
and lock the Payment, decide, commit; call Stripe with a key that names the booking and the
action (``booking:<id>:capture``), so a retry or a second worker makes the call once; then
bring the row up to date with what Stripe answered (payments.sync). Each one can run again at
any point and does nothing that was done already.
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from mila.lib.money import format_chf
from payments import stripe_api
from payments.ledger import ledger_refund
from payments.models import Payment, Refund
from payments.stripe_api import IntentState, ProviderError
from payments.sync import payment_apply_intent

logger = logging.getLogger(__name__)

Status = Payment.Status
BookingStatus = Booking.Status
# Bookings whose visit is still to come: a hold placed for them is worth having.
UPCOMING = (BookingStatus.REQUESTED, BookingStatus.SEARCHING, BookingStatus.CONFIRMED)
DONE = (Status.AUTHORIZED, Status.CAPTURED, Status.CANCELED)


class PaymentError(Exception):
    """A refusal to show the person who asked (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CardConfirmation:
    payment: Payment
    card_saved: bool = False  # a visit far ahead: the card is kept for the hold placed later
    redirect_url: str = ""  # 3-D Secure: where the bank's check is (localstripe: none)

    @property
    def secured(self) -> bool:
        """The booking's payment is arranged: the money is held, or the card saved for it."""
        return self.payment.status == Status.AUTHORIZED or self.card_saved


@dataclass(frozen=True)
class Settlement:
    actions: tuple[str, ...]  # what this run did: "capture", "cancel", "refund", "extra"
    to_invoice: int = 0  # the part of what is due that no card payment covers (Rappen)


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk)


def _fresh(payment: Payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def hold_due_later(booking: Booking, now: datetime | None = None) -> bool:
    """A card hold lasts about 7 days: a visit further ahead than PAYMENT_HOLD_MAX_DAYS gets
    its card saved now and the hold PAYMENT_LATE_AUTHORIZE_DAYS before (authorize_upcoming)."""
    ahead = booking.starts_at - (now or timezone.now())
    return ahead > timedelta(days=settings.PAYMENT_HOLD_MAX_DAYS)


@transaction.atomic
def _visit_payment(booking: Booking) -> Payment:
    payment, _created = Payment.objects.select_for_update().get_or_create(
        booking=booking, purpose=Payment.Purpose.VISIT,
        defaults={"method": Payment.Method.CARD, "amount": booking.price_total,
                  "currency": booking.currency},
    )  # fmt: skip
    return payment


def _attach_intent(payment: Payment, state: IntentState) -> Payment:
    """Remember the PaymentIntent (the first one Stripe made for the key wins) and apply it."""
    Payment.objects.filter(pk=payment.pk, stripe_intent_id__isnull=True).update(
        stripe_intent_id=state.id
    )
    payment_apply_intent(state)
    return _fresh(payment)


def card_authorize(booking: Booking, *, now: datetime | None = None) -> Payment:
    """The customer chose to pay by card: the booking's payment row, and at Stripe either a
    hold for its price (PaymentIntent, ``booking:<id>:authorize``) for the customer to confirm
    with their card, or — a visit more than PAYMENT_HOLD_MAX_DAYS ahead — a SetupIntent to
    save the card now for the hold placed shortly before the visit."""
    payment = _visit_payment(booking)
    if payment.stripe_intent_id or payment.stripe_setup_intent_id:
        return payment
    customer = stripe_api.customer_create(
        email=booking.customer.email, reference=booking.reference,
        idempotency_key=payment.idempotency_key("customer"),
    )  # fmt: skip
    if hold_due_later(booking, now):
        setup = stripe_api.setup_create(
            customer=customer,
            reference=booking.reference,
            idempotency_key=payment.idempotency_key("setup"),
        )
        Payment.objects.filter(pk=payment.pk, stripe_setup_intent_id__isnull=True).update(
            stripe_setup_intent_id=setup.id
        )
        return _fresh(payment)
    state = stripe_api.intent_create(
        amount=payment.amount, currency=payment.currency, reference=booking.reference,
        idempotency_key=payment.idempotency_key("authorize"), customer=customer,
        save_card=True,
    )  # fmt: skip
    return _attach_intent(payment, state)


def card_client_secret(payment: Payment) -> str:
    """What the Payment Element needs to confirm this payment in the browser: the hold's
    client secret, or the SetupIntent's for a card saved for later."""
    if not (payment.stripe_intent_id or payment.stripe_setup_intent_id):
        payment = card_authorize(payment.booking)  # Stripe was away when the booking was made
    if payment.stripe_intent_id:
        return stripe_api.intent_retrieve(payment.stripe_intent_id).client_secret
    assert payment.stripe_setup_intent_id
    return stripe_api.setup_retrieve(payment.stripe_setup_intent_id).client_secret


def card_confirm(
    *, payment: Payment, payment_method: str, return_url: str = ""
) -> CardConfirmation:
    """Confirm the hold with the customer's card. The bank may ask for 3-D Secure (the
    payment waits for it, ``redirect_url``); a declined card leaves the payment FAILED with
    the bank's words, and the customer may try another card. Confirming what is already
    held changes nothing."""
    with transaction.atomic():
        payment = _locked(payment)
        if payment.status in DONE:
            return CardConfirmation(payment)
        if not (payment.stripe_intent_id or payment.stripe_setup_intent_id):
            raise PaymentError(_("This payment cannot be confirmed with a card."))
    if payment.stripe_intent_id is None:
        return _save_card(payment, payment_method, return_url)
    key = payment.idempotency_key(f"confirm:{payment_method}")
    try:
        state = stripe_api.intent_confirm(payment.stripe_intent_id, payment_method=payment_method,
                                          return_url=return_url, idempotency_key=key)  # fmt: skip
    except ProviderError as error:
        if not error.declined:
            raise
        state = _declined_state(payment.stripe_intent_id, error)
    applied, _before = payment_apply_intent(state)
    return CardConfirmation(applied or _fresh(payment), redirect_url=state.redirect_url)


def _declined_state(intent_id: str, error: ProviderError) -> IntentState:
    """The intent after the bank said no, with the bank's words if Stripe did not keep them."""
    state = stripe_api.intent_retrieve(intent_id)
    return state if state.error else replace(state, error=error.message)


SETUP_STATUS = {"succeeded": Status.PENDING, "requires_action": Status.REQUIRES_ACTION}


def card_returned(payment: Payment) -> CardConfirmation:
    """The customer is back from the card page (or the bank's 3-D Secure page): what Stripe
    says now, applied to the payment. The browser confirmed it, so nothing is sent."""
    if payment.stripe_intent_id:
        state = stripe_api.intent_retrieve(payment.stripe_intent_id)
        applied, _before = payment_apply_intent(state)
        return CardConfirmation(applied or _fresh(payment), redirect_url=state.redirect_url)
    if not payment.stripe_setup_intent_id:
        return CardConfirmation(payment)
    setup = stripe_api.setup_retrieve(payment.stripe_setup_intent_id)
    status = SETUP_STATUS.get(setup.status, Status.PENDING)
    Payment.objects.filter(pk=payment.pk).exclude(status__in=DONE).update(
        status=status, updated_at=timezone.now()
    )
    return CardConfirmation(_fresh(payment), card_saved=setup.status == "succeeded",
                            redirect_url=setup.redirect_url)  # fmt: skip


def card_abandon(booking: Booking) -> None:
    """The customer pays otherwise: a hold not yet charged is released at Stripe, and the
    payment is marked so (``booking:<id>:cancel``)."""
    payment = Payment.objects.filter(
        booking=booking, purpose=Payment.Purpose.VISIT, method=Payment.Method.CARD
    ).first()
    if payment is None or payment.status in (Status.CAPTURED, Status.CANCELED):
        return
    if payment.stripe_intent_id:
        try:
            state = stripe_api.intent_cancel(
                payment.stripe_intent_id, idempotency_key=payment.idempotency_key("cancel")
            )
        except ProviderError:
            # Unconfirmed, it holds nothing; the nightly reconciliation catches the rest.
            logger.warning("could not release the card hold of booking %s", booking.pk)
        else:
            payment_apply_intent(state)
    Payment.objects.filter(pk=payment.pk).exclude(status=Status.CAPTURED).update(
        status=Status.CANCELED, updated_at=timezone.now()
    )


def _save_card(payment: Payment, payment_method: str, return_url: str) -> CardConfirmation:
    assert payment.stripe_setup_intent_id
    key = payment.idempotency_key(f"setup:confirm:{payment_method}")
    try:
        setup = stripe_api.setup_confirm(payment.stripe_setup_intent_id,
                                         payment_method=payment_method, return_url=return_url,
                                         idempotency_key=key)  # fmt: skip
    except ProviderError as error:
        if not error.declined:
            raise
        Payment.objects.filter(pk=payment.pk).exclude(status__in=DONE).update(
            status=Status.FAILED, failure_message=error.message, updated_at=timezone.now()
        )
        return CardConfirmation(_fresh(payment))
    status = SETUP_STATUS.get(setup.status, Status.PENDING)
    Payment.objects.filter(pk=payment.pk).exclude(status__in=DONE).update(
        status=status, failure_message="", updated_at=timezone.now()
    )
    return CardConfirmation(_fresh(payment), card_saved=setup.status == "succeeded",
                            redirect_url=setup.redirect_url)  # fmt: skip


def card_authorize_late(payment: Payment, *, now: datetime | None = None) -> Payment:
    """Shortly before a visit booked far ahead: hold its price on the card saved at booking,
    without the customer. If there is no saved card or the bank refuses (or wants the
    customer to confirm), the payment is FAILED and the customer and staff are told."""
    with transaction.atomic():
        payment = _locked(payment)
        booking = Booking.objects.get(pk=payment.booking_id)
        if payment.status != Status.PENDING or not payment.stripe_setup_intent_id:
            return payment
        if booking.status not in UPCOMING:
            return payment
    setup = stripe_api.setup_retrieve(payment.stripe_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method:
        return _hold_failed(payment, _("No card was saved for this visit."))
    payment = _off_session_intent(
        payment,
        amount=booking.price_total,
        reference=booking.reference,
        customer=setup.customer,
        payment_method=setup.payment_method,
    )
    payment, error = _confirm_off_session(
        payment, key=payment.idempotency_key(f"confirm:{setup.payment_method}")
    )
    if payment.status != Status.AUTHORIZED:
        return _hold_failed(payment, error or _("The bank asks the customer to confirm."))
    return payment


def _off_session_intent(
    payment: Payment, *, amount: int, reference: str, customer: str, payment_method: str
) -> Payment:
    """The PaymentIntent of a hold made without the customer, on the card saved earlier."""
    if payment.stripe_intent_id is not None:
        return payment
    state = stripe_api.intent_create(
        amount=amount, currency=payment.currency, reference=reference,
        idempotency_key=payment.idempotency_key("authorize"), customer=customer,
        payment_method=payment_method,
    )  # fmt: skip
    return _attach_intent(payment, state)


def _confirm_off_session(payment: Payment, *, key: str) -> tuple[Payment, str]:
    """Confirm a hold on the card saved with it, without the customer (a late hold, extra
    time). Returns the payment as it is now and the bank's words if it refused."""
    assert payment.stripe_intent_id
    try:
        state = stripe_api.intent_confirm(payment.stripe_intent_id, payment_method="",
                                          return_url="", idempotency_key=key,
                                          off_session=True)  # fmt: skip
    except ProviderError as error:
        if not error.declined:
            raise
        state = _declined_state(payment.stripe_intent_id, error)
    payment_apply_intent(state)
    return _fresh(payment), state.error


def _hold_failed(payment: Payment, message: str) -> Payment:
    with transaction.atomic():
        changed = (
            Payment.objects.filter(pk=payment.pk)
            .exclude(status__in=DONE)
            .update(status=Status.FAILED, failure_message=message, updated_at=timezone.now())
        )
        payment = _fresh(payment)
        if changed:
            notify_hold_failed(payment)
    return payment


def notify_hold_failed(payment: Payment) -> None:
    """The card hold before a visit booked far ahead failed: the visit still takes place, and
    the customer pays it by invoice afterwards instead. They and staff are told, in the
    failing transaction (the outbox sends it after commit)."""
    from bookings.notices import notify_booking, notify_staff
    from notifications.models import Notification

    logger.warning("card hold failed for booking %s: %s", payment.booking_id,
                   payment.failure_message)  # fmt: skip
    Booking.objects.filter(pk=payment.booking_id).update(payment_method=Payment.Method.INVOICE)
    booking = Booking.objects.select_related("service", "customer").get(pk=payment.booking_id)
    notify_booking(booking, Notification.Kind.PAYMENT_HOLD_FAILED, recipients=[booking.customer],
                   message=payment.failure_message)  # fmt: skip
    notify_staff(booking, Notification.Kind.STAFF_PAYMENT_HOLD_FAILED,
                 message=payment.failure_message)  # fmt: skip


def card_payments_to_hold(*, now: datetime | None = None) -> list[int]:
    """The cards saved for visits that start within PAYMENT_LATE_AUTHORIZE_DAYS and have no
    hold yet."""
    until = (now or timezone.now()) + timedelta(days=settings.PAYMENT_LATE_AUTHORIZE_DAYS)
    return list(
        Payment.objects.filter(
            method=Payment.Method.CARD, purpose=Payment.Purpose.VISIT, status=Status.PENDING,
            stripe_intent_id__isnull=True, stripe_setup_intent_id__isnull=False,
            booking__status__in=UPCOMING, booking__starts_at__lte=until,
        ).values_list("pk", flat=True)
    )  # fmt: skip


def bookings_to_settle() -> list[int]:
    """Ended bookings whose card still holds money or an open PaymentIntent, or whose refund
    was not sent: what settle_after_commit could not enqueue, or a settlement that failed."""
    open_hold = Payment.objects.filter(
        method=Payment.Method.CARD, stripe_intent_id__isnull=False,
        status__in=(Status.PENDING, Status.REQUIRES_ACTION, Status.AUTHORIZED, Status.FAILED),
        booking__status__in=Booking.FINAL_STATUSES,
    )  # fmt: skip
    unsent = Refund.objects.filter(status=Refund.Status.PENDING)
    ids = set(open_hold.values_list("booking_id", flat=True))
    return sorted(ids | set(unsent.values_list("payment__booking_id", flat=True)))


# --- Settling a booking -------------------------------------------------------------------------


def amount_due(booking: Booking) -> int | None:
    """What the customer owes once the booking is over: the final price of a completed visit,
    the fee of a cancellation or a missed visit (0 when free), nothing if no helper was
    found; None while the visit is still to come."""
    if booking.status == BookingStatus.COMPLETED:
        return booking.price_total
    if booking.status == BookingStatus.CANCELLED:
        return booking.cancellation_fee
    if booking.status == BookingStatus.UNFULFILLED:
        return 0
    return None


def card_settle(booking: Booking) -> Settlement:
    """Do what the booking's outcome calls for on its card: capture the final amount (the hold
    at most; extra time beyond it is charged on the saved card as a second payment), capture
    only the fee of a late cancellation or a missed visit, release the hold when nothing is
    due, refund what was charged beyond what is due. Run again, it does nothing more; what no
    card payment covers comes back as ``to_invoice``."""
    booking = Booking.objects.get(pk=booking.pk)
    actions = [*_resend_pending_refunds(booking)]
    due = amount_due(booking)
    visit = Payment.objects.filter(
        booking=booking, purpose=Payment.Purpose.VISIT, method=Payment.Method.CARD
    ).first()
    if due is None or visit is None:
        return Settlement(tuple(actions), due or 0)
    actions += _settle_hold(visit, due)
    charged, net = _charged(booking)
    if due > charged and booking.status == BookingStatus.COMPLETED:
        actions += _charge_extra(booking, _fresh(visit), due - charged)
    elif net > due:
        actions += _refund_excess(booking, net - due)
    return Settlement(tuple(actions), max(due - _charged(booking)[0], 0))


def _charged(booking: Booking) -> tuple[int, int]:
    """What the booking's card payments charged, and that less what was (or is being)
    refunded. Charging more looks at the first (a goodwill refund is not charged again),
    refunding the excess at the second."""
    charged = net = 0
    for payment in Payment.objects.filter(
        booking=booking, method=Payment.Method.CARD, status=Status.CAPTURED
    ):
        charged += payment.captured
        net += payment.captured - payment.refunded - _pending(payment)
    return charged, net


def _pending(payment: Payment) -> int:
    pending = payment.refunds.filter(status=Refund.Status.PENDING).aggregate(s=Sum("amount"))
    return int(pending["s"] or 0)


def _settle_hold(visit: Payment, due: int) -> list[str]:
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status in (Status.CAPTURED, Status.CANCELED) or not visit.stripe_intent_id:
            return []
        amount = min(due, visit.amount) if visit.status == Status.AUTHORIZED else 0
    if amount > 0:
        _provider(visit, "capture", amount)
        return ["capture"]
    _provider(visit, "cancel", 0)  # nothing due, or never held: let go of it
    return ["cancel"]


def _provider(payment: Payment, action: str, amount: int) -> None:
    """Capture or release the hold. If Stripe refuses because it was done meanwhile (another
    worker, a lost answer), what it says now is applied just the same."""
    assert payment.stripe_intent_id
    key = payment.idempotency_key(action)
    try:
        if action == "capture":
            state = stripe_api.intent_capture(payment.stripe_intent_id, amount=amount,
                                              idempotency_key=key)  # fmt: skip
        else:
            state = stripe_api.intent_cancel(payment.stripe_intent_id, idempotency_key=key)
    except ProviderError as error:
        if error.retryable:
            raise
        state = stripe_api.intent_retrieve(payment.stripe_intent_id)
        if state.status not in ("succeeded", "canceled"):
            raise
    payment_apply_intent(state)


def _charge_extra(booking: Booking, visit: Payment, amount: int) -> list[str]:
    """Extra time beyond the hold, charged on the card the customer held the visit with,
    without them (``booking:<id>:extra:…``). If the bank refuses, it is left to an invoice."""
    if visit.status != Status.CAPTURED or not visit.stripe_intent_id:
        return []
    extra, _created = Payment.objects.get_or_create(
        booking=booking, purpose=Payment.Purpose.EXTRA,
        defaults={"method": Payment.Method.CARD, "amount": amount, "currency": visit.currency},
    )  # fmt: skip
    if extra.status in (Status.FAILED, Status.REQUIRES_ACTION, Status.CAPTURED, Status.CANCELED):
        return []
    if extra.stripe_intent_id is None:
        card = stripe_api.intent_retrieve(visit.stripe_intent_id)
        extra = _off_session_intent(
            extra,
            amount=extra.amount,
            reference=booking.reference,
            customer=card.customer,
            payment_method=card.payment_method,
        )
    if extra.status == Status.PENDING:
        extra, _error = _confirm_off_session(extra, key=extra.idempotency_key("confirm"))
    if extra.status != Status.AUTHORIZED:
        return []
    _provider(extra, "capture", extra.amount)
    return ["extra"]


def _refund_excess(booking: Booking, excess: int) -> list[str]:
    """Charged more than is due (the fee was lowered after the capture): give back the rest,
    from the extra-time payment first."""
    actions = []
    payments = Payment.objects.filter(
        booking=booking, method=Payment.Method.CARD, status=Status.CAPTURED
    )
    for payment in sorted(payments, key=lambda p: p.purpose != Payment.Purpose.EXTRA):
        amount = min(excess, payment.captured - payment.refunded - _pending(payment))
        if amount <= 0:
            continue
        reason = _("Charged more than was due for booking %(reference)s.") % {
            "reference": booking.reference
        }
        payment_refund(payment=payment, amount=amount, reason=reason, actor=None)
        actions.append("refund")
        excess -= amount
    return actions


# --- Refunds --------------------------------------------------------------------------------------


def payment_refund(*, payment: Payment, amount: int, reason: str, actor: Any) -> Refund:
    """Give money back on a charged card, in part or in full, never more than was charged
    less what was refunded (or is being refunded). A reason is required; the helper's
    earnings entry follows the refund. Asked again while a refund of the same amount is still
    being sent, it sends that one again (same key) instead of a second one."""
    if not reason.strip():
        raise PaymentError(_("Please give a reason for the refund."))
    if amount <= 0:
        raise PaymentError(_("The amount to refund must be more than CHF 0."))
    refund = _refund_reserve(payment, amount, reason.strip(), actor)
    try:
        _refund_send(refund)
    except ProviderError as error:
        if error.retryable:
            raise PaymentError(
                _("Stripe could not be reached. The refund was not sent yet; please try again.")
            ) from error
        raise PaymentError(error.message) from error
    refund.refresh_from_db()
    return refund


@transaction.atomic
def _refund_reserve(payment: Payment, amount: int, reason: str, actor: Any) -> Refund:
    payment = _locked(payment)
    if payment.status != Status.CAPTURED or not payment.stripe_intent_id:
        raise PaymentError(_("Only a card payment that was charged can be refunded."))
    waiting = payment.refunds.filter(status=Refund.Status.PENDING, amount=amount).first()
    if waiting is not None:
        return waiting
    available = payment.captured - payment.refunded - _pending(payment)
    if amount > available:
        raise PaymentError(
            _("At most %(amount)s can be refunded.") % {"amount": format_chf(max(available, 0))}
        )
    number = payment.refunds.count()
    return Refund.objects.create(
        payment=payment, amount=amount, reason=reason, actor=actor,
        idempotency_key=f"{payment.idempotency_key('refund')}:{number}",
    )  # fmt: skip


def _refund_send(refund: Refund) -> None:
    """Send the refund to Stripe with its own key and book the answer. A connection problem
    leaves it PENDING, to be sent again with the same key; a refusal marks it FAILED."""
    payment = refund.payment
    assert payment.stripe_intent_id
    try:
        state = stripe_api.refund_create(payment.stripe_intent_id, amount=refund.amount,
                                         idempotency_key=refund.idempotency_key,
                                         reference=payment.booking.reference)  # fmt: skip
    except ProviderError as error:
        if not error.retryable:
            Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
                status=Refund.Status.FAILED
            )
        raise
    _refund_book(refund, state)


@transaction.atomic
def _refund_book(refund: Refund, state: stripe_api.RefundState) -> None:
    _locked(refund.payment)
    sent = state.status in ("succeeded", "pending")  # pending: Stripe took it, the bank follows
    changed = Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        status=Refund.Status.SUCCEEDED if sent else Refund.Status.FAILED,
        stripe_refund_id=state.id or None,
    )
    if not (changed and sent):
        return
    # The check constraint payment_refund_within_capture guards this sum, too.
    Payment.objects.filter(pk=refund.payment_id).update(refunded=F("refunded") + refund.amount)
    refund.refresh_from_db()
    ledger_refund(refund)


def _resend_pending_refunds(booking: Booking) -> list[str]:
    actions = []
    pending = Refund.objects.filter(payment__booking=booking, status=Refund.Status.PENDING)
    for refund in pending.select_related("payment__booking"):
        _refund_send(refund)
        actions.append("refund")
    return actions
