"""A booking is made from exactly what the customer saw on the quote page.

The attack: fill the wizard for Wi-Fi setup (CHF 79.00), open ``/book/start/new-computer/``
in the same session (another tab, or a link from another site: Lax cookies are sent), then
post the first tab's confirm. That must not create a New computer booking at CHF 149.00.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Service, ServiceCategory
from helpers.models import HelperProfile
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.factories import HelperProfileFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
ZURICH = ZoneInfo("Europe/Zurich")
CHANGED = "Your booking changed in another window — please check it again."


@pytest.fixture(autouse=True)
def _helpers_nearby() -> None:
    """A Pro in Zürich who does every kind of job, so the address is covered."""
    HelperProfileFactory(tier=HelperProfile.Tier.PRO, skills=list(ServiceCategory.objects.all()))


@pytest.fixture
def customer(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    return user


def _slot(days: int = 3, hour: int = 10) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZURICH)


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_link_to_another_service_asks_before_replacing_the_booking(client, customer) -> None:
    fill_wizard(client)
    seen = confirm_data(client)
    response = client.get(reverse("bookings:start", args=["new-computer"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Book another service?" in body
    assert "Continue with" in body and reverse("bookings:quote") in body
    assert client.session["booking_draft"]["service"] == "wifi-setup"  # nothing replaced

    # The first tab's confirm still books what it showed.
    response = client.post(reverse("bookings:quote"), seen)
    booking = Booking.objects.get()
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    assert (booking.service.slug, booking.price_base) == ("wifi-setup", 7900)


def test_a_confirm_from_before_a_switch_goes_back_to_the_quote(client, customer) -> None:
    fill_wizard(client)
    seen = confirm_data(client)
    switched = client.post(reverse("bookings:start", args=["new-computer"]))
    # Every answer is kept; the customer starts by checking the problem text still fits.
    assert switched["Location"] == reverse("bookings:step", args=["problem"])

    response = client.post(reverse("bookings:quote"), seen, follow=True)
    assert response.redirect_chain == [(reverse("bookings:quote"), 302)]
    assert CHANGED in response.content.decode()
    assert Booking.objects.count() == 0

    # Confirming what the quote shows now books the new service at its price.
    client.post(reverse("bookings:quote"), confirm_data(client))
    booking = Booking.objects.get()
    assert (booking.service.slug, booking.price_base) == ("new-computer", 14900)


@pytest.mark.parametrize(
    ("step", "answer"),
    [
        ("problem", {"problem": "Der Drucker druckt nur leere Seiten."}),
        ("address", {"street": "Limmatquai 2", "postcode": "8001", "city": "",
                     "country": "CH", "phone": "079 123 45 67"}),
        ("time", {"timing": "scheduled", "date": _slot(days=4).date().isoformat(),
                  "time": "11:00"}),
    ],
)  # fmt: skip
def test_any_answer_changed_in_another_window_is_noticed(client, customer, step, answer) -> None:
    fill_wizard(client)
    seen = confirm_data(client)
    client.post(reverse("bookings:step", args=[step]), answer)
    response = client.post(reverse("bookings:quote"), seen)
    assert response["Location"] == reverse("bookings:quote")
    assert _texts(response) == [CHANGED]
    assert Booking.objects.count() == 0


def test_a_price_change_since_the_quote_is_shown_before_booking(client, customer) -> None:
    fill_wizard(client)
    seen = confirm_data(client)
    Service.objects.filter(slug="wifi-setup").update(price=8900)  # staff edit the price list
    response = client.post(reverse("bookings:quote"), seen)
    assert response["Location"] == reverse("bookings:quote")
    [text] = _texts(response)
    assert "89.00" in text and "79.00" in text
    assert Booking.objects.count() == 0
    client.post(reverse("bookings:quote"), confirm_data(client))
    assert Booking.objects.get().price_base == 8900


@pytest.mark.parametrize("seen", ["", "forged", "e30:1tX9Yx:abc"])
def test_a_missing_or_forged_seen_value_books_nothing(client, customer, seen) -> None:
    fill_wizard(client)
    data = confirm_data(client) | {"seen": seen}
    response = client.post(reverse("bookings:quote"), data)
    assert response["Location"] == reverse("bookings:quote")
    assert _texts(response) == [CHANGED]
    assert Booking.objects.count() == 0


def test_a_seen_value_from_another_tier_books_nothing(client, customer) -> None:
    fill_wizard(client, slug="home-network")  # Pros only: the quote knows no Friend price
    data = confirm_data(client, tier="pro")
    assert client.post(reverse("bookings:quote"), data | {"tier": "friend"}).status_code == 200
    assert Booking.objects.count() == 0


def test_without_a_booking_under_way_a_link_starts_at_once(client, customer) -> None:
    response = client.get(reverse("bookings:start", args=["new-computer"]))
    assert response["Location"] == reverse("bookings:step", args=["problem"])
    client.get(reverse("bookings:start", args=["wifi-setup"]))  # nothing answered yet
    assert client.session["booking_draft"]["service"] == "wifi-setup"


def test_the_same_service_again_continues_the_booking(client, customer) -> None:
    fill_wizard(client)
    response = client.get(reverse("bookings:start", args=["wifi-setup"]))
    assert response["Location"] == reverse("bookings:step", args=["problem"])
    assert client.session["booking_draft"]["problem"] == "Das WLAN geht nicht."


def test_switching_to_a_longer_visit_asks_the_time_again_if_it_no_longer_fits(
    client, customer
) -> None:
    fill_wizard(client, when=_slot(hour=20))  # Wi-Fi setup: 60 min, 20:00–21:00 fits
    response = client.post(reverse("bookings:start", args=["new-computer"]))  # 120 min
    assert response["Location"] == reverse("bookings:step", args=["time"])
    [text] = _texts(response)
    assert "the latest start for this visit is 19:00" in text
    assert "timing" not in client.session["booking_draft"]
    assert client.session["booking_draft"]["problem"] == "Das WLAN geht nicht."


def test_switching_keeps_a_time_that_still_fits(client, customer) -> None:
    fill_wizard(client, when=_slot(hour=10))
    response = client.post(reverse("bookings:start", args=["new-computer"]))
    assert response["Location"] == reverse("bookings:step", args=["problem"])
    assert _texts(response) == []
    assert client.session["booking_draft"]["time"] == "10:00"


def test_each_book_button_repeats_its_total(client, customer) -> None:
    fill_wizard(client)
    body = client.get(reverse("bookings:quote")).content.decode().replace("\xa0", " ")
    assert "Book a Friend · CHF 79.00" in body
    assert "Book a Pro · CHF 98.75" in body
    fill_wizard(client, slug="home-network")
    client.post(reverse("bookings:start", args=["home-network"]))
    body = client.get(reverse("bookings:quote")).content.decode().replace("\xa0", " ")
    assert "Book now · CHF 199.00" in body
