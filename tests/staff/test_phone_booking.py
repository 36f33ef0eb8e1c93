"""Staff book for a customer who phones in: one admin page, the quote read out from it, then
a booking like any other; a new caller gets an account and a link to choose a password."""

from datetime import time, timedelta
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.services import BookingError
from customers.models import User
from helpers.models import HelperProfile
from mila.lib.money import format_chf
from tests.factories import (
    AvailabilityWindowFactory,
    HelperProfileFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:bookings_booking_phone")


@pytest.fixture
def service(db: None) -> Any:
    """Wi-Fi set-up, CHF 79.00 with a Friend, and a helper in Zürich who does it."""
    service = ServiceFactory()
    helper = HelperProfileFactory(
        tier=HelperProfile.Tier.PRO, radius_km=50, skills=[service.category]
    )
    for weekday in range(7):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(7), ends=time(21))
    return service


def answers(chosen: Any, /, **changes: Any) -> dict[str, Any]:
    """A caller new to Mila, booking Wi-Fi set-up in Zürich three days from now at 10:00."""
    day = timezone.localdate() + timedelta(days=3)
    data = {
        "email": "Rosa.Keller@Example.ch", "first_name": "Rosa", "last_name": "Keller",
        "language": "fr", "service": chosen.pk,
        "problem": "Das WLAN im Schlafzimmer bricht ständig ab.",
        "timing": "scheduled", "date": day.isoformat(), "time": "10:00",
        "street": "Bahnhofstrasse 1", "postcode": "8001", "city": "", "country": "CH",
        "phone": "079 123 45 67", "key": "6f1c3a52-3d1e-4b0e-9a43-1f7d8e1c2b3a",
    }  # fmt: skip
    return {**data, **changes}


def show_price(client: Any, data: dict[str, Any]) -> Any:
    response = client.post(URL, {**data, "show_price": "1"})
    assert response.status_code == 200
    return response


def book(client: Any, data: dict[str, Any], tier: str = "friend") -> Any:
    """Show the price, then press the tier's Book button with what the page carries."""
    seen = show_price(client, data).context["form"].data["seen"]
    return client.post(URL, {**data, "seen": seen, "tier": tier})


def test_the_quote_is_read_out_from_the_same_page(client: Any, support: Any, service: Any) -> None:
    client.force_login(support)
    assert client.get(URL).status_code == 200
    page = show_price(client, answers(service)).content.decode()
    assert "Please read this out to the caller" in page
    assert f"Book a Friend · {format_chf(7900)}" in page
    assert "Book a Pro ·" in page
    assert "Cancelling is free of charge until" in page
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="rosa.keller@example.ch").exists()


def test_a_new_caller_is_booked_and_gets_a_link_to_choose_a_password(
    client: Any, support: Any, service: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(support)
    with django_capture_on_commit_callbacks(execute=True):
        response = book(client, answers(service))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:bookings_booking_change", args=[booking.pk])
    customer = booking.customer
    assert (customer.email, customer.first_name, customer.preferred_language) == (
        "rosa.keller@example.ch", "Rosa", "fr"
    )  # fmt: skip
    assert not customer.has_usable_password()
    assert not EmailAddress.objects.get(user=customer).verified
    assert (booking.status, booking.price_total, booking.tier) == ("searching", 7900, "friend")
    assert booking.offers.count() == 1  # from here on it runs like any other booking
    requested = booking.events.get(to_status=Booking.Status.REQUESTED)
    assert (requested.actor, requested.role, requested.data) == (
        support, BookingEvent.Role.STAFF, {"by_phone": True}
    )  # fmt: skip

    [email] = [m for m in mail.outbox if m.to == ["rosa.keller@example.ch"]]
    assert "Notre équipe a réservé la visite pour vous" in email.body  # in the caller's language
    assert "Choisir mon mot de passe" in email.body
    link = next(word for word in email.body.split() if "/accounts/password/reset/key/" in word)
    path = link.split("127.0.0.1:8000", 1)[-1]

    # The customer takes over in the browser: choose a password, then log in.
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "ein-langes-Passwort-42", "password2": "ein-langes-Passwort-42"},
    )
    assert set_password.status_code == 302
    customer.refresh_from_db()
    assert customer.has_usable_password()
    assert EmailAddress.objects.get(user=customer).verified
    assert client.login(email="rosa.keller@example.ch", password="ein-langes-Passwort-42")
    mine = client.get(reverse("bookings:detail", args=[booking.reference]))
    assert mine.status_code == 200
    assert "Réservé pour vous par l’équipe Mila au téléphone" in mine.content.decode()


def test_an_existing_customer_is_found_by_e_mail_and_keeps_their_details(
    client: Any, support: Any, service: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna = UserFactory(email="anna@example.ch", first_name="Anna", preferred_language="en")
    client.force_login(support)
    page = show_price(client, answers(service, email="ANNA@example.ch", first_name="")).content
    assert "Existing customer: Anna" in page.decode()
    with django_capture_on_commit_callbacks(execute=True):
        book(client, answers(service, email="ANNA@example.ch", first_name="Zoe", language="de"))
    booking = Booking.objects.get()
    assert booking.customer == anna
    anna.refresh_from_db()
    assert (anna.first_name, anna.preferred_language) == ("Anna", "en")  # not Zoe, not German
    assert User.objects.filter(email__iexact="anna@example.ch").count() == 1
    [email] = [m for m in mail.outbox if m.to == ["anna@example.ch"]]
    assert "Our team has booked the visit for you" in email.body
    assert "/accounts/password/reset/key/" not in email.body  # Anna has a password


def test_changing_an_answer_after_the_price_was_read_out_books_nothing(
    client: Any, support: Any, service: Any
) -> None:
    client.force_login(support)
    seen = show_price(client, answers(service)).context["form"].data["seen"]
    changed = answers(service, time="11:00")
    response = client.post(URL, {**changed, "seen": seen, "tier": "friend"}, follow=True)
    assert response.status_code == 200
    assert "The details changed after the price was shown" in response.content.decode()
    assert "Please read this out to the caller" in response.content.decode()
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="rosa.keller@example.ch").exists()


def test_a_price_that_moved_since_it_was_read_out_books_nothing(
    client: Any, support: Any, service: Any
) -> None:
    client.force_login(support)
    seen = show_price(client, answers(service)).context["form"].data["seen"]
    service.price = 8900
    service.save()
    response = client.post(URL, {**answers(service), "seen": seen, "tier": "friend"})
    assert f"The price is now {format_chf(8900)} instead of {format_chf(7900)}" in (
        response.content.decode()
    )
    assert not Booking.objects.exists()


def test_a_forged_or_missing_quote_token_books_nothing(
    client: Any, support: Any, service: Any
) -> None:
    client.force_login(support)
    for seen in ("", "forged"):
        response = client.post(URL, {**answers(service), "seen": seen, "tier": "friend"})
        assert response.status_code == 200
    assert not Booking.objects.exists()


def test_pressing_book_twice_makes_one_booking(client: Any, support: Any, service: Any) -> None:
    client.force_login(support)
    data = answers(service)
    seen = show_price(client, data).context["form"].data["seen"]
    first = client.post(URL, {**data, "seen": seen, "tier": "friend"})
    second = client.post(URL, {**data, "seen": seen, "tier": "friend"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1
    assert User.objects.filter(email="rosa.keller@example.ch").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Please enter the first name for the new account."),
        ({"email": "not-an-address"}, "email", "Please enter a valid e-mail address."),
        ({"service": "999999"}, "service", "Please choose one of the services."),
        ({"postcode": "9999"}, "postcode", "We don't know the postcode 9999 in Switzerland."),
        ({"postcode": "1201", "city": ""}, "postcode", "We have no helpers near 1201 yet."),
        ({"city": "Genève"}, "city", "8001 is Zürich, not Genève."),
        ({"problem": "kaputt"}, "problem", "Please write a little more (at least 10 characters)."),
        ({"time": ""}, "time", "Please choose a start time."),
        ({"date": "2020-01-01"}, "date", "This time has already passed."),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_is_saved(
    client: Any, support: Any, service: Any, changes: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(support)
    response = client.post(URL, {**answers(service, **changes), "tier": "friend"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="rosa.keller@example.ch").exists()


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ({"is_active": False}, "is closed"),
        ({"is_staff": True}, "belongs to a staff account"),
    ],
)
def test_no_booking_for_a_closed_or_a_staff_account(
    client: Any, support: Any, service: Any, account: dict[str, Any], message: str
) -> None:
    UserFactory(email="rosa.keller@example.ch", **account)
    client.force_login(support)
    response = client.post(URL, {**answers(service), "show_price": "1"})
    assert message in " ".join(response.context["form"].errors["email"])
    assert not Booking.objects.exists()


def test_a_booking_refused_at_the_last_moment_leaves_no_account_behind(
    client: Any, support: Any, service: Any
) -> None:
    client.force_login(support)
    data = answers(service)
    seen = show_price(client, data).context["form"].data["seen"]
    refused = BookingError("We have no helpers near 8001 yet.", code="coverage")
    with mock.patch("bookings.services.creation._validate", side_effect=refused):
        response = client.post(URL, {**data, "seen": seen, "tier": "friend"})
    assert "We have no helpers near 8001 yet." in response.content.decode()
    assert not Booking.objects.exists()
    assert not User.objects.filter(email="rosa.keller@example.ch").exists()


def test_only_who_may_book_for_callers_sees_and_uses_the_page(
    client: Any, onboarding: Any, support: Any, service: Any
) -> None:
    client.force_login(onboarding)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**answers(service), "tier": "friend"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 302  # to the admin login
    client.logout()
    assert client.post(URL, answers(service)).status_code == 302
    assert not Booking.objects.exists()
    client.force_login(support)
    changelist = client.get(reverse("admin:bookings_booking_changelist")).content.decode()
    assert URL in changelist
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(URL).status_code == 200


def test_the_admin_home_page_offers_it_to_support_only(
    client: Any, support: Any, onboarding: Any
) -> None:
    client.force_login(support)
    assert URL in client.get(reverse("admin:index")).content.decode()
    client.force_login(onboarding)
    assert URL not in client.get(reverse("admin:index")).content.decode()
