"""The card page of a booking paid by card (DESIGN §7): Stripe's Payment Element takes the
card in the browser (the only page whose Content-Security-Policy lets Stripe's script in), the
bank may ask for 3-D Secure on its own page, and the customer comes back to ``pay_done``,
where what Stripe says now decides: the amount is reserved and the search starts, or the card
was declined and they try another one, or pay by invoice instead."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking
from bookings.selectors import bookings_for_customer
from bookings.services import BookingError
from bookings.services.creation import booking_card_returned, booking_pay_by_invoice
from payments.card import card_client_secret
from payments.models import Payment
from payments.stripe_api import ProviderError


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


STRIPE_ORIGINS = sorted({_origin(settings.STRIPE_JS_URL), "https://js.stripe.com"})
# Stripe's script, its frames (the card fields, 3-D Secure) and its API, on this page only.
PAY_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE, *STRIPE_ORIGINS],
    "frame-src": [*STRIPE_ORIGINS, "https://hooks.stripe.com"],
    "connect-src": [CSP.SELF, *STRIPE_ORIGINS, "https://api.stripe.com",
                    *([_origin(settings.STRIPE_API_BASE)] if settings.STRIPE_API_BASE else [])],
}  # fmt: skip


def _waiting_for_card(request: HttpRequest, reference: str) -> tuple[Booking, Payment | None]:
    booking = get_object_or_404(bookings_for_customer(request.user), reference=reference)
    return booking, _visit_payment(booking)


def _visit_payment(booking: Booking) -> Payment | None:
    return Payment.objects.filter(booking=booking, purpose=Payment.Purpose.VISIT).first()


def _done_with_card(booking: Booking) -> bool:
    return booking.status != Booking.Status.REQUESTED or booking.payment_method != "card"


@login_required
@require_GET
@csp_override(PAY_CSP)
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    booking, payment = _waiting_for_card(request, reference)
    if _done_with_card(booking):
        return redirect("bookings:detail", reference=booking.reference)
    secret, unavailable = "", False
    try:
        secret = card_client_secret(payment or Payment(booking=booking))
    except ProviderError:
        unavailable = True
    payment = _visit_payment(booking)
    return render(request, "bookings/pay.html", {
        "booking": booking, "payment": payment, "client_secret": secret,
        "unavailable": unavailable, "stripe_js": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "kind": "setup" if payment and payment.stripe_setup_intent_id and
                not payment.stripe_intent_id else "payment",
        "return_url": settings.SITE_URL.rstrip("/")
                      + reverse("bookings:pay_done", args=[booking.reference]),
        "declined": payment.failure_message if payment and
                    payment.status == Payment.Status.FAILED else "",
    })  # fmt: skip


@login_required
@require_GET
def pay_done(request: HttpRequest, reference: str) -> HttpResponse:
    """Back from the card form or the bank: whatever the address says, Stripe is asked."""
    booking, _payment = _waiting_for_card(request, reference)
    if _done_with_card(booking):
        return redirect("bookings:detail", reference=booking.reference)
    try:
        result = booking_card_returned(booking=booking)
    except ProviderError:
        messages.error(request, _("We could not reach the card service. Please try again."))
        return redirect("bookings:pay", reference=booking.reference)
    if result is None:
        return redirect("bookings:detail", reference=booking.reference)
    if result.secured:
        messages.success(request, _("Thank you! The amount is reserved on your card and your "
                                    "booking %(reference)s is in. We are now looking for a "
                                    "helper.") % {"reference": booking.reference})  # fmt: skip
        return redirect("bookings:detail", reference=booking.reference)
    if result.payment.status == Payment.Status.FAILED:
        messages.error(request, result.payment.failure_message
                       or _("Your card was declined. Please try another card."))  # fmt: skip
    else:
        messages.info(request, _("Your bank has not confirmed the card yet. Please try again."))
    return redirect("bookings:pay", reference=booking.reference)


@login_required
@require_POST
def pay_by_invoice(request: HttpRequest, reference: str) -> HttpResponse:
    booking, _payment = _waiting_for_card(request, reference)
    if not _done_with_card(booking):
        try:
            booking_pay_by_invoice(booking=booking, user=request.user)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect("bookings:pay", reference=booking.reference)
        messages.success(request, _("You pay by invoice after the visit. Your booking "
                                    "%(reference)s is in; we are now looking for a helper.")
                         % {"reference": booking.reference})  # fmt: skip
    return redirect("bookings:detail", reference=booking.reference)
