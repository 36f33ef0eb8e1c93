"""The booking wizard as a visitor uses it: pages, bad input, confirm, idempotent submit."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from bookings.forms import TimingForm
from bookings.models import Booking, Service
from notifications.models import Notification
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue", "helper_in_zurich")]
ZURICH = ZoneInfo("Europe/Zurich")


@pytest.fixture(autouse=True)
def _asap_always_open(monkeypatch: pytest.MonkeyPatch) -> None:
    # "As soon as possible" is offered 07:00–20:00; these tests must not depend on the clock.
    monkeypatch.setattr("bookings.forms.asap_available", lambda *args, **kwargs: True)
    monkeypatch.setattr("bookings.services.creation.asap_available", lambda *a, **k: True)


def _future_slot(days: int = 3, hour: int = 10, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZURICH)


def test_catalogue_and_service_pages(client, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(3):
        response = client.get(reverse("bookings:catalogue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert Service.objects.filter(active=True).count() >= 20
    assert "WLAN einrichten" in body
    assert reverse("bookings:start", args=["wifi-setup"]) in body
    page = client.get(reverse("bookings:service", args=["wifi-setup"]))
    assert page.status_code == 200 and "CHF" in page.content.decode()


def test_inactive_service_is_not_bookable(client) -> None:
    Service.objects.filter(slug="wifi-setup").update(active=False)
    assert client.get(reverse("bookings:service", args=["wifi-setup"])).status_code == 404
    assert client.get(reverse("bookings:start", args=["wifi-setup"])).status_code == 404
    assert "WLAN einrichten" not in client.get(reverse("bookings:catalogue")).content.decode()


def test_steps_cannot_be_skipped(client) -> None:
    response = client.get(reverse("bookings:step", args=["time"]))
    assert response["Location"] == reverse("bookings:catalogue")
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    response = client.get(reverse("bookings:quote"))
    assert response["Location"] == reverse("bookings:step", args=["problem"])


def test_anonymous_visitor_sees_quote_then_must_sign_up(client) -> None:
    fill_wizard(client, timing="asap")
    response = client.get(reverse("bookings:quote"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "CHF" in body and "/accounts/signup/?next=" in body
    response = client.post(reverse("bookings:quote"), confirm_data(client))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signup/")
    assert Booking.objects.count() == 0


def test_logged_in_customer_books_asap(
    client, django_capture_on_commit_callbacks, enqueued
) -> None:
    customer = UserFactory(first_name="Ruth")
    client.force_login(customer)
    fill_wizard(client, timing="asap")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bookings:quote"), confirm_data(client))
    booking = Booking.objects.get()
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    assert booking.customer == customer
    assert booking.status == Booking.Status.SEARCHING
    assert booking.timing == Booking.Timing.ASAP
    assert (booking.price_base, booking.price_surcharge) == (7900, 1580)
    assert booking.price_total == 9480
    assert (booking.city, booking.phone) == ("Zürich", "+41791234567")
    assert Notification.objects.filter(recipient=customer, kind="booking_received").exists()
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert enqueued == [booking.pk]  # handed to matching once committed
    # The wizard is finished: its answers are gone.
    assert client.get(reverse("bookings:quote"))["Location"] == reverse("bookings:catalogue")


def test_scheduled_booking_for_a_pro(client) -> None:
    client.force_login(UserFactory())
    when = _future_slot()
    fill_wizard(client, when=when)
    client.post(reverse("bookings:quote"), confirm_data(client, "pro"))
    booking = Booking.objects.get()
    assert booking.starts_at == when
    assert booking.ends_at == when + timedelta(minutes=booking.service.duration_minutes)
    assert (booking.tier, booking.price_base, booking.price_surcharge) == ("pro", 9875, 0)


def test_double_submit_creates_one_booking(client) -> None:
    client.force_login(UserFactory())
    fill_wizard(client, timing="asap")
    data = confirm_data(client)
    first = client.post(reverse("bookings:quote"), data)
    second = client.post(reverse("bookings:quote"), data)
    assert Booking.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_tampered_price_and_service_are_ignored(client) -> None:
    client.force_login(UserFactory())
    fill_wizard(client, timing="asap")
    other = Service.objects.exclude(slug="wifi-setup").first()
    assert other is not None
    client.post(
        reverse("bookings:quote"),
        confirm_data(client) | {"price": "1", "price_total": "1", "service": other.pk,
                                "service_id": other.pk},
    )  # fmt: skip
    booking = Booking.objects.get()
    assert booking.service.slug == "wifi-setup"
    assert booking.price_total == 9480


def test_pro_only_service_cannot_be_booked_as_friend(client) -> None:
    client.force_login(UserFactory())
    fill_wizard(client, slug="home-network", timing="asap")
    response = client.post(reverse("bookings:quote"), confirm_data(client))
    assert response.status_code == 200
    assert "tier" in response.context["form"].errors
    assert Booking.objects.count() == 0


def test_script_in_problem_is_stored_as_text_and_escaped(client) -> None:
    client.force_login(UserFactory())
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    evil = "<script>alert('x')</script> Mein WLAN"
    client.post(reverse("bookings:step", args=["problem"]), {"problem": evil})
    client.post(
        reverse("bookings:step", args=["address"]),
        {"street": "Bahnhofstrasse 1", "postcode": "8001", "country": "CH", "phone": "0791234567"},
    )
    client.post(reverse("bookings:step", args=["time"]), {"timing": "asap"})
    client.post(reverse("bookings:quote"), confirm_data(client))
    booking = Booking.objects.get()
    assert booking.problem == evil
    body = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    ("problem", "message_part"),
    [("", "describe"), ("zu kurz", "10"), ("x" * 2001, "2000")],
)
def test_problem_bad_input(client, problem: str, message_part: str) -> None:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    response = client.post(
        reverse("bookings:step", args=["problem"]),
        {"problem": problem},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["problem"]
    assert any(message_part in e for e in errors)
    assert "problem" not in client.session.get("booking_draft", {})


@pytest.mark.parametrize(
    ("postcode", "country", "message_part"),
    [
        ("9999", "CH", "We don't know the postcode 9999"),
        ("10115", "CH", "is not a postcode in Switzerland"),
        ("00000", "DE", "We don't know the postcode 00000 in Germany"),
        ("8001", "DE", "is not a postcode in Germany"),
        ("", "CH", "Please enter your postcode"),
    ],
)
def test_address_bad_postcode(client, postcode: str, country: str, message_part: str) -> None:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})
    response = client.post(
        reverse("bookings:step", args=["address"]),
        {
            "street": "Hauptstrasse 1",
            "postcode": postcode,
            "country": country,
            "phone": "0791234567",
        },
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert any(message_part in e for e in response.context["form"].errors["postcode"])
    assert "postcode" not in client.session["booking_draft"]


def test_address_bad_phone(client) -> None:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})
    response = client.post(
        reverse("bookings:step", args=["address"]),
        {"street": "Hauptstrasse 1", "postcode": "8001", "country": "CH", "phone": "123"},
    )
    assert "phone" in response.context["form"].errors


def test_town_is_suggested_from_the_postcode(client) -> None:
    response = client.get(
        reverse("bookings:postcode_lookup"), {"postcode": "3011", "country": "CH"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "Bern" in body and "<html" not in body


def _time_error(client, data: dict[str, str]) -> list[str]:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})
    client.post(
        reverse("bookings:step", args=["address"]),
        {"street": "Hauptstrasse 1", "postcode": "8001", "country": "CH", "phone": "0791234567"},
    )
    response = client.post(
        reverse("bookings:step", args=["time"]),
        {"timing": "scheduled", **data},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "timing" not in client.session["booking_draft"]
    errors = response.context["form"].errors
    return [e for field in ("date", "time", "timing") for e in errors.get(field, [])]


def _slot(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(ZURICH)
    return {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}


@pytest.mark.parametrize(
    ("when", "message_part"),
    [
        (lambda: _future_slot(days=-1), "already passed"),
        (lambda: _future_slot(days=61), "at most 60 days"),
        (lambda: _future_slot(hour=6, minute=30), "between 07:00 and 21:00"),
        (lambda: _future_slot(hour=21, minute=30), "between 07:00 and 21:00"),
        (lambda: _future_slot(hour=10, minute=15), "full or half hour"),
    ],
)
def test_time_bad_input(client, when, message_part: str) -> None:
    errors = _time_error(client, _slot(when()))
    assert any(message_part in e for e in errors), errors


@pytest.mark.parametrize(("slug", "last", "one_slot_later"), [
    ("wifi-setup", "20:00", "20:30"),  # 60 minutes
    ("new-computer", "19:00", "19:30"),  # 120 minutes
])  # fmt: skip
def test_the_last_start_offered_lets_the_visit_end_by_21(
    client, slug: str, last: str, one_slot_later: str
) -> None:
    """Helpers come between 07:00 and 21:00: the visit must be over by 21:00."""
    assert fill_wizard(client, slug=slug, timing="asap").status_code == 302  # reach the time step
    page = client.get(reverse("bookings:step", args=["time"]))
    offered = [value for value, _label in page.context["form"].fields["time"].widget.choices]
    assert (offered[1], offered[-1]) == ("07:00", last)
    day = _future_slot().date().isoformat()
    refused = client.post(
        reverse("bookings:step", args=["time"]),
        {"timing": "scheduled", "date": day, "time": one_slot_later},
        headers={"accept-language": "en"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["time"] == [
        f"Our helpers come until 21:00, so the latest start for this visit is {last}."
    ]
    accepted = client.post(
        reverse("bookings:step", args=["time"]),
        {"timing": "scheduled", "date": day, "time": last},
    )
    assert accepted.status_code == 302
    assert client.session["booking_draft"]["time"] == last


def test_time_less_than_two_hours_ahead() -> None:
    """At 10:00, 11:30 is too soon (2 hours' notice); 12:00 is fine. The form is asked with
    that clock, so the test does not depend on the hour it runs at."""
    now = datetime.combine(timezone.localdate() + timedelta(days=1), time(10), tzinfo=ZURICH)
    for start, too_soon in (("11:30", True), ("12:00", False)):
        data = {"timing": "scheduled", "date": now.date().isoformat(), "time": start}
        with translation.override("en"):
            form = TimingForm(data, duration_minutes=60, now=now)
            errors = [str(e) for e in form.errors.get("time", [])]
        assert any("at least 2 hours" in e for e in errors) is too_soon, (start, errors)


def test_time_missing_date_and_time(client) -> None:
    errors = _time_error(client, {})
    assert any("choose a date" in e for e in errors)
    assert any("start time" in e for e in errors)
