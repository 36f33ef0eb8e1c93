"""Paying by card in the browser (against localstripe): the choice at the quote, the card
page, coming back from it (reserved, declined), and paying by invoice instead."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, ServiceCategory
from helpers.models import HelperProfile
from notifications.models import Notification
from payments.card import card_confirm
from payments.models import Payment
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.factories import AvailabilityWindowFactory, HelperProfileFactory, UserFactory
from tests.payments.test_card import DECLINED, THREE_D_SECURE, VISA, a_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client: Any, catalogue: None) -> Any:
    helper = HelperProfileFactory(tier=HelperProfile.Tier.PRO, radius_km=50,
                                  skills=list(ServiceCategory.objects.all()))  # fmt: skip
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    return user


def book_by_card(client: Any) -> tuple[Booking, Any]:
    fill_wizard(client)
    response = client.post(reverse("bookings:quote"), {**confirm_data(client), "method": "card"})
    return Booking.objects.get(), response


def test_with_stripe_on_the_customer_chooses_card_and_lands_on_the_card_page(
    client: Any, customer: Any, stripe_on: str
) -> None:
    fill_wizard(client)
    quote = client.get(reverse("bookings:quote")).content.decode()
    assert "By card – the amount is only reserved now" in quote
    booking, response = book_by_card(client)
    assert response["Location"] == reverse("bookings:pay", args=[booking.reference])
    assert (booking.status, booking.payment_method) == ("requested", "card")
    payment = Payment.objects.get(booking=booking)
    assert payment.stripe_intent_id and payment.amount == booking.price_total
    assert not Notification.objects.filter(kind=Notification.Kind.BOOKING_RECEIVED).exists()
    detail = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert "Enter your card to complete the booking" in detail
    deadline = timezone.localtime(booking.created_at + timedelta(hours=1)).strftime("%H:%M")
    assert f"Without a card by {deadline}, the booking is cancelled" in detail

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-secret="pi_' in page.content.decode()
    script_src = page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "https://js.stripe.com" in script_src
    # Only this page lets Stripe's script in.
    other = client.get(reverse("bookings:detail", args=[booking.reference]))
    assert "stripe.com" not in other["Content-Security-Policy"]


def test_coming_back_with_the_amount_reserved_starts_the_search(
    client: Any, customer: Any, stripe_on: str
) -> None:
    booking, _response = book_by_card(client)
    card_confirm(payment=Payment.objects.get(booking=booking), payment_method=a_card(VISA))
    response = client.get(reverse("bookings:pay_done", args=[booking.reference]), follow=True)
    assert "The amount is reserved on your card" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "searching"
    assert Notification.objects.filter(kind=Notification.Kind.BOOKING_RECEIVED).count() == 1
    # Coming back twice (reload) changes nothing.
    client.get(reverse("bookings:pay_done", args=[booking.reference]))
    assert Notification.objects.filter(kind=Notification.Kind.BOOKING_RECEIVED).count() == 1


def test_a_declined_card_leaves_the_booking_waiting_with_the_banks_words(
    client: Any, customer: Any, stripe_on: str
) -> None:
    booking, _response = book_by_card(client)
    card_confirm(payment=Payment.objects.get(booking=booking), payment_method=a_card(DECLINED))
    response = client.get(reverse("bookings:pay_done", args=[booking.reference]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("bookings:pay", args=[booking.reference])
    assert "Your card was not accepted" in page
    assert "Pay by invoice after the visit instead" in page
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_paying_by_invoice_instead_releases_the_card_and_starts_the_search(
    client: Any, customer: Any, stripe_on: str
) -> None:
    booking, _response = book_by_card(client)
    response = client.post(reverse("bookings:pay_by_invoice", args=[booking.reference]))
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    booking.refresh_from_db()
    assert (booking.status, booking.payment_method) == ("searching", "invoice")
    assert Payment.objects.get(booking=booking).status == Payment.Status.CANCELED


def test_someone_elses_card_page_is_a_404(client: Any, customer: Any, stripe_on: str) -> None:
    booking, _response = book_by_card(client)
    client.force_login(UserFactory())
    for name in ("bookings:pay", "bookings:pay_done"):
        assert client.get(reverse(name, args=[booking.reference])).status_code == 404
    assert client.post(reverse("bookings:pay_by_invoice",
                               args=[booking.reference])).status_code == 404  # fmt: skip
    booking.refresh_from_db()
    assert (booking.status, booking.payment_method) == ("requested", "card")


def test_without_stripe_there_is_no_card_choice_and_a_forged_one_is_refused(
    client: Any, customer: Any, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""
    fill_wizard(client)
    assert "By card" not in client.get(reverse("bookings:quote")).content.decode()
    response = client.post(reverse("bookings:quote"), {**confirm_data(client), "method": "card"})
    assert response.status_code == 200
    assert "Please choose how to pay." in response.content.decode()
    assert not Booking.objects.exists()


def test_back_before_the_bank_confirmed_the_card_the_booking_keeps_waiting(
    client: Any, customer: Any, stripe_on: str
) -> None:
    booking, _response = book_by_card(client)
    payment = Payment.objects.get(booking=booking)
    card_confirm(payment=payment, payment_method=a_card(THREE_D_SECURE))
    response = client.get(reverse("bookings:pay_done", args=[booking.reference]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bookings:pay", args=[booking.reference])
    assert "Your bank has not confirmed the card yet." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "requested"
    assert Payment.objects.get(booking=booking).status == Payment.Status.REQUIRES_ACTION
