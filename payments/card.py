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

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from payments import stripe_api
from payments.models import Payment
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


def payment_locked(payment: Payment) -> Payment:
    """The payment's row, locked until the transaction ends (call inside one)."""
    return Payment.objects.select_for_update().get(pk=payment.pk)


def payment_fresh(payment: Payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def _set_status(payment: Payment, status: str, message: str = "") -> bool:
    """What the card page or a sweep found out, unless the payment is settled already (held,
    charged or released: those only the PaymentIntent changes, payments.sync). Returns
    whether it changed."""
    return bool(
        Payment.objects.filter(pk=payment.pk)
        .exclude(status__in=DONE)
        .update(status=status, failure_message=message, updated_at=timezone.now())
    )


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
    return payment_fresh(payment)


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
        return payment_fresh(payment)
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
        payment = payment_locked(payment)
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
    return CardConfirmation(applied or payment_fresh(payment), redirect_url=state.redirect_url)


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
        return CardConfirmation(applied or payment_fresh(payment), redirect_url=state.redirect_url)
    if not payment.stripe_setup_intent_id:
        return CardConfirmation(payment)
    setup = stripe_api.setup_retrieve(payment.stripe_setup_intent_id)
    status = SETUP_STATUS.get(setup.status, Status.PENDING)
    _set_status(payment, status)
    return CardConfirmation(payment_fresh(payment), card_saved=setup.status == "succeeded",
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
        _set_status(payment, Status.FAILED, error.message)
        return CardConfirmation(payment_fresh(payment))
    status = SETUP_STATUS.get(setup.status, Status.PENDING)
    _set_status(payment, status)
    return CardConfirmation(payment_fresh(payment), card_saved=setup.status == "succeeded",
                            redirect_url=setup.redirect_url)  # fmt: skip


def card_authorize_late(payment: Payment, *, now: datetime | None = None) -> Payment:
    """Shortly before a visit booked far ahead: hold its price on the card saved at booking,
    without the customer. If there is no saved card or the bank refuses (or wants the
    customer to confirm), the payment is FAILED and the customer and staff are told."""
    with transaction.atomic():
        payment = payment_locked(payment)
        booking = Booking.objects.get(pk=payment.booking_id)
        if payment.status != Status.PENDING or not payment.stripe_setup_intent_id:
            return payment
        if booking.status not in UPCOMING:
            return payment
    setup = stripe_api.setup_retrieve(payment.stripe_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method:
        return _hold_failed(payment, _("No card was saved for this visit."))
    payment = off_session_intent(
        payment,
        amount=booking.price_total,
        reference=booking.reference,
        customer=setup.customer,
        payment_method=setup.payment_method,
    )
    payment, error = confirm_off_session(
        payment, key=payment.idempotency_key(f"confirm:{setup.payment_method}")
    )
    if payment.status != Status.AUTHORIZED:
        return _hold_failed(payment, error or _("The bank asks the customer to confirm."))
    return payment


def off_session_intent(
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


def confirm_off_session(payment: Payment, *, key: str) -> tuple[Payment, str]:
    """Confirm a hold on the card saved with it, without the customer (a late hold, extra
    time). Returns the payment as it is now and the bank's words if it refused."""
    assert payment.stripe_intent_id
    state = _confirm_saved_card(payment.stripe_intent_id, key=key)
    payment_apply_intent(state)
    return payment_fresh(payment), state.error


def _confirm_saved_card(intent_id: str, *, key: str) -> IntentState:
    try:
        return stripe_api.intent_confirm(intent_id, payment_method="", return_url="",
                                         idempotency_key=key, off_session=True)  # fmt: skip
    except ProviderError as error:
        if not error.declined:
            raise
        return _declined_state(intent_id, error)


def card_holds_to_renew(*, now: datetime | None = None) -> list[int]:
    """Holds placed PAYMENT_HOLD_MAX_DAYS ago or longer for visits still to come: the search
    ran long, or the visit was moved further ahead. A hold lapses after about 7 days."""
    placed_before = (now or timezone.now()) - timedelta(days=settings.PAYMENT_HOLD_MAX_DAYS)
    return list(
        Payment.objects.filter(
            method=Payment.Method.CARD, purpose=Payment.Purpose.VISIT, status=Status.AUTHORIZED,
            held_at__lte=placed_before, booking__status__in=UPCOMING,
        ).values_list("pk", flat=True)
    )  # fmt: skip


def card_renew_hold(payment: Payment, *, now: datetime | None = None) -> Payment:
    """Place a hold that is about to lapse again, on the same card and without the customer
    (``booking:<id>:renew:<old hold>``), then release the old one. If the bank refuses, the
    old hold is released too, and the visit is paid by invoice: the customer and staff are
    told (as when a late hold fails)."""
    now = now or timezone.now()
    placed_before = now - timedelta(days=settings.PAYMENT_HOLD_MAX_DAYS)
    with transaction.atomic():
        payment = payment_locked(payment)
        booking = Booking.objects.get(pk=payment.booking_id)
        if not (payment.status == Status.AUTHORIZED and payment.held_at
                and payment.held_at <= placed_before and booking.status in UPCOMING):  # fmt: skip
            return payment
    old_id = payment.stripe_intent_id
    assert old_id
    card = stripe_api.intent_retrieve(old_id)
    key = payment.idempotency_key(f"renew:{old_id}")
    new = stripe_api.intent_create(
        amount=booking.price_total, currency=payment.currency, reference=booking.reference,
        idempotency_key=key, customer=card.customer, payment_method=card.payment_method,
    )  # fmt: skip
    new = _confirm_saved_card(new.id, key=f"{key}:confirm")
    if new.status != "requires_capture":
        return _renewal_refused(payment, old_id, new, now)
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, stripe_intent_id=old_id).update(
            stripe_intent_id=new.id, held_at=now
        )
        payment_apply_intent(new)
    _release(old_id, key=payment.idempotency_key(f"cancel:{old_id}"))
    return payment_fresh(payment)


def _renewal_refused(payment: Payment, old_id: str, new: IntentState, now: datetime) -> Payment:
    message = new.error or _("The bank asks the customer to confirm.")
    with transaction.atomic():
        changed = Payment.objects.filter(
            pk=payment.pk, stripe_intent_id=old_id, status=Status.AUTHORIZED
        ).update(status=Status.FAILED, failure_message=message, updated_at=now)
        payment = payment_fresh(payment)
        if changed:
            notify_hold_failed(payment)
    _release(new.id, key=payment.idempotency_key(f"cancel:{new.id}"))
    _release(old_id, key=payment.idempotency_key(f"cancel:{old_id}"))
    return payment


def _release(intent_id: str, *, key: str) -> None:
    """Let go of a hold we no longer use; if Stripe is away, the hold lapses by itself."""
    try:
        stripe_api.intent_cancel(intent_id, idempotency_key=key)
    except ProviderError as error:
        logger.warning("could not release the card hold %s: %s", intent_id, error.message)


def _hold_failed(payment: Payment, message: str) -> Payment:
    with transaction.atomic():
        changed = _set_status(payment, Status.FAILED, message)
        payment = payment_fresh(payment)
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
