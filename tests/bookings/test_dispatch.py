"""The search for a helper: waves of offers, expiry, widening, giving up, and every booking
change that ends or restarts a search."""

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from bookings.matching.dispatch import matching_advance, matching_sweep
from bookings.matching.responses import booking_search_again, offer_decline
from bookings.models import Booking, BookingEvent, Offer
from bookings.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from helpers.services import helper_decide
from mila.lib.money import format_chf
from notifications.models import Notification
from tests.bookings.conftest import ZURICH, offered
from tests.factories import AvailabilityWindowFactory, BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
O = Offer.Status  # noqa: E741
Kind = Notification.Kind


def advance(booking: Booking, now: datetime | None = None) -> int:
    sent = matching_advance(booking_id=booking.pk, now=now or timezone.now())
    booking.refresh_from_db()
    return sent


def notified(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


# --- the first wave ------------------------------------------------------------------------------


def test_the_first_wave_asks_the_best_k(booking, make_helper, settings: Any) -> None:
    settings.MATCHING_WAVE_SIZE = 5
    helpers = [make_helper(km) for km in (0.5, 1, 2, 3, 4, 5)]  # nearest best, all else equal
    now = timezone.now()
    assert advance(booking, now) == 5
    assert offered(booking) == {h.pk for h in helpers[:5]}
    offer = Offer.objects.get(booking=booking, helper=helpers[0])
    assert (offer.wave, offer.status, offer.sent_at) == (1, O.PENDING, now)
    assert offer.expires_at == now + timedelta(minutes=60)  # a chosen time: an hour to answer
    assert offer.breakdown["distance_km"] == pytest.approx(0.5, abs=0.01)
    assert set(offer.breakdown["parts"]) == set(settings.MATCHING_WEIGHTS)
    assert offer.score > Offer.objects.get(booking=booking, helper=helpers[4]).score
    assert (booking.wave, booking.next_wave_at) == (1, offer.expires_at)
    assert notified(Kind.OFFER_NEW) == sorted(h.user.pk for h in helpers[:5])


def test_an_asap_offer_is_open_for_five_minutes(service, make_helper) -> None:
    make_helper()
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    booking = BookingFactory(service=service, timing="asap", starts_at=now,
                             searching_at=now, created_at=now)  # fmt: skip
    advance(booking, now)
    assert Offer.objects.get(booking=booking).expires_at == now + timedelta(minutes=5)


def test_the_offer_email_tells_the_job_but_not_the_address(
    booking, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    helper = make_helper(2)
    with django_capture_on_commit_callbacks(execute=True):
        advance(booking)
    message = next(m for m in mail.outbox if m.to == [helper.user.email])
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert booking.street not in text and booking.phone not in text
        assert booking.customer.last_name not in text and booking.problem not in text
        assert "8001 Zürich" in text and format_chf(6320) in text  # where, roughly; the pay
    assert "/helper/#offers" in message.body


def test_a_helper_with_two_windows_around_the_visit_gets_one_offer(booking, make_helper) -> None:
    """Overlapping weekly windows (the forms merge them; older rows or the shell may not)
    give two slots: the helper is still asked once, and the wave is not lost."""
    from bookings.matching.slots import slots_refresh

    helper = make_helper(windows=False)
    weekday = booking.starts_at.astimezone(ZURICH).weekday()
    for opens, closes in ((time(9), time(12)), (time(8), time(11, 30))):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=opens, ends=closes)
    slots_refresh([helper.pk])
    assert advance(booking) == 1
    assert offered(booking) == {helper.pk}


def test_running_it_twice_sends_one_wave(booking, make_helper) -> None:
    for km in (1, 2):
        make_helper(km)
    now = timezone.now()
    assert advance(booking, now) == 2
    assert advance(booking, now + timedelta(minutes=1)) == 0  # the wave is still open
    assert Offer.objects.filter(booking=booking).count() == 2


@pytest.mark.parametrize("status", ["confirmed", "cancelled", "unfulfilled", "requested"])
def test_a_booking_that_is_not_searching_gets_no_offers(service, make_helper, status) -> None:
    make_helper()
    booking = BookingFactory(service=service, status=status, next_wave_at=timezone.now())
    assert matching_advance(booking_id=booking.pk) == 0
    assert not Offer.objects.filter(booking=booking).exists()


# --- later waves ---------------------------------------------------------------------------------


def test_when_a_wave_expires_the_next_one_goes_out(
    booking, make_helper, settings, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.MATCHING_WAVE_SIZE = 2
    first, second, third = (make_helper(km) for km in (1, 2, 3))
    now = timezone.now()
    advance(booking, now)
    assert offered(booking) == {first.pk, second.pk}
    assert matching_sweep(now=now + timedelta(minutes=59)) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert matching_sweep(now=now + timedelta(minutes=60)) == 1
    booking.refresh_from_db()
    assert offered(booking, status=O.EXPIRED) == {first.pk, second.pk}
    assert offered(booking, status=O.PENDING, wave=2) == {third.pk}
    assert booking.wave == 2
    first.refresh_from_db()
    assert first.acceptance_rate == 0.0  # let an offer expire, answered none


def test_later_waves_ask_helpers_a_bit_outside_their_area(service, booking, make_helper) -> None:
    """Waves 1 and 2 ask within the helpers' own radius; wave 3 (3 km more) reaches a helper
    12 km away with a 10 km radius, and their offer says so."""
    outside = make_helper(12, radius_km=10)
    advance(booking)
    assert booking.wave == 3  # nobody for waves 1 and 2: on to the wider one at once
    offer = Offer.objects.get(booking=booking)
    assert (offer.helper_id, offer.wave, offer.outside_area) == (outside.pk, 3, True)


def test_after_the_last_wave_the_booking_is_unfulfilled(booking, make_helper, settings) -> None:
    settings.MATCHING_WAVE_EXTRA_KM = (0, 0)
    settings.MATCHING_WAVE_SIZE = 1
    first, second = make_helper(1), make_helper(2)
    staff, former_staff = UserFactory(is_staff=True), UserFactory(is_staff=True, is_active=False)
    now = timezone.now()
    advance(booking, now)
    advance(booking, now + timedelta(minutes=60))
    assert (booking.status, offered(booking)) == (S.SEARCHING, {first.pk, second.pk})
    advance(booking, now + timedelta(minutes=120))
    assert booking.status == S.UNFULFILLED
    assert booking.next_wave_at is None
    assert offered(booking, status=O.EXPIRED) == {first.pk, second.pk}
    assert notified(Kind.BOOKING_UNFULFILLED) == [booking.customer.pk]
    assert notified(Kind.STAFF_UNFULFILLED) == [staff.pk]
    assert former_staff.pk not in notified(Kind.STAFF_UNFULFILLED)
    event = booking.events.get(to_status=S.UNFULFILLED)
    assert (event.role, event.data) == (BookingEvent.Role.SYSTEM, {"waves": 2})


def test_nobody_to_ask_means_unfulfilled_at_once(booking) -> None:
    assert advance(booking) == 0
    assert booking.status == S.UNFULFILLED
    assert notified(Kind.BOOKING_UNFULFILLED) == [booking.customer.pk]


def test_too_close_to_the_start_the_search_ends(service, make_helper) -> None:
    """An hour before a chosen time nobody is asked any more. For a booking 90 minutes ahead
    the four waves share the 30 minutes left (7.5 each); at the deadline the search ends
    although waves are left."""
    make_helper(1), make_helper(2)
    # Tomorrow morning, whatever the clock says: the visit must lie in the helpers' day.
    now = datetime.combine(timezone.localdate() + timedelta(days=1), time(9), tzinfo=ZURICH)
    start = now + timedelta(minutes=90)
    booking = BookingFactory(service=service, starts_at=start, created_at=now, searching_at=now,
                             ends_at=start + timedelta(hours=1))  # fmt: skip
    with mock.patch("bookings.matching.dispatch.booking_visit_window",
                    return_value=(start, start + timedelta(hours=1))):  # fmt: skip
        advance(booking, now)
    deadline = start - timedelta(minutes=60)
    assert set(Offer.objects.values_list("expires_at", flat=True)) == {now + timedelta(minutes=7.5)}
    advance(booking, deadline)
    assert (booking.status, booking.wave) == (S.UNFULFILLED, 1)


def test_asap_is_given_up_an_hour_after_the_search_began(service, make_helper) -> None:
    make_helper()
    began = timezone.now()
    booking = BookingFactory(service=service, timing="asap", searching_at=began,
                             next_wave_at=began + timedelta(minutes=61))  # fmt: skip
    advance(booking, began + timedelta(minutes=61))
    assert booking.status == S.UNFULFILLED
    assert not Offer.objects.filter(booking=booking).exists()


def test_when_everyone_declines_the_next_wave_goes_out_at_once(
    booking, make_helper, settings, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.MATCHING_WAVE_SIZE = 2
    first, second, third = (make_helper(km) for km in (1, 2, 3))
    advance(booking)
    offer_decline(offer=Offer.objects.get(helper=first), user=first.user, reason="busy")
    assert offered(booking, wave=2) == set()  # one of the wave can still answer
    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=Offer.objects.get(helper=second), user=second.user)
    assert offered(booking, wave=2) == {third.pk}
    assert Offer.objects.get(helper=first).decline_reason == "busy"


# --- nothing is lost when the broker is away ----------------------------------------------------


def _request(service: Any) -> BookingRequest:
    start = datetime.combine(timezone.localdate() + timedelta(days=3), time(10), tzinfo=ZURICH)
    return BookingRequest(
        service=service, tier="friend", problem="Das WLAN geht nicht mehr.",
        street="Limmatquai 1", postcode="8001", city="", country="CH", phone="+41791234567",
        timing="scheduled", starts_at=start,
    )  # fmt: skip


def test_a_booking_whose_enqueue_failed_is_picked_up_by_the_sweep(
    service, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    helper = make_helper()
    broken = mock.patch("bookings.tasks.advance_search.delay", side_effect=ConnectionError)
    with broken, django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(customer=UserFactory(), request=_request(service),
                                 idempotency_key=uuid.uuid4())  # fmt: skip
    booking.refresh_from_db()
    assert (booking.status, offered(booking)) == (S.SEARCHING, set())
    assert matching_sweep() == 1
    assert offered(booking) == {helper.pk}


def test_a_wave_left_with_nobody_is_moved_on_by_the_sweep_if_its_enqueue_was_lost(
    booking, make_helper, settings
) -> None:
    settings.MATCHING_WAVE_SIZE = 1
    first, second = make_helper(1), make_helper(2)
    now = timezone.now()
    advance(booking, now)
    assert offered(booking) == {first.pk}
    assert matching_sweep(now=now + timedelta(minutes=1)) == 0  # someone may still answer
    # The helper took another job: their offer is withdrawn, and the enqueue of the next
    # step is lost (the broker was down). The wave's time is far from up.
    Offer.objects.filter(booking=booking).update(status=O.WITHDRAWN)

    assert matching_sweep(now=now + timedelta(minutes=1)) == 1

    assert offered(booking, status=O.PENDING) == {second.pk}


def test_matching_is_enqueued_with_the_booking_id_only(
    service, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    """Task arguments go through the broker: never an address."""
    make_helper()
    delay = mock.patch("bookings.tasks.advance_search.delay")
    with delay as enqueue, django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(customer=UserFactory(), request=_request(service),
                                 idempotency_key=uuid.uuid4())  # fmt: skip
    assert enqueue.call_args_list == [mock.call(booking.pk)]


# --- booking changes that end or restart a search ----------------------------------------------


def test_moving_a_searching_booking_withdraws_its_offers_and_searches_again(
    booking, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    helper = make_helper()
    advance(booking)
    new_start = booking.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        booking_reschedule(booking=booking, actor=booking.customer, starts_at=new_start)
    offer = Offer.objects.get(booking=booking)
    # The same helper is asked again for the new time: one row per booking and helper.
    assert (offer.status, offer.wave, offer.withdrawn_reason) == (O.PENDING, 1, "")
    assert offer.sent_at >= booking.created_at
    assert notified(Kind.OFFER_WITHDRAWN) == [helper.user.pk]
    withdrawn = Notification.objects.get(kind=Kind.OFFER_WITHDRAWN)
    assert withdrawn.context["reason"] == Offer.Withdrawn.MOVED
    assert Notification.objects.filter(kind=Kind.OFFER_NEW).count() == 2


def test_moving_a_confirmed_booking_asks_its_helper_first(service, make_helper) -> None:
    had_it, other = make_helper(1), make_helper(0.5)
    booking = BookingFactory(service=service, status=S.CONFIRMED, helper=had_it)
    booking_reschedule(booking=booking, actor=booking.customer,
                       starts_at=booking.starts_at + timedelta(days=2))  # fmt: skip
    booking.refresh_from_db()
    assert (booking.status, booking.wave) == (S.SEARCHING, 1)
    assert offered(booking) == {had_it.pk}  # a wave of one, although `other` is nearer
    assert other.pk not in offered(booking)


def test_cancelling_withdraws_the_offers_and_tells_the_helpers(booking, make_helper) -> None:
    helpers = [make_helper(km) for km in (1, 2)]
    advance(booking)
    booking_cancel(booking=booking, actor=booking.customer, role=BookingEvent.Role.CUSTOMER)
    assert offered(booking, status=O.WITHDRAWN, withdrawn_reason="cancelled") == {
        h.pk for h in helpers
    }
    assert notified(Kind.OFFER_WITHDRAWN) == sorted(h.user.pk for h in helpers)
    assert matching_advance(booking_id=booking.pk) == 0  # a cancelled booking is not searched


def test_a_suspended_helpers_offers_are_withdrawn(booking, make_helper) -> None:
    helper = make_helper()
    advance(booking)
    helper_decide(profile=helper, to="suspended", actor=UserFactory(is_staff=True),
                  reason="Beschwerde")  # fmt: skip
    offer = Offer.objects.get(helper=helper)
    assert (offer.status, offer.withdrawn_reason) == (O.WITHDRAWN, Offer.Withdrawn.PAUSED)
    assert notified(Kind.OFFER_WITHDRAWN) == []  # they got the suspension e-mail instead


def test_staff_search_again_after_nobody_was_found(
    booking, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    advance(booking)
    assert booking.status == S.UNFULFILLED
    helper = make_helper()  # someone added their times since
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking_search_again(booking=booking, actor=staff)
    booking.refresh_from_db()
    assert (booking.status, offered(booking)) == (S.SEARCHING, {helper.pk})
    event = booking.events.get(to_status=S.SEARCHING, role=BookingEvent.Role.STAFF)
    assert event.actor == staff


def test_staff_search_again_asks_everyone_again(
    booking, make_helper, django_capture_on_commit_callbacks: Callable
) -> None:
    helper = make_helper()
    now = timezone.now()
    advance(booking, now)
    offer_decline(offer=Offer.objects.get(helper=helper), user=helper.user)
    with django_capture_on_commit_callbacks(execute=True):
        booking_search_again(booking=booking, actor=UserFactory(is_staff=True))
    offer = Offer.objects.get(helper=helper)
    assert (offer.status, offer.wave) == (O.PENDING, 1)
    assert booking.events.filter(from_status=S.SEARCHING, to_status=S.SEARCHING).count() == 1


def test_only_staff_search_again(booking) -> None:
    from bookings.services import BookingError

    with pytest.raises(BookingError):
        booking_search_again(booking=booking, actor=booking.customer)


@pytest.mark.parametrize(
    ("starts_in", "refused"),
    [
        pytest.param(timedelta(minutes=-30), "The time of this visit has passed", id="past"),
        pytest.param(timedelta(minutes=60), "The visit starts too soon", id="at the cut-off"),
        pytest.param(timedelta(minutes=61), None, id="just before the cut-off"),
    ],
)
def test_staff_search_again_only_while_there_is_time_to_find_someone(
    service, make_helper, starts_in: timedelta, refused: str | None
) -> None:
    """Otherwise the booking would be unfulfilled again at once, and the customer and staff
    told again."""
    from bookings.services import BookingError

    make_helper()
    now = timezone.now().replace(microsecond=0)
    booking = BookingFactory(service=service, status=S.UNFULFILLED, starts_at=now + starts_in,
                             ends_at=now + starts_in + timedelta(hours=1))  # fmt: skip
    staff = UserFactory(is_staff=True)
    if refused is None:
        booking_search_again(booking=booking, actor=staff, now=now)
        booking.refresh_from_db()
        assert booking.status == S.SEARCHING
        return
    with translation.override("en"), pytest.raises(BookingError) as error:
        booking_search_again(booking=booking, actor=staff, now=now)
    assert refused in str(error.value)
    booking.refresh_from_db()
    assert booking.status == S.UNFULFILLED and not Notification.objects.exists()


def test_moving_onto_another_job_of_the_same_helper(service, make_helper, client) -> None:
    """The helper has visits at 10:00 and 14:00; the 10:00 customer moves to 14:00. The
    helper is let go of the old time first, so the move goes through (on PostgreSQL the
    database would otherwise refuse two jobs at once) and the new time is searched for."""
    helper = make_helper(max_jobs_per_day=5)
    ten = BookingFactory(service=service, status=S.CONFIRMED, helper=helper)
    BookingFactory(service=service, status=S.CONFIRMED, helper=helper,
                   starts_at=ten.starts_at + timedelta(hours=4))  # fmt: skip
    client.force_login(ten.customer)
    new = timezone.localtime(ten.starts_at + timedelta(hours=4))
    response = client.post(reverse("bookings:reschedule", args=[ten.reference]),
                           {"date": new.date().isoformat(), "time": "14:00"})  # fmt: skip
    assert response.status_code == 302
    ten.refresh_from_db()
    assert (ten.status, ten.helper, ten.starts_at) == (S.SEARCHING, None, new)


def test_the_withdrawn_offer_names_the_old_time(booking, make_helper) -> None:
    make_helper()
    advance(booking)
    old = booking.starts_at
    booking_reschedule(booking=booking, actor=booking.customer,
                       starts_at=old + timedelta(days=1))  # fmt: skip
    withdrawn = Notification.objects.get(kind=Kind.OFFER_WITHDRAWN)
    assert datetime.fromisoformat(withdrawn.context["starts_at"]) == old


def test_asap_in_the_evening_asks_helpers_free_for_the_visit_now(service, make_helper) -> None:
    """At 19:30 a helper whose times end at 21:00 can still do an hour's visit."""
    helper = make_helper()
    evening = datetime.combine(timezone.localdate() + timedelta(days=1), time(19, 30),
                               tzinfo=ZURICH)  # fmt: skip
    booking = BookingFactory(service=service, timing="asap", starts_at=evening,
                             ends_at=evening + timedelta(hours=1), searching_at=evening,
                             created_at=evening, next_wave_at=evening)  # fmt: skip
    assert advance(booking, evening) == 1
    assert offered(booking) == {helper.pk}


def test_a_wave_emptied_by_another_booking_moves_on_at_once(
    service, make_helper, settings, django_capture_on_commit_callbacks: Callable
) -> None:
    """A helper takes another job at the same time: their offer here is withdrawn, and the
    wave, with nobody left to answer, goes on to the next helper without waiting an hour."""
    from bookings.matching.responses import offer_accept

    settings.MATCHING_WAVE_SIZE = 1
    busy, next_one = make_helper(1), make_helper(2)
    here, there = BookingFactory(service=service), BookingFactory(service=service)
    now = timezone.now()
    advance(here, now)
    Offer.objects.create(booking=there, helper=busy, wave=1, score=1, sent_at=now,
                         expires_at=now + timedelta(hours=1))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=Offer.objects.get(booking=there), user=busy.user)
    assert Offer.objects.get(booking=here, helper=busy).withdrawn_reason == "overlap"
    assert offered(here, status=O.PENDING) == {next_one.pk}


def test_a_closed_helper_account_withdraws_its_offers(booking, make_helper) -> None:
    from customers.privacy import customer_delete

    helper = make_helper()
    advance(booking)
    customer_delete(user=helper.user)
    assert Offer.objects.get(helper=helper).withdrawn_reason == Offer.Withdrawn.PAUSED


def test_a_deactivated_account_gets_no_offers(booking, make_helper) -> None:
    helper, other = make_helper(1), make_helper(2)
    helper.user.is_active = False
    helper.user.save()
    advance(booking)
    assert offered(booking) == {other.pk}


@pytest.mark.django_db(transaction=True)
def test_a_helper_saved_without_a_transaction_is_followed_too(booking, make_helper) -> None:
    """Signals also come from plain saves in autocommit (a script, the shell)."""
    helper = make_helper()
    advance(booking)
    helper.status = "suspended"
    helper.save()  # no transaction around it
    assert Offer.objects.get(helper=helper).withdrawn_reason == Offer.Withdrawn.PAUSED
