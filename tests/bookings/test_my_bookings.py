"""A customer's own bookings: list, detail, cancel, move; nobody else's."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    return user


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_does_not_grow(client, customer, count, django_assert_max_num_queries):
    statuses = ["searching", "confirmed", "completed", "cancelled", "unfulfilled"]
    for i in range(count):
        BookingFactory(customer=customer, status=statuses[i % len(statuses)])
    BookingFactory()  # someone else's
    with django_assert_max_num_queries(6):
        response = client.get(reverse("bookings:list"))
    upcoming, past = response.context["upcoming"], response.context["past"]
    assert len(upcoming) + len(past) == count
    assert all(b.customer_id == customer.pk for b in upcoming + past)
    assert all(not b.is_final for b in upcoming) and all(b.is_final for b in past)


def test_list_empty_state(client, customer) -> None:
    response = client.get(reverse("bookings:list"))
    assert response.status_code == 200
    assert reverse("bookings:catalogue") in response.content.decode()


def test_detail_shows_status_timeline_price_and_helper(client, customer) -> None:
    booking = BookingFactory(customer=customer, status="confirmed")
    booking.helper.user.first_name, booking.helper.user.last_name = "Lena", "Schneider"
    booking.helper.user.save()
    BookingEvent.objects.create(booking=booking, from_status="searching", to_status="confirmed",
                                role="helper", actor=booking.helper.user)  # fmt: skip
    response = client.get(reverse("bookings:detail", args=[booking.reference]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lena S." in body
    assert "Schneider" not in body
    assert booking.visit_code in body
    assert "CHF" in body and booking.street in body
    assert str(Booking.Status.CONFIRMED.label) in body


@pytest.mark.parametrize("name", ["detail", "cancel", "reschedule"])
def test_someone_elses_booking_is_404(client, customer, name: str) -> None:
    other = BookingFactory()
    assert client.get(reverse(f"bookings:{name}", args=[other.reference])).status_code == 404
    assert client.post(reverse(f"bookings:{name}", args=[other.reference])).status_code == 404
    other.refresh_from_db()
    assert other.status == Booking.Status.SEARCHING


def test_pages_need_login(client) -> None:
    booking = BookingFactory()
    for url in (reverse("bookings:list"), reverse("bookings:detail", args=[booking.reference])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_cancel_shows_fee_before_confirming(client, customer) -> None:
    soon = timezone.now() + timedelta(hours=5)
    booking = BookingFactory(customer=customer, status="confirmed", starts_at=soon)
    response = client.get(reverse("bookings:cancel", args=[booking.reference]))
    assert response.status_code == 200
    assert response.context["terms"].fee == booking.price_base // 2
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # nothing happened yet


FREE = "Cancelling is free of charge."
LATE = (
    "Cancelling now costs CHF 39.50 (50% of the visit price), because the visit starts in less "
    "than 24 hours."
)
EN_ROUTE = "Your helper is already on the way, so the full visit price of CHF 79.00 is charged."


@pytest.mark.parametrize(
    ("status", "starts_in", "sentence"),
    [
        pytest.param("confirmed", timedelta(days=3), FREE, id="free"),
        pytest.param("confirmed", timedelta(hours=5), LATE, id="late"),
        pytest.param("en_route", timedelta(hours=2), EN_ROUTE, id="en_route"),
    ],
)
def test_the_cancel_page_says_what_cancelling_costs_and_why(
    client, customer, status: str, starts_in: timedelta, sentence: str
) -> None:
    booking = BookingFactory(customer=customer, status=status, starts_at=timezone.now() + starts_in)
    response = client.get(reverse("bookings:cancel", args=[booking.reference]))
    body = " ".join(response.content.decode().split())  # also the no-break space after CHF
    assert [text for text in (FREE, LATE, EN_ROUTE) if text in body] == [sentence]


def test_cancel_twice_is_a_no_op(client, customer, django_capture_on_commit_callbacks) -> None:
    booking = BookingFactory(customer=customer)
    url = reverse("bookings:cancel", args=[booking.reference])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"reason": "Es geht wieder.", "expected_fee": 0})
    second = client.post(url, {"reason": "nochmal", "expected_fee": 0}, follow=True)
    booking.refresh_from_db()
    assert first.status_code == 302
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_fee == 0 and booking.cancellation_reason == "Es geht wieder."
    assert booking.events.filter(to_status="cancelled").count() == 1
    assert "already cancelled" in second.content.decode()
    assert len(mail.outbox) == 1


def test_cancel_is_refused_when_the_fee_rose_since_the_page_was_shown(client, customer) -> None:
    # The page said "free" (no helper yet); meanwhile a helper accepted a visit 5 h away.
    booking = BookingFactory(customer=customer, starts_at=timezone.now() + timedelta(hours=5))
    page = client.get(reverse("bookings:cancel", args=[booking.reference]))
    assert page.context["terms"].fee == 0
    BookingFactory._meta.model.objects.filter(pk=booking.pk).update(
        status="confirmed", helper=BookingFactory(status="confirmed").helper
    )
    response = client.post(
        reverse("bookings:cancel", args=[booking.reference]),
        {"reason": "", "expected_fee": 0},
        follow=True,
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert "fee has changed" in response.content.decode()
    assert response.context["terms"].fee == booking.price_base // 2


def test_completed_booking_cannot_be_cancelled(client, customer) -> None:
    booking = BookingFactory(customer=customer, status="completed")
    response = client.post(
        reverse("bookings:cancel", args=[booking.reference]), {"expected_fee": 0}, follow=True
    )
    assert "can no longer be cancelled" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED


def _new_slot(days: int = 5) -> dict[str, str]:
    day = timezone.localdate() + timedelta(days=days)
    return {"date": day.isoformat(), "time": "15:30"}


def test_move_a_searching_booking(client, customer) -> None:
    booking = BookingFactory(customer=customer)
    response = client.post(reverse("bookings:reschedule", args=[booking.reference]), _new_slot())
    assert response.status_code == 302
    booking.refresh_from_db()
    local = timezone.localtime(booking.starts_at)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == tuple(_new_slot().values())
    assert booking.reschedule_count == 1 and booking.status == Booking.Status.SEARCHING


def test_move_bad_time_shows_error_and_changes_nothing(client, customer) -> None:
    booking = BookingFactory(customer=customer)
    starts_at = booking.starts_at
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        reverse("bookings:reschedule", args=[booking.reference]), {"date": day, "time": "22:00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    booking.refresh_from_db()
    assert (booking.starts_at, booking.reschedule_count) == (starts_at, 0)


def test_confirmed_visit_cannot_move_within_24_hours(client, customer) -> None:
    soon = timezone.now() + timedelta(hours=20)
    booking = BookingFactory(customer=customer, status="confirmed", starts_at=soon)
    response = client.get(reverse("bookings:reschedule", args=[booking.reference]), follow=True)
    assert "24 hours" in response.content.decode()
    booking.refresh_from_db()
    assert booking.reschedule_count == 0


def test_visit_without_helper_can_move_within_24_hours(client, customer) -> None:
    booking = BookingFactory(customer=customer, starts_at=timezone.now() + timedelta(hours=20))
    response = client.post(reverse("bookings:reschedule", args=[booking.reference]), _new_slot())
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.reschedule_count == 1


def test_third_move_is_refused(client, customer) -> None:
    booking = BookingFactory(customer=customer, reschedule_count=2)
    response = client.post(
        reverse("bookings:reschedule", args=[booking.reference]), _new_slot(), follow=True
    )
    assert "already been moved twice" in response.content.decode()
    booking.refresh_from_db()
    assert booking.reschedule_count == 2


def test_moving_twice_to_the_same_time_counts_once(client, customer) -> None:
    booking = BookingFactory(customer=customer, status="confirmed")
    url = reverse("bookings:reschedule", args=[booking.reference])
    client.post(url, _new_slot())
    client.post(url, _new_slot())  # double click: the booking is now SEARCHING at that time
    booking.refresh_from_db()
    assert booking.reschedule_count == 1
    assert booking.events.filter(data__has_key="rescheduled").count() == 1


def test_moving_keeps_the_accepted_price(client, customer) -> None:
    booking = BookingFactory(customer=customer)
    accepted = (booking.price_base, booking.price_total, booking.commission)
    booking.service.price += 2000  # staff raise the price after the customer booked
    booking.service.save()
    client.post(reverse("bookings:reschedule", args=[booking.reference]), _new_slot())
    booking.refresh_from_db()
    assert booking.reschedule_count == 1
    assert (booking.price_base, booking.price_total, booking.commission) == accepted


def test_moving_a_last_minute_visit_drops_the_surcharge(client, customer) -> None:
    booking = BookingFactory(
        customer=customer, timing="asap", starts_at=timezone.now(), price_surcharge=1580
    )
    client.post(reverse("bookings:reschedule", args=[booking.reference]), _new_slot())
    booking.refresh_from_db()
    assert booking.price_surcharge == 0
    assert booking.price_total == booking.price_base
    assert booking.commission == (booking.price_total * 20 + 50) // 100


def test_an_asap_booking_nobody_took_shows_when_it_was_booked_not_an_invented_slot(
    client, customer
) -> None:
    booked = timezone.now() - timedelta(hours=3)
    booking = BookingFactory(customer=customer, status="cancelled", timing="asap",
                             created_at=booked, starts_at=booked,
                             ends_at=booked + timedelta(hours=1))  # fmt: skip
    body = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    booked_local = timezone.localtime(booked)
    assert "As soon as possible (booked " in body
    assert booked_local.strftime("%H:%M") + "–" not in body  # no "09:10–10:10" slot


def test_moving_an_asap_booking_says_so_and_states_the_price_change_first(client, customer) -> None:
    now = timezone.now()
    booking = BookingFactory(customer=customer, timing="asap", starts_at=now,
                             ends_at=now + timedelta(hours=1), price_surcharge=1580)  # fmt: skip
    assert booking.price_total == 9480
    page = client.get(reverse("bookings:reschedule", args=[booking.reference])).content.decode()
    assert "you then pay CHF\xa079.00 instead of CHF\xa094.80" in page  # before confirming
    response = client.post(reverse("bookings:reschedule", args=[booking.reference]), _new_slot(),
                           follow=True)  # fmt: skip
    body = response.content.decode()
    assert "The last-minute surcharge no longer applies: you now pay CHF\xa079.00." in body
    assert "Moved from “as soon as possible”" in body
    booking.refresh_from_db()
    assert (booking.price_total, booking.price_surcharge) == (7900, 0)
