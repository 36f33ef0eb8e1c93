"""Booking services as a caller sees them: rows, states, events, notifications and e-mails."""

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from bookings.services import (
    BookingError,
    BookingRequest,
    booking_cancel,
    booking_create,
    booking_reschedule,
    cancellation_preview,
)
from helpers.models import HelperProfile
from notifications.models import Notification
from payments.gateway import Authorization
from tests.factories import (
    BookingFactory,
    HelperProfileFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Booking.Status
R = BookingEvent.Role
Kind = Notification.Kind
TZ = ZoneInfo("Europe/Zurich")


# Every test that cancels or moves a booking goes through this lock.


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


# Tomorrow at 09:00 in Zürich: ASAP is offered, and "three days ahead at 10:00" is bookable.
NOW = local(timezone.localdate() + timedelta(days=1), 9)
IN_THREE_DAYS = local(NOW.date() + timedelta(days=3), 10)


def booking_request(**changes: Any) -> BookingRequest:
    defaults: dict[str, Any] = {
        "service": None,
        "tier": "friend",
        "problem": "Das WLAN bricht im Schlafzimmer immer wieder ab.",
        "street": "Limmatquai 1",
        "postcode": " 8001 ",
        "city": "",
        "country": "CH",
        "phone": "+41791234567",
        "timing": Booking.Timing.SCHEDULED,
        "starts_at": IN_THREE_DAYS,
    }
    request = BookingRequest(**{**defaults, **changes})
    if request.service is None:
        request = replace(request, service=ServiceFactory())
    # Someone who does this service lives in Zürich (a Pro, for the Pros-only services).
    category = request.service.category
    if not HelperProfile.objects.filter(skills=category).exists():
        HelperProfileFactory(tier=HelperProfile.Tier.PRO, skills=[category])
    return request


def events(booking: Booking) -> list[tuple[str, str, str, int | None]]:
    return list(
        BookingEvent.objects.filter(booking=booking)
        .order_by("pk")
        .values_list("from_status", "to_status", "role", "actor_id")
    )


def notified(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def row(booking: Booking) -> dict[str, Any]:
    return dict(Booking.objects.values().get(pk=booking.pk))


# --- booking_create --------------------------------------------------------------------------


def test_create_scheduled_booking(django_capture_on_commit_callbacks: Callable) -> None:
    customer = UserFactory()
    request = booking_request()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            customer=customer, request=request, idempotency_key=uuid.uuid4(), now=NOW
        )
    booking.refresh_from_db()
    assert booking.status == S.SEARCHING
    assert events(booking) == [
        ("", S.REQUESTED, R.CUSTOMER, customer.pk),
        (S.REQUESTED, S.SEARCHING, R.SYSTEM, None),
    ]
    assert (booking.customer, booking.service) == (customer, request.service)
    assert (booking.timing, booking.starts_at) == (Booking.Timing.SCHEDULED, IN_THREE_DAYS)
    assert booking.ends_at == IN_THREE_DAYS + timedelta(minutes=60)
    assert (booking.price_base, booking.price_surcharge, booking.price_extra) == (7900, 0, 0)
    assert (booking.price_total, booking.commission, booking.currency) == (7900, 1580, "CHF")
    assert (booking.postcode, booking.city, booking.country) == ("8001", "Zürich", "CH")
    assert (booking.lat, booking.lng) == (47.3721, 8.5417)
    assert booking.payment_method == "invoice"
    assert booking.helper is None
    assert (booking.created_at, booking.searching_at) == (NOW, NOW)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (customer, Kind.BOOKING_RECEIVED)
    assert notification.context["reference"] == booking.reference
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    assert booking.reference in mail.outbox[0].body


def test_create_asap_booking_has_the_last_minute_surcharge(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    customer = UserFactory()
    request = booking_request(timing=Booking.Timing.ASAP, starts_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            customer=customer, request=request, idempotency_key=uuid.uuid4(), now=NOW
        )
    booking.refresh_from_db()
    assert booking.status == S.SEARCHING
    assert (booking.timing, booking.starts_at) == (Booking.Timing.ASAP, NOW)
    assert booking.ends_at == NOW + timedelta(minutes=60)
    assert (booking.price_base, booking.price_surcharge, booking.price_total) == (7900, 1580, 9480)
    assert booking.commission == 1896
    assert [e[1] for e in events(booking)] == [S.REQUESTED, S.SEARCHING]
    assert notified(Kind.BOOKING_RECEIVED) == [customer.pk]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("timing", "base", "surcharge", "total"),
    [(Booking.Timing.SCHEDULED, 9875, 0, 9875), (Booking.Timing.ASAP, 9875, 1975, 11850)],
)
def test_a_pro_costs_25_percent_more(timing: str, base: int, surcharge: int, total: int) -> None:
    starts_at = IN_THREE_DAYS if timing == Booking.Timing.SCHEDULED else None
    request = booking_request(tier="pro", timing=timing, starts_at=starts_at)
    booking = booking_create(
        customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=NOW
    )
    booking.refresh_from_db()
    assert booking.tier == "pro"
    assert (booking.price_base, booking.price_surcharge, booking.price_total) == (
        base,
        surcharge,
        total,
    )
    assert booking.commission == total // 5


def test_a_pros_only_service_has_no_markup() -> None:
    service = ServiceFactory(pro_only=True, price=14900)
    booking = booking_create(
        customer=UserFactory(),
        request=booking_request(service=service, tier="pro"),
        idempotency_key=uuid.uuid4(),
        now=NOW,
    )
    booking.refresh_from_db()
    assert (booking.tier, booking.price_base, booking.price_total) == ("pro", 14900, 14900)
    assert booking.commission == 2980


def test_prices_come_from_the_server_not_the_request() -> None:
    service = ServiceFactory(price=12000, duration_minutes=90)
    booking = booking_create(
        customer=UserFactory(),
        request=booking_request(service=service),
        idempotency_key=uuid.uuid4(),
        now=NOW,
    )
    booking.refresh_from_db()
    assert (booking.price_base, booking.price_total, booking.commission) == (12000, 12000, 2400)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=90)


def test_the_town_is_kept_in_geonames_spelling() -> None:
    booking = booking_create(
        customer=UserFactory(),
        request=booking_request(city=" ZURICH ", postcode="CH-8001"),
        idempotency_key=uuid.uuid4(),
        now=NOW,
    )
    assert (booking.city, booking.postcode) == ("Zürich", "8001")


def test_a_booking_waits_in_requested_until_payment_is_secured() -> None:
    gateway = mock.Mock()
    gateway.authorize.return_value = Authorization(approved=False, method="card", note="3DS")
    customer = UserFactory()
    with mock.patch("bookings.services.creation.payment_gateway", return_value=gateway):
        booking = booking_create(
            customer=customer, request=booking_request(), idempotency_key=uuid.uuid4(), now=NOW
        )
    booking.refresh_from_db()
    assert (booking.status, booking.payment_method, booking.searching_at) == (
        S.REQUESTED,
        "card",
        None,
    )
    assert events(booking) == [("", S.REQUESTED, R.CUSTOMER, customer.pk)]
    gateway.authorize.assert_called_once_with(booking)


def test_same_key_twice_creates_one_booking(django_capture_on_commit_callbacks: Callable) -> None:
    customer = UserFactory()
    key = uuid.uuid4()
    request = booking_request()
    with django_capture_on_commit_callbacks(execute=True):
        first = booking_create(customer=customer, request=request, idempotency_key=key, now=NOW)
        again = booking_create(customer=customer, request=request, idempotency_key=key, now=NOW)
    assert again.pk == first.pk
    assert Booking.objects.count() == 1
    assert len(events(first)) == 2
    assert notified(Kind.BOOKING_RECEIVED) == [customer.pk]
    assert len(mail.outbox) == 1


def test_same_key_from_another_customer_is_refused() -> None:
    key = uuid.uuid4()
    request = booking_request()
    first = booking_create(customer=UserFactory(), request=request, idempotency_key=key, now=NOW)
    with pytest.raises(BookingError) as refused:
        booking_create(customer=UserFactory(), request=request, idempotency_key=key, now=NOW)
    assert refused.value.code == "key"
    assert list(Booking.objects.values_list("pk", flat=True)) == [first.pk]


def _pro_only() -> dict[str, Any]:
    return {"service": ServiceFactory(pro_only=True), "tier": "friend"}


def _inactive_service() -> dict[str, Any]:
    return {"service": ServiceFactory(active=False)}


def _inactive_category() -> dict[str, Any]:
    return {"service": ServiceFactory(category=ServiceCategoryFactory(active=False))}


def _at(hour: int, minute: int = 0, days: int = 3) -> Callable[[], dict[str, Any]]:
    return lambda: {"starts_at": local(NOW.date() + timedelta(days=days), hour, minute)}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (lambda: {"postcode": "9999"}, "postcode"),
        (lambda: {"postcode": "12"}, "postcode"),
        (lambda: {"postcode": "8001", "country": "DE"}, "postcode"),
        (lambda: {"postcode": "10115"}, "postcode"),  # Berlin, but the country says CH
        (_pro_only, "tier"),
        (_inactive_service, "service"),
        (_inactive_category, "service"),
        (_at(22), "time"),
        (_at(6, 30), "time"),
        (_at(10, 15), "time"),
        (_at(10, days=61), "time"),
        (lambda: {"starts_at": NOW + timedelta(hours=1)}, "time"),
        (lambda: {"starts_at": NOW - timedelta(days=1)}, "time"),
        (lambda: {"starts_at": None}, "time"),  # scheduled without a time
    ],
    ids=[
        "unknown-postcode",
        "malformed-postcode",
        "swiss-postcode-in-germany",
        "german-postcode-in-switzerland",
        "pro-only-for-a-friend",
        "inactive-service",
        "inactive-category",
        "22:00",
        "06:30",
        "10:15",
        "61-days-ahead",
        "in-one-hour",
        "yesterday",
        "no-time",
    ],
)
def test_invalid_request_creates_nothing(
    changes: Callable[[], dict[str, Any]], code: str, django_capture_on_commit_callbacks: Callable
) -> None:
    request = booking_request(**changes())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(BookingError) as refused,
    ):
        booking_create(
            customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=NOW
        )
    assert refused.value.code == code
    assert Booking.objects.count() == 0
    assert BookingEvent.objects.count() == 0
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


@pytest.mark.parametrize("hour", [23, 3])
def test_asap_outside_hours_is_refused(hour: int) -> None:
    late = local(NOW.date(), hour)
    request = booking_request(timing=Booking.Timing.ASAP, starts_at=None)
    with pytest.raises(BookingError):
        booking_create(
            customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=late
        )
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(("duration", "last"), [(60, 20), (120, 19)])
def test_the_last_start_lets_the_visit_end_by_21(duration: int, last: int) -> None:
    """Helpers come until 21:00: the last start is 21:00 less the visit's length."""
    service = ServiceFactory(duration_minutes=duration)
    day = NOW.date() + timedelta(days=3)
    one_slot_later = booking_request(service=service, starts_at=local(day, last, 30))
    with pytest.raises(BookingError) as refused:
        booking_create(
            customer=UserFactory(), request=one_slot_later, idempotency_key=uuid.uuid4(), now=NOW
        )
    assert refused.value.code == "time"
    assert Booking.objects.count() == 0
    request = booking_request(service=service, starts_at=local(day, last))
    booking = booking_create(
        customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=NOW
    )
    assert (booking.starts_at, booking.ends_at) == (local(day, last), local(day, 21))


# --- booking_cancel --------------------------------------------------------------------------


def test_cancel_free_more_than_24_hours_before(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory()
    now = booking.starts_at - timedelta(hours=24, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        result = booking_cancel(
            booking=booking, actor=booking.customer, role=R.CUSTOMER, reason="Fixed it", now=now
        )
    assert (result.fee, result.already_cancelled) == (0, False)
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert (booking.cancellation_fee, booking.cancellation_reason) == (0, "Fixed it")
    assert booking.cancelled_at == now
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.role) == (
        S.SEARCHING,
        S.CANCELLED,
        R.CUSTOMER,
    )
    assert (event.actor, event.note, event.data) == (booking.customer, "Fixed it", {"fee": 0})
    assert notified(Kind.BOOKING_CANCELLED) == [booking.customer.pk]
    assert [message.to for message in mail.outbox] == [[booking.customer.email]]


@pytest.mark.parametrize(
    ("status", "before_start", "fee"),
    [
        (S.CONFIRMED, timedelta(hours=24), 3950),  # exactly 24 h: no longer free
        (S.CONFIRMED, timedelta(hours=23, minutes=59), 3950),
        (S.CONFIRMED, timedelta(hours=2), 3950),
        (S.CONFIRMED, timedelta(hours=24, minutes=1), 0),
        (S.EN_ROUTE, timedelta(minutes=20), 7900),
        (S.EN_ROUTE, timedelta(days=2), 7900),  # on the way: full base price, even early
        # No helper has accepted yet: nobody set time aside, so it stays free.
        (S.SEARCHING, timedelta(hours=5), 0),
        (S.REQUESTED, timedelta(hours=1), 0),
        (S.UNFULFILLED, -timedelta(hours=1), 0),
    ],
)
def test_cancel_fee_is_charged_and_stored(status: str, before_start: timedelta, fee: int) -> None:
    booking = BookingFactory(status=status)
    now = booking.starts_at - before_start
    result = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
    assert result.fee == fee
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_fee) == (S.CANCELLED, fee)
    assert BookingEvent.objects.get(booking=booking).data == {"fee": fee}


def test_a_pro_late_cancellation_costs_half_the_pro_base() -> None:
    booking = BookingFactory(tier="pro", status=S.CONFIRMED)
    assert booking.price_base == 9875
    now = booking.starts_at - timedelta(hours=3)
    result = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
    assert result.fee == 4940  # 4937.50, rounded to 5 Rappen


def test_staff_cancel_without_fee() -> None:
    booking = BookingFactory(status=S.EN_ROUTE)
    staff = UserFactory(is_staff=True)
    result = booking_cancel(booking=booking, actor=staff, role=R.STAFF, reason="Storm")
    assert result.fee == 0
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_fee) == (S.CANCELLED, 0)


def test_the_helper_of_a_confirmed_booking_is_told(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    helper = booking.helper
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER)
    assert notified(Kind.BOOKING_CANCELLED) == sorted([booking.customer.pk, helper.user.pk])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [booking.customer.email, helper.user.email]
    )


def test_a_helper_cancelling_is_recorded_and_both_are_told() -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    helper_user = booking.helper.user
    result = booking_cancel(booking=booking, actor=helper_user, role=R.HELPER, reason="Ill")
    assert result.fee == 0
    assert events(booking) == [(S.CONFIRMED, S.CANCELLED, R.HELPER, helper_user.pk)]
    assert notified(Kind.BOOKING_CANCELLED) == sorted([booking.customer.pk, helper_user.pk])


def test_cancelling_twice_cancels_once(django_capture_on_commit_callbacks: Callable) -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    now = booking.starts_at - timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        first = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
        second = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
    assert (first.fee, first.already_cancelled) == (3950, False)
    assert (second.fee, second.already_cancelled) == (3950, True)
    assert events(booking) == [(S.CONFIRMED, S.CANCELLED, R.CUSTOMER, booking.customer.pk)]
    assert Notification.objects.filter(kind=Kind.BOOKING_CANCELLED).count() == 2  # customer, helper
    assert Notification.objects.filter(kind=Kind.INVOICE_ISSUED).count() == 1  # for the fee
    assert len(mail.outbox) == 3


def test_someone_else_cannot_cancel() -> None:
    booking = BookingFactory()
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=booking, actor=UserFactory(), role=R.CUSTOMER)
    assert refused.value.code == "forbidden"
    assert row(booking) == before
    assert events(booking) == []
    assert Notification.objects.count() == 0


def test_a_completed_visit_cannot_be_cancelled() -> None:
    booking = BookingFactory(status=S.COMPLETED)
    with pytest.raises(BookingError) as refused:
        booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER)
    assert refused.value.code == "transition"
    assert Booking.objects.get(pk=booking.pk).status == S.COMPLETED
    assert Notification.objects.count() == 0


def test_cancelling_an_unfulfilled_booking_is_free() -> None:
    booking = BookingFactory(status=S.UNFULFILLED, timing=Booking.Timing.ASAP)
    now = booking.starts_at + timedelta(hours=1)  # the search deadline has passed
    result = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
    booking.refresh_from_db()
    assert (result.fee, booking.cancellation_fee) == (0, 0)


@pytest.mark.parametrize(
    ("status", "before_start"),
    [
        (S.SEARCHING, timedelta(days=2)),
        (S.SEARCHING, timedelta(hours=24)),
        (S.CONFIRMED, timedelta(days=2)),
        (S.CONFIRMED, timedelta(hours=24)),
        (S.CONFIRMED, timedelta(hours=2)),
        (S.EN_ROUTE, timedelta(minutes=10)),
        (S.REQUESTED, timedelta(hours=30)),
    ],
)
def test_preview_matches_what_cancelling_charges(status: str, before_start: timedelta) -> None:
    booking = BookingFactory(status=status)
    now = booking.starts_at - before_start
    preview = cancellation_preview(booking=booking, now=now)
    result = booking_cancel(booking=booking, actor=booking.customer, role=R.CUSTOMER, now=now)
    assert result.fee == preview.fee
    assert Booking.objects.get(pk=booking.pk).cancellation_fee == preview.fee


# --- booking_reschedule ----------------------------------------------------------------------


def test_move_a_searching_booking(
    django_capture_on_commit_callbacks: Callable, enqueued: list[int]
) -> None:
    booking = BookingFactory()
    previous = booking.starts_at
    new_start = local(previous.date() + timedelta(days=1), 14, 30)
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_reschedule(booking=booking, actor=booking.customer, starts_at=new_start)
    assert moved.pk == booking.pk
    booking.refresh_from_db()
    assert booking.status == S.SEARCHING
    assert (booking.starts_at, booking.ends_at) == (new_start, new_start + timedelta(hours=1))
    assert booking.reschedule_count == 1
    assert booking.timing == Booking.Timing.SCHEDULED
    assert (booking.price_base, booking.price_total) == (7900, 7900)
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.role, event.actor) == (
        S.SEARCHING,
        S.SEARCHING,
        R.CUSTOMER,
        booking.customer,
    )
    assert datetime.fromisoformat(event.data["rescheduled"]["starts_at"]) == previous
    assert "helper_id" not in event.data["rescheduled"]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (
        booking.customer,
        Kind.BOOKING_RESCHEDULED,
    )
    assert datetime.fromisoformat(notification.context["previous_starts_at"]) == previous
    assert datetime.fromisoformat(notification.context["starts_at"]) == new_start
    assert [message.to for message in mail.outbox] == [[booking.customer.email]]
    assert enqueued == [booking.pk]  # matching looks for the new time


def test_move_a_confirmed_booking_searches_again(
    django_capture_on_commit_callbacks: Callable, enqueued: list[int]
) -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    helper = booking.helper
    new_start = local(booking.starts_at.date() + timedelta(days=2), 9)
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, actor=booking.customer, starts_at=new_start)
    booking.refresh_from_db()
    assert (booking.status, booking.helper, booking.starts_at) == (S.SEARCHING, None, new_start)
    assert booking.reschedule_count == 1
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status, event.role) == (
        S.CONFIRMED,
        S.SEARCHING,
        R.CUSTOMER,
    )
    assert event.data["rescheduled"]["helper_id"] == helper.pk
    assert notified(Kind.BOOKING_RESCHEDULED) == sorted([booking.customer.pk, helper.user.pk])
    assert len(mail.outbox) == 2


def test_at_most_two_moves() -> None:
    booking = BookingFactory()
    day = booking.starts_at.date()
    booking_reschedule(booking=booking, actor=booking.customer, starts_at=local(day, 11))
    booking_reschedule(booking=booking, actor=booking.customer, starts_at=local(day, 12))
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_reschedule(booking=booking, actor=booking.customer, starts_at=local(day, 13))
    assert refused.value.code == "too_many"
    assert row(booking) == before
    assert before["reschedule_count"] == 2
    assert len(events(booking)) == 2
    assert Notification.objects.filter(kind=Kind.BOOKING_RESCHEDULED).count() == 2


def _someone_else(booking: Booking) -> Any:
    return UserFactory()


def _nobody(booking: Booking) -> Any:
    return None


def _the_helper(booking: Booking) -> Any:
    return booking.helper.user if booking.helper else HelperProfileFactory().user


@pytest.mark.parametrize(
    ("status", "before_start", "actor", "new_start", "code"),
    [
        (S.CONFIRMED, timedelta(hours=23, minutes=59), None, (4, 10), "too_late"),
        (S.CONFIRMED, timedelta(hours=24), None, (4, 10), "too_late"),
        (S.SEARCHING, timedelta(days=2), _someone_else, (4, 10), "forbidden"),
        (S.SEARCHING, timedelta(days=2), _nobody, (4, 10), "forbidden"),
        (S.CONFIRMED, timedelta(days=2), _the_helper, (4, 10), "forbidden"),
        (S.SEARCHING, timedelta(days=2), None, (4, 22), "time"),
        (S.SEARCHING, timedelta(days=2), None, (4, 6), "time"),
        (S.SEARCHING, timedelta(days=2), None, (4, 10, 10), "time"),
        (S.SEARCHING, timedelta(days=2), None, (90, 10), "time"),
        (S.EN_ROUTE, timedelta(days=2), None, (4, 10), "status"),
        (S.CANCELLED, timedelta(days=2), None, (4, 10), "status"),
        (S.COMPLETED, timedelta(days=2), None, (4, 10), "status"),
    ],
)
def test_refused_moves_change_nothing(
    status: str,
    before_start: timedelta,
    actor: Callable[[Booking], Any] | None,
    new_start: tuple[int, ...],
    code: str,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory(status=status)
    now = booking.starts_at - before_start
    days, *clock = new_start
    starts_at = local(now.date() + timedelta(days=days), *clock)
    who = actor(booking) if actor else booking.customer
    before = row(booking)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(BookingError) as refused,
    ):
        booking_reschedule(booking=booking, actor=who, starts_at=starts_at, now=now)
    assert refused.value.code == code
    assert row(booking) == before
    assert events(booking) == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(("duration", "last"), [(60, 20), (120, 19)])
def test_a_moved_visit_must_end_by_21(duration: int, last: int) -> None:
    booking = BookingFactory(service=ServiceFactory(duration_minutes=duration))
    day = booking.starts_at.date() + timedelta(days=1)
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_reschedule(booking=booking, actor=booking.customer, starts_at=local(day, last, 30))
    assert refused.value.code == "time"
    assert row(booking) == before
    booking_reschedule(booking=booking, actor=booking.customer, starts_at=local(day, last))
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (local(day, last), local(day, 21))


def test_move_an_unfulfilled_booking_searches_again() -> None:
    booking = BookingFactory(status=S.UNFULFILLED)
    now = booking.starts_at - timedelta(days=2)
    new_start = local(booking.starts_at.date() + timedelta(days=1), 10)
    booking_reschedule(booking=booking, actor=booking.customer, starts_at=new_start, now=now)
    booking.refresh_from_db()
    assert (booking.status, booking.starts_at, booking.searching_at) == (
        S.SEARCHING,
        new_start,
        now,
    )
    assert events(booking) == [(S.UNFULFILLED, S.SEARCHING, R.CUSTOMER, booking.customer.pk)]


@pytest.mark.parametrize(("duration", "minute", "booked"), [(120, 0, True), (120, 1, False)])
def test_asap_for_a_long_visit_ends_within_the_day(
    duration: int, minute: int, booked: bool
) -> None:
    """A 2-hour visit booked "as soon as possible" at 19:01 would end after 21:00."""
    at = local(NOW.date(), 19, minute)
    request = booking_request(
        service=ServiceFactory(duration_minutes=duration), timing=Booking.Timing.ASAP,
        starts_at=None,
    )  # fmt: skip
    if booked:
        booking_create(
            customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=at
        )
    else:
        with pytest.raises(BookingError, match="19:00"):
            booking_create(
                customer=UserFactory(), request=request, idempotency_key=uuid.uuid4(), now=at
            )
    assert Booking.objects.count() == (1 if booked else 0)
