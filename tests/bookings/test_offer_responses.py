"""A helper accepts or declines an offer; staff assign a helper by hand. What changes, who is
told, and what is refused (with nothing changed)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from bookings.matching.dispatch import matching_advance
from bookings.matching.responses import booking_assign, offer_accept, offer_decline
from bookings.models import Booking, BookingEvent, Offer
from bookings.services import BookingError, booking_cancel, booking_reschedule
from helpers.services import helper_decide
from notifications.models import Notification
from tests.bookings.conftest import offered
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
O = Offer.Status  # noqa: E741
Kind = Notification.Kind


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    """Refusals are read as the source text, whatever language an earlier test left on."""
    with translation.override("en"):
        yield


@pytest.fixture
def wave(booking, make_helper) -> list[Any]:
    """Three helpers with an open offer for the booking (first wave)."""
    helpers = [make_helper(km, rating_average="4.80", rating_count=12) for km in (1, 2, 3)]
    matching_advance(booking_id=booking.pk)
    return helpers


def offer_of(helper: Any, booking: Booking | None = None) -> Offer:
    offers = Offer.objects.filter(helper=helper)
    return offers.get(booking=booking) if booking else offers.get()


def snapshot(booking: Booking) -> tuple[Any, ...]:
    """What a refusal must leave as it was."""
    booking.refresh_from_db()
    return (
        booking.status, booking.helper_id, booking.starts_at,
        list(Offer.objects.order_by("pk").values_list("status", "responded_at")),
        BookingEvent.objects.count(), Notification.objects.count(),
    )  # fmt: skip


# --- accept ------------------------------------------------------------------------------------


def test_accepting_gives_the_job_and_ends_the_other_offers(
    booking, wave, django_capture_on_commit_callbacks: Callable
) -> None:
    winner, *others = wave
    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=offer_of(winner), user=winner.user)
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, winner)
    assert offer_of(winner).status == O.ACCEPTED
    assert offered(booking, status=O.WITHDRAWN, withdrawn_reason="taken") == {h.pk for h in others}
    event = booking.events.get(to_status=S.CONFIRMED)
    assert (event.role, event.actor, event.data["wave"]) == ("helper", winner.user, 1)
    found = Notification.objects.get(kind=Kind.BOOKING_CONFIRMED)
    assert found.recipient == booking.customer
    assert (found.context["helper_name"], found.context["helper_rating"]) == (
        winner.user.first_name, "4.80",
    )  # fmt: skip
    assert Notification.objects.get(kind=Kind.JOB_CONFIRMED).recipient == winner.user
    assert sorted(Notification.objects.filter(kind=Kind.OFFER_WITHDRAWN).values_list(
        "recipient", flat=True)) == sorted(h.user.pk for h in others)  # fmt: skip
    winner.refresh_from_db()
    assert winner.acceptance_rate == 1.0
    job_mail = next(m for m in mail.outbox if m.to == [winner.user.email]
                    and booking.street in m.body)  # fmt: skip
    assert booking.customer.first_name in job_mail.body  # now the helper knows where and who


def test_accepting_asap_sets_the_visit_from_now(service, make_helper) -> None:
    helper = make_helper()
    started = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    booking = BookingFactory(service=service, timing="asap", starts_at=started,
                             ends_at=started + timedelta(hours=1), searching_at=started,
                             created_at=started)  # fmt: skip
    matching_advance(booking_id=booking.pk, now=started)
    accepted = started + timedelta(minutes=3)
    offer_accept(offer=offer_of(helper), user=helper.user, now=accepted)
    booking.refresh_from_db()
    # Until they could have arrived (an hour) and finished (the service's hour).
    assert (booking.starts_at, booking.ends_at) == (accepted, accepted + timedelta(hours=2))


def test_an_answer_is_accepted_or_declined_and_nothing_else(booking, wave) -> None:
    from bookings.matching.offers import offers_answer

    with pytest.raises(ValueError, match="not withdrawn"):
        offers_answer(offers=Offer.objects.all(), status="withdrawn", now=timezone.now())
    assert set(Offer.objects.values_list("status", flat=True)) == {"pending"}


def test_double_click_accepts_once(booking, wave) -> None:
    winner = wave[0]
    offer_accept(offer=offer_of(winner), user=winner.user)
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(winner), user=winner.user)
    assert refused.value.code == "already_accepted"
    assert snapshot(booking) == before


@pytest.mark.parametrize(
    ("make_it_so", "code", "message"),
    [
        pytest.param(lambda b, h, o: offer_accept(offer=offer_of(o), user=o.user), "taken",
                     "Someone else took this job.", id="someone else was faster"),
        pytest.param(lambda b, h, o: offer_decline(offer=offer_of(h), user=h.user), "declined",
                     "You have declined this offer.", id="declined before"),
        pytest.param(lambda b, h, o: Offer.objects.filter(helper=h).update(status="expired"),
                     "expired", "This offer has expired.", id="expired"),
        pytest.param(lambda b, h, o: Offer.objects.filter(helper=h).update(
                         sent_at=timezone.now() - timedelta(hours=1),
                         expires_at=timezone.now() - timedelta(seconds=1)),
                     "expired", "This offer has expired.", id="time up, sweep not yet run"),
        pytest.param(lambda b, h, o: booking_cancel(booking=b, actor=b.customer,
                                                   role="customer"),
                     "cancelled", "The customer cancelled this booking.", id="cancelled"),
        pytest.param(lambda b, h, o: booking_reschedule(
                         booking=b, actor=b.customer, starts_at=b.starts_at + timedelta(days=1)),
                     "moved", "moved the visit", id="moved"),
        pytest.param(lambda b, h, o: helper_decide(
                         profile=h, to="suspended", actor=UserFactory(is_staff=True), reason="x"),
                     "helper", "paused", id="helper suspended"),
    ],
)  # fmt: skip
def test_an_offer_that_ended_cannot_be_accepted(
    booking, wave, make_it_so: Callable, code: str, message: str
) -> None:
    helper, other = wave[0], wave[1]
    make_it_so(booking, helper, other)
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper), user=helper.user)
    assert refused.value.code == code
    assert message in str(refused.value.message)
    assert snapshot(booking) == before


def test_an_offer_is_accepted_only_by_its_helper(booking, wave) -> None:
    helper, intruder = wave[0], wave[1]
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper), user=intruder.user)
    assert refused.value.code == "forbidden"
    assert snapshot(booking) == before


def test_taking_a_job_withdraws_own_overlapping_offers_quietly(service, make_helper) -> None:
    helper = make_helper(max_jobs_per_day=5)
    first, same_time = (BookingFactory(service=service) for _ in range(2))
    later = BookingFactory(service=service,
                           starts_at=first.starts_at + timedelta(hours=3))  # fmt: skip
    for booking in (first, same_time, later):
        matching_advance(booking_id=booking.pk)
    offer_accept(offer=offer_of(helper, first), user=helper.user)
    overlapping = offer_of(helper, same_time)
    assert (overlapping.status, overlapping.withdrawn_reason) == (O.WITHDRAWN, "overlap")
    assert offer_of(helper, later).status == O.PENDING  # a later visit the same day is fine
    assert not Notification.objects.filter(kind=Kind.OFFER_WITHDRAWN).exists()


def test_no_second_job_at_the_same_time(service, make_helper) -> None:
    helper = make_helper(max_jobs_per_day=5)
    first, second = (BookingFactory(service=service) for _ in range(2))
    for booking in (first, second):
        matching_advance(booking_id=booking.pk)
    offer_accept(offer=offer_of(helper, first), user=helper.user)
    Offer.objects.filter(helper=helper, booking=second).update(status="pending")  # a stale page
    before = snapshot(second)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper, second), user=helper.user)
    assert refused.value.code == "overlap"
    assert str(refused.value.message) == "You already have a job at this time."
    assert snapshot(second) == before


def test_a_visit_done_earlier_that_day_counts_towards_the_maximum(service, make_helper) -> None:
    helper = make_helper(max_jobs_per_day=1)
    booking = BookingFactory(service=service)
    matching_advance(booking_id=booking.pk)
    BookingFactory(service=service, status="completed", helper=helper,
                   starts_at=booking.starts_at - timedelta(hours=3))  # fmt: skip
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper), user=helper.user)
    assert refused.value.code == "daily_max"


def test_the_daily_maximum_is_kept_on_accept(service, make_helper) -> None:
    helper = make_helper(max_jobs_per_day=1)
    first = BookingFactory(service=service)
    later = BookingFactory(service=service, starts_at=first.starts_at + timedelta(hours=4))
    for booking in (first, later):
        matching_advance(booking_id=booking.pk)
    offer_accept(offer=offer_of(helper, first), user=helper.user)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper, later), user=helper.user)
    assert refused.value.code == "daily_max"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an exclusion constraint")
def test_the_database_refuses_overlapping_jobs_as_a_clean_refusal(
    service, make_helper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the service's own check were missing, PostgreSQL's exclusion constraint keeps
    a helper from two jobs at once — and the helper sees the same clear refusal."""
    helper = make_helper(max_jobs_per_day=5)
    first, second = (BookingFactory(service=service) for _ in range(2))
    for booking in (first, second):
        matching_advance(booking_id=booking.pk)
    offer_accept(offer=offer_of(helper, first), user=helper.user)
    Offer.objects.filter(helper=helper, booking=second).update(status="pending")
    monkeypatch.setattr("bookings.matching.responses.job_conflict", lambda **kwargs: None)
    with pytest.raises(BookingError) as refused:
        offer_accept(offer=offer_of(helper, second), user=helper.user)
    assert refused.value.code == "overlap"
    second.refresh_from_db()
    assert (second.status, second.helper) == (S.SEARCHING, None)


# --- decline -----------------------------------------------------------------------------------


def test_declining_records_the_reason(booking, wave) -> None:
    helper = wave[0]
    offer_decline(offer=offer_of(helper), user=helper.user, reason="too_far")
    offer = offer_of(helper)
    assert (offer.status, offer.decline_reason) == (O.DECLINED, "too_far")
    assert offer.responded_at is not None
    booking.refresh_from_db()
    assert booking.status == S.SEARCHING


def test_declining_twice_changes_nothing(booking, wave) -> None:
    helper = wave[0]
    offer_decline(offer=offer_of(helper), user=helper.user)
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        offer_decline(offer=offer_of(helper), user=helper.user, reason="busy")
    assert refused.value.code == "already_declined"
    assert snapshot(booking) == before


def test_a_taken_job_cannot_be_declined(booking, wave) -> None:
    offer_accept(offer=offer_of(wave[1]), user=wave[1].user)
    with pytest.raises(BookingError) as refused:
        offer_decline(offer=offer_of(wave[0]), user=wave[0].user)
    assert refused.value.code == "taken"


# --- staff assign a helper by hand ---------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SEARCHING, S.UNFULFILLED])
def test_staff_assign_a_helper(service, make_helper, status: str) -> None:
    booking = BookingFactory(service=service, status=status)
    asked, chosen = make_helper(1), make_helper(30, windows=False)  # chosen: arranged by phone
    if status == S.SEARCHING:
        matching_advance(booking_id=booking.pk)
    staff = UserFactory(is_staff=True)
    booking_assign(booking=booking, helper=chosen, actor=staff, note="Spoke to her at 10:05")
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, chosen)
    event = booking.events.get(to_status=S.CONFIRMED)
    assert (event.role, event.actor, event.note) == ("staff", staff, "Spoke to her at 10:05")
    if status == S.SEARCHING:
        assert offer_of(asked).withdrawn_reason == Offer.Withdrawn.STAFF
    job = Notification.objects.get(kind=Kind.JOB_CONFIRMED)
    assert (job.recipient, job.context["assigned_by_staff"]) == (chosen.user, True)
    assert Notification.objects.get(kind=Kind.BOOKING_CONFIRMED).recipient == booking.customer


def test_staff_cannot_assign_a_helper_who_is_busy(service, make_helper) -> None:
    helper = make_helper()
    BookingFactory(service=service, status=S.CONFIRMED, helper=helper)
    booking = BookingFactory(service=service, status=S.UNFULFILLED)
    with pytest.raises(BookingError) as refused:
        booking_assign(booking=booking, helper=helper, actor=UserFactory(is_staff=True))
    assert refused.value.code == "overlap"
    booking.refresh_from_db()
    assert booking.status == S.UNFULFILLED


@pytest.mark.parametrize("status", ["applied", "suspended"])
def test_staff_cannot_assign_a_helper_who_is_not_approved(service, make_helper, status) -> None:
    helper = make_helper(status=status)
    booking = BookingFactory(service=service, status=S.UNFULFILLED)
    with pytest.raises(BookingError):
        booking_assign(booking=booking, helper=helper, actor=UserFactory(is_staff=True))


def test_staff_cannot_assign_a_visit_whose_time_has_passed(service, make_helper) -> None:
    now = timezone.now().replace(microsecond=0)
    booking = BookingFactory(service=service, status=S.UNFULFILLED, starts_at=now,
                             ends_at=now + timedelta(hours=1))  # fmt: skip
    with pytest.raises(BookingError) as refused:
        booking_assign(booking=booking, helper=make_helper(windows=False),
                       actor=UserFactory(is_staff=True), now=now)  # fmt: skip
    assert refused.value.code == "passed"
    booking.refresh_from_db()
    assert booking.status == S.UNFULFILLED
    booking_assign(booking=booking, helper=make_helper(2, windows=False),
                   actor=UserFactory(is_staff=True), now=now - timedelta(seconds=1))  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED  # a second earlier it was still possible


def test_only_staff_assign(booking, make_helper) -> None:
    with pytest.raises(BookingError) as refused:
        booking_assign(booking=booking, helper=make_helper(), actor=booking.customer)
    assert refused.value.code == "forbidden"


def test_a_late_job_email_shows_no_address_to_a_helper_who_no_longer_has_the_job(
    booking, wave, django_capture_on_commit_callbacks: Callable
) -> None:
    """The "job is yours" e-mail is rendered when it is sent: if the visit went to someone
    else meanwhile (the helper was released, say), it says so instead of the address."""
    from notifications.services import render_notification_email

    helper = wave[0]
    offer_accept(offer=offer_of(helper), user=helper.user)
    job = Notification.objects.get(kind=Kind.JOB_CONFIRMED)
    Booking.objects.filter(pk=booking.pk).update(status=S.SEARCHING, helper=None)
    message = render_notification_email(job)
    assert booking.street not in message.body and booking.phone not in message.body
    assert "Dieser Besuch hat sich inzwischen geändert." in message.body  # in their language


# --- "as soon as possible": the time accepting keeps ---------------------------------------------


def _asap(service: Any, now: Any) -> Any:
    return BookingFactory(service=service, timing="asap", starts_at=now,
                          ends_at=now + timedelta(hours=1), searching_at=now,
                          created_at=now)  # fmt: skip


@pytest.mark.parametrize(("job_in_minutes", "asked"), [(119, False), (120, True)])
def test_asap_asks_only_helpers_free_until_they_could_have_arrived_and_finished(
    service, make_helper, job_in_minutes: int, asked: bool
) -> None:
    """Accepting keeps an hour to get there and the service's hour: a helper with a job
    before that would be refused on accepting, so they are not asked."""
    helper = make_helper()
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    job = now + timedelta(minutes=job_in_minutes)
    BookingFactory(status="confirmed", helper=helper, starts_at=job,
                   ends_at=job + timedelta(hours=1))  # fmt: skip
    booking = _asap(service, now)
    matching_advance(booking_id=booking.pk, now=now)
    assert Offer.objects.filter(booking=booking, helper=helper).exists() is asked
    if asked:
        offer_accept(offer=offer_of(helper, booking), user=helper.user, now=now)
        booking.refresh_from_db()
        assert booking.status == "confirmed"


def test_taking_a_job_withdraws_an_asap_offer_whose_way_there_overlaps_it(
    service, make_helper
) -> None:
    helper = make_helper()
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    asap = _asap(service, now - timedelta(minutes=5))
    matching_advance(booking_id=asap.pk, now=now)
    later = now + timedelta(minutes=90)  # inside the hour to get there plus the visit
    scheduled = BookingFactory(service=service, starts_at=later,
                               ends_at=later + timedelta(hours=1), searching_at=now,
                               created_at=now)  # fmt: skip
    matching_advance(booking_id=scheduled.pk, now=now)
    offer_accept(offer=offer_of(helper, scheduled), user=helper.user, now=now)
    left = offer_of(helper, asap)
    assert (left.status, left.withdrawn_reason) == ("withdrawn", "overlap")
