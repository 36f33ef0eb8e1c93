"""Who may run a visit, and from where: every action of the helper's job page for every role,
each action from the statuses it does not start from, double submits, bad input, the door
code (who sees it, when), giving a job back and the customer not being there.

A refusal must change nothing: each one compares a snapshot of the rows before and after."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

import pytest
from django.contrib.auth.views import redirect_to_login
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.matching.dispatch import matching_advance
from bookings.matching.responses import booking_assign, offer_accept
from bookings.models import Booking, BookingEvent, Offer, VisitReport
from bookings.services import BookingError
from bookings.services.visit import no_show_possible_from, visit_no_show, visit_withdraw
from helpers.models import HelperProfile
from notifications.models import Notification
from notifications.services import render_notification_email
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
Kind = Notification.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}
CODE = "8642"  # every booking here gets this door code, so a page can be searched for it
DASHBOARD = reverse("bookings:helper_dashboard")
REPORT = {
    "worked_minutes": "90",
    "work_done": "Router moved to the hall, repeater set up.",
    "devices": "Internet-Box 3\nFritz!Repeater 1200",
    "recommendations": "Restart monthly.",
}


def job(status: str = S.CONFIRMED, *, hours: float = 1, **fields: Any) -> Booking:
    """A job of an approved helper starting in ``hours`` (negative: started already); the
    helper and the customer read Mila in English (the texts below are the source texts)."""
    start = timezone.now() + timedelta(hours=hours)
    fields.setdefault("helper", HelperProfileFactory(user__preferred_language="en"))
    return BookingFactory.create(
        status=status, starts_at=start, ends_at=start + timedelta(hours=1), visit_code=CODE,
        customer__preferred_language="en", **fields,
    )  # fmt: skip


def helper_of(booking: Booking) -> HelperProfile:
    assert booking.helper is not None
    return booking.helper


def helper_user(booking: Booking) -> Any:
    return helper_of(booking).user


def url(name: str, booking: Booking) -> str:
    return reverse(f"bookings:{name}", args=[booking.reference])


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(booking: Booking) -> dict[str, Any]:
    """Everything a visit action may write."""
    return {
        "booking": Booking.objects.filter(pk=booking.pk).values().get(),
        "helpers": list(HelperProfile.objects.order_by("pk").values()),
        "offers": list(Offer.objects.order_by("pk").values()),
        "events": BookingEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "reports": VisitReport.objects.count(),
    }


def message(text: str, level: str = "error") -> str:
    """A message as the page shows it (includes/messages.html)."""
    return f'<p class="message message-{level}">{escape(text)}</p>'


def body(response: Any) -> str:
    return response.content.decode()


@dataclass(frozen=True)
class Action:
    """One thing the job page does, posted (or fetched) from the status it starts from."""

    name: str
    starts_from: str
    data: dict[str, str] = field(default_factory=dict)
    hours: float = 1  # when the visit starts, from now
    post: bool = True
    ends_in: str | None = None  # the status after it

    def __str__(self) -> str:
        return self.name

    def booking(self) -> Booking:
        return job(self.starts_from, hours=self.hours)

    def send(self, client: Client, booking: Booking, **extra: Any) -> Any:
        send = client.post if self.post else client.get
        return send(url(self.name, booking), self.data, **extra)


PAGE = Action("helper_job", S.CONFIRMED, post=False)
LIVE = Action("helper_job_live", S.CONFIRMED, post=False)
EN_ROUTE = Action("job_en_route", S.CONFIRMED, {"eta_minutes": "15"}, ends_in=S.EN_ROUTE)
START = Action("job_start", S.EN_ROUTE, {"door_checked": "on"}, ends_in=S.IN_PROGRESS)
COMPLETE = Action("job_complete", S.IN_PROGRESS, REPORT, ends_in=S.COMPLETED)
# Started half an hour ago, no arrival time given: the ten minutes of waiting are over.
NO_SHOW = Action("job_no_show", S.EN_ROUTE, {"tried": "on"}, hours=-0.5, ends_in=S.CANCELLED)
WITHDRAW = Action("job_withdraw", S.CONFIRMED, {"reason": "ill"}, hours=72, ends_in=S.SEARCHING)
POSTS = [EN_ROUTE, START, COMPLETE, NO_SHOW, WITHDRAW]
ACTIONS = [PAGE, LIVE, *POSTS]


# --- 1. every action × every role --------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_the_assigned_helper_may_do_each_action(action: Action) -> None:
    booking = action.booking()
    response = action.send(as_user(helper_user(booking)), booking)
    booking.refresh_from_db()
    if not action.post:
        assert response.status_code == 200
        assert booking.street in body(response)
    elif action is WITHDRAW:  # no longer their job: back to the dashboard
        assert (response.status_code, response["Location"]) == (302, DASHBOARD)
    else:
        assert (response.status_code, response["Location"]) == (302, url("helper_job", booking))
    assert booking.status == (action.ends_in or action.starts_from)


def _another_helper(booking: Booking) -> Any:
    return HelperProfileFactory(user__preferred_language="en").user


def _outbid_helper(booking: Booking) -> Any:
    """A helper who was offered the job too, but another helper took it first."""
    helper = HelperProfileFactory(user__preferred_language="en")
    sent = timezone.now() - timedelta(minutes=30)
    Offer.objects.create(booking=booking, helper=helper, wave=1, score=0.5, sent_at=sent,
                         expires_at=sent + timedelta(hours=1), status=Offer.Status.WITHDRAWN,
                         withdrawn_reason=Offer.Withdrawn.TAKEN)  # fmt: skip
    return helper.user


ROLES: dict[str, Callable[[Booking], Any]] = {
    "another_helper": _another_helper,
    "outbid_helper": _outbid_helper,
    "customer": lambda booking: booking.customer,
    "staff": lambda booking: UserFactory(is_staff=True, preferred_language="en"),
}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_nobody_else_may_do_any_action(action: Action, role: str) -> None:
    booking = action.booking()
    client = Client() if role == "anonymous" else as_user(ROLES[role](booking))
    before = snapshot(booking)
    response = action.send(client, booking)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == redirect_to_login(url(action.name, booking)).url
    else:
        assert response.status_code == 404
        assert CODE not in body(response) and booking.street not in body(response)
    assert snapshot(booking) == before


# --- 2. an action from a status it does not start from -----------------------------------------

SET_OFF_ONLY_CONFIRMED = "You can set off only for a confirmed job."
FIRST_ON_THE_WAY = "First say that you are on your way; then the visit can start at the door."
NOT_STARTED = "You can complete a visit once it has started."
NOT_ON_THE_WAY = "You can report this only when you are on your way to the visit."
TOO_LATE_TO_GIVE_BACK = "This job can no longer be given back. Please call us."

WRONG_STATUSES = [
    (EN_ROUTE, S.IN_PROGRESS, SET_OFF_ONLY_CONFIRMED),
    (EN_ROUTE, S.COMPLETED, SET_OFF_ONLY_CONFIRMED),
    (EN_ROUTE, S.CANCELLED, SET_OFF_ONLY_CONFIRMED),
    (START, S.CONFIRMED, FIRST_ON_THE_WAY),
    (START, S.COMPLETED, FIRST_ON_THE_WAY),
    (START, S.CANCELLED, FIRST_ON_THE_WAY),
    (COMPLETE, S.CONFIRMED, NOT_STARTED),
    (COMPLETE, S.EN_ROUTE, NOT_STARTED),
    (COMPLETE, S.CANCELLED, NOT_STARTED),
    (NO_SHOW, S.CONFIRMED, NOT_ON_THE_WAY),
    (NO_SHOW, S.IN_PROGRESS, NOT_ON_THE_WAY),
    (NO_SHOW, S.COMPLETED, NOT_ON_THE_WAY),
    (NO_SHOW, S.CANCELLED, NOT_ON_THE_WAY),  # the customer cancelled: not a no-show
    (WITHDRAW, S.IN_PROGRESS, TOO_LATE_TO_GIVE_BACK),
    (WITHDRAW, S.COMPLETED, TOO_LATE_TO_GIVE_BACK),
    (WITHDRAW, S.CANCELLED, TOO_LATE_TO_GIVE_BACK),
]


@pytest.mark.parametrize(
    ("action", "status", "text"), WRONG_STATUSES,
    ids=[f"{action}-from-{status}" for action, status, _ in WRONG_STATUSES],
)  # fmt: skip
def test_an_action_from_a_wrong_status_is_refused(action: Action, status: str, text: str) -> None:
    booking = job(status, hours=action.hours)
    client = as_user(helper_user(booking))
    before = snapshot(booking)
    response = action.send(client, booking)
    assert (response.status_code, response["Location"]) == (302, url("helper_job", booking))
    assert message(text) in body(client.get(response["Location"]))
    assert snapshot(booking) == before


def test_on_my_way_more_than_three_hours_ahead_is_too_early() -> None:
    booking = job(hours=3.5)
    client = as_user(helper_user(booking))
    before = snapshot(booking)
    response = client.post(url("job_en_route", booking), {"eta_minutes": "15"}, follow=True)
    assert message("You can set off at the earliest 3 hours before the visit.") in body(response)
    assert snapshot(booking) == before


# --- 3. double submit --------------------------------------------------------------------------

ALREADY = {
    EN_ROUTE.name: "You have already said that you are on your way.",
    START.name: "The visit has already started.",
    COMPLETE.name: "This visit is already completed.",
    NO_SHOW.name: "You have already reported that the customer was not there.",
    WITHDRAW.name: "You have already given this job back.",
}


def _transitions(booking: Booking, action: Action) -> int:
    return BookingEvent.objects.filter(booking=booking, to_status=action.ends_in).count()


@pytest.mark.parametrize("action", POSTS, ids=str)
def test_posting_twice_changes_once_and_says_so(action: Action) -> None:
    booking = action.booking()
    client = as_user(helper_user(booking))
    assert action.send(client, booking, follow=True).status_code == 200
    after_first = snapshot(booking)
    response = action.send(client, booking, follow=True)
    assert response.status_code == 200
    assert message(ALREADY[action.name], "info") in body(response)
    assert _transitions(booking, action) == 1
    assert snapshot(booking) == after_first
    # The first post's redirect went where the second one's did.
    page = DASHBOARD if action is WITHDRAW else url("helper_job", booking)
    assert response.redirect_chain == [(page, 302)]


@pytest.mark.parametrize("action", [EN_ROUTE, START, COMPLETE, NO_SHOW], ids=str)
def test_posting_twice_with_htmx_answers_with_the_job_and_the_message(action: Action) -> None:
    booking = action.booking()
    client = as_user(helper_user(booking))
    assert action.send(client, booking, **HTMX).status_code == 200
    response = action.send(client, booking, **HTMX)
    assert response.status_code == 200
    assert body(response).lstrip().startswith('<div id="job"')
    assert message(ALREADY[action.name], "info") in body(response)
    assert _transitions(booking, action) == 1


def test_giving_back_twice_with_htmx_sends_the_helper_to_the_dashboard() -> None:
    """A given-back job is not theirs any more: no job to swap in, the dashboard instead."""
    booking = WITHDRAW.booking()
    client = as_user(helper_user(booking))
    for _ in range(2):
        response = WITHDRAW.send(client, booking, **HTMX)
        assert (response.status_code, response["HX-Redirect"]) == (204, DASHBOARD)
    assert _transitions(booking, WITHDRAW) == 1
    assert message(ALREADY[WITHDRAW.name], "info") in body(client.get(DASHBOARD))


# --- 4. bad input ------------------------------------------------------------------------------

SHORT_REPORT = "Please write a little more (at least 20 characters)."
NO_DURATION = "Please choose how long the visit took."
NO_REASON = "Please say why you give the job back."
BAD_INPUT = [  # (action, what was posted, the error shown, sent by htmx)
    pytest.param(EN_ROUTE, {"eta_minutes": "4"}, "At least 5 minutes, please.", False, id="eta-4"),
    pytest.param(EN_ROUTE, {"eta_minutes": "121"}, "At most 120 minutes, please.", False,
                 id="eta-121"),
    pytest.param(EN_ROUTE, {"eta_minutes": "abc"}, "Please enter the minutes as a number.", True,
                 id="eta-abc-htmx"),
    pytest.param(START, {}, "Please tell the customer the code at the door first.", False,
                 id="start-without-door-check"),
    pytest.param(START, {}, "Please tell the customer the code at the door first.", True,
                 id="start-without-door-check-htmx"),
    pytest.param(COMPLETE, {**REPORT, "work_done": "x" * 19}, SHORT_REPORT, False,
                 id="report-19-characters"),
    pytest.param(COMPLETE, {**REPORT, "work_done": f"    {'x' * 19}    "}, SHORT_REPORT, False,
                 id="report-19-characters-and-spaces"),
    pytest.param(COMPLETE, {**REPORT, "worked_minutes": "45"}, NO_DURATION, False,
                 id="worked-45-minutes"),
    pytest.param(COMPLETE, {**REPORT, "worked_minutes": "45"}, NO_DURATION, True,
                 id="worked-45-minutes-htmx"),
    pytest.param(NO_SHOW, {}, "Please ring and call the customer first.", False,
                 id="no-show-without-trying"),
    pytest.param(WITHDRAW, {"note": "Sorry"}, NO_REASON, False, id="withdraw-without-reason"),
    pytest.param(WITHDRAW, {"reason": "bored"}, NO_REASON, True, id="withdraw-unknown-reason-htmx"),
]  # fmt: skip


@pytest.mark.parametrize(("action", "data", "error", "htmx"), BAD_INPUT)
def test_bad_input_is_shown_and_changes_nothing(
    action: Action, data: dict[str, str], error: str, htmx: bool
) -> None:
    booking = action.booking()
    client = as_user(helper_user(booking))
    before = snapshot(booking)
    response = client.post(url(action.name, booking), data, **(HTMX if htmx else {}))
    assert response.status_code == 200  # the form again, with what was typed
    assert escape(error) in body(response)
    assert body(response).lstrip().startswith('<div id="job"') == htmx
    assert snapshot(booking) == before
    assert Booking.objects.get(pk=booking.pk).status == action.starts_from
    assert not VisitReport.objects.exists()


def test_customer_not_there_before_the_wait_is_over_names_the_time() -> None:
    booking = job(S.EN_ROUTE, hours=-0.1)  # started six minutes ago: four more to wait
    client = as_user(helper_user(booking))
    before = snapshot(booking)
    response = client.post(url("job_no_show", booking), {"tried": "on"}, follow=True)
    time = timezone.localtime(booking.starts_at + timedelta(minutes=10)).strftime("%H:%M")
    text = f"Please wait until {time} and try to call the customer first."
    assert message(text) in body(response)
    assert snapshot(booking) == before


def _at(minutes: float, start: datetime) -> datetime:
    return start + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("eta_minutes", "wait_until_minutes"),
    [(None, 10), (-20, 10), (25, 35)],  # the later of start and arrival, plus ten minutes
    ids=["no-arrival-time", "arrival-before-start", "arrival-after-start"],
)
def test_customer_not_there_is_possible_from_exactly_the_boundary(
    eta_minutes: int | None, wait_until_minutes: int
) -> None:
    start = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    eta = None if eta_minutes is None else _at(eta_minutes, start)
    booking = BookingFactory(status=S.EN_ROUTE, starts_at=start, ends_at=_at(60, start),
                             eta_at=eta, visit_code=CODE)  # fmt: skip
    boundary = _at(wait_until_minutes, start)
    assert no_show_possible_from(booking) == boundary
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        visit_no_show(booking=booking, user=helper_user(booking),
                      now=boundary - timedelta(microseconds=1))  # fmt: skip
    assert refused.value.code == "too_early"
    assert snapshot(booking) == before
    visit_no_show(booking=booking, user=helper_user(booking), now=boundary)
    booking.refresh_from_db()
    assert (booking.status, booking.no_show, booking.cancelled_at) == (S.CANCELLED, True, boundary)


# --- 5. the door code --------------------------------------------------------------------------


def _door_code_shown(html: str) -> bool:
    return CODE in html or "data-door-code" in html


def test_the_helper_sees_the_door_code_only_once_on_the_way() -> None:
    booking = job(S.CONFIRMED)
    client = as_user(helper_user(booking))
    assert not _door_code_shown(body(client.get(url("helper_job", booking))))
    assert not _door_code_shown(body(client.get(url("helper_job_live", booking))))
    client.post(url("job_en_route", booking), {"eta_minutes": "15"})
    html = body(client.get(url("helper_job", booking)))
    assert f'<p class="visit-code-digits" data-door-code>{CODE}</p>' in html


def test_another_helper_never_gets_the_door_code() -> None:
    booking = job(S.EN_ROUTE)
    client = as_user(_another_helper(booking))
    for name in ("helper_job", "helper_job_live"):
        response = client.get(url(name, booking))
        assert response.status_code == 404 and not _door_code_shown(body(response))


def test_the_helper_dashboard_does_not_show_the_door_code_of_a_confirmed_job() -> None:
    booking = job(S.CONFIRMED)
    html = body(as_user(helper_user(booking)).get(DASHBOARD))
    assert f'id="job-{booking.reference}"' in html  # the job is listed…
    assert not _door_code_shown(html)  # …without its code


def test_no_email_to_the_helper_before_they_set_off_has_the_door_code(
    booking: Booking, make_helper: Callable[..., HelperProfile]
) -> None:
    Booking.objects.filter(pk=booking.pk).update(visit_code=CODE)
    helper = make_helper()
    matching_advance(booking_id=booking.pk)
    offer_accept(offer=Offer.objects.get(booking=booking, helper=helper), user=helper.user)
    sent = Notification.objects.filter(recipient=helper.user)
    assert set(sent.values_list("kind", flat=True)) == {Kind.OFFER_NEW, Kind.JOB_CONFIRMED}
    for notification in sent:
        email = render_notification_email(notification)
        html = str(email.alternatives[0][0])
        for text in (email.subject, email.body, html):
            assert CODE not in text, notification.kind


@pytest.mark.parametrize("status", [S.CONFIRMED, S.EN_ROUTE])
def test_the_customer_sees_the_door_code_while_the_helper_is_coming(status: str) -> None:
    booking = job(status)
    html = body(as_user(booking.customer).get(url("detail", booking)))
    assert "Open the door only to a helper who tells you this code" in html
    assert f'<p class="visit-code-digits" data-door-code>{CODE}</p>' in html


def _set_off(booking: Booking) -> Notification:
    as_user(helper_user(booking)).post(url("job_en_route", booking), {"eta_minutes": "15"})
    return Notification.objects.get(kind=Kind.BOOKING_EN_ROUTE)


def test_the_customer_is_told_that_the_helper_is_on_the_way() -> None:
    booking = job(S.CONFIRMED)
    told = _set_off(booking)
    assert told.recipient == booking.customer
    assert told.context["booking_id"] == booking.pk  # the e-mail loads the booking, and its code
    assert told.context["audience"] == "customer"
    assert told.context["eta_minutes"] == 15
    assert not Notification.objects.filter(recipient=helper_user(booking)).exists()


def test_the_on_the_way_email_to_the_customer_has_the_door_code() -> None:
    booking = job(S.CONFIRMED)
    email = render_notification_email(_set_off(booking))
    sentence = f"Open the door only to a helper who tells you the code {CODE}."
    assert sentence in email.body
    assert CODE in str(email.alternatives[0][0])


# --- 6. giving a job back ----------------------------------------------------------------------


def _staff() -> list[Any]:
    """Two active staff users, and one who left (never told)."""
    UserFactory(is_staff=True, is_active=False)
    return [UserFactory(is_staff=True), UserFactory(is_staff=True)]


def _offer_of(booking: Booking, helper: HelperProfile) -> Offer:
    return Offer.objects.get(booking=booking, helper=helper)


def test_giving_back_three_days_ahead_searches_again_quietly() -> None:
    staff = _staff()
    booking = WITHDRAW.booking()
    helper = helper_of(booking)
    response = WITHDRAW.send(as_user(helper.user), booking, follow=True)
    assert message("The job is given back. We are looking for another helper.", "success") in (
        body(response)
    )
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.SEARCHING, None)
    assert Notification.objects.get(kind=Kind.BOOKING_HELPER_CHANGED).recipient == booking.customer
    assert _offer_of(booking, helper).withdrawn_reason == Offer.Withdrawn.GAVE_BACK
    assert HelperProfile.objects.get(pk=helper.pk).late_withdrawals == 0
    assert not Notification.objects.filter(recipient__in=staff).exists()


def test_giving_back_within_a_day_counts_and_tells_every_active_staff_user() -> None:
    staff = _staff()
    booking = job(S.CONFIRMED, hours=5)
    response = WITHDRAW.send(as_user(helper_user(booking)), booking)
    assert response.status_code == 302
    assert HelperProfile.objects.get(pk=booking.helper_id).late_withdrawals == 1
    told = Notification.objects.filter(kind=Kind.STAFF_LATE_WITHDRAWAL)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(u.pk for u in staff)
    assert told.first().context["hours_before"] == 4  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("before_start", "late"),
    [(timedelta(hours=24), False), (timedelta(hours=24) - timedelta(seconds=1), True)],
    ids=["exactly-24h-ahead", "a-second-later"],
)
def test_a_withdrawal_is_late_from_less_than_24_hours_before_the_start(
    before_start: timedelta, late: bool
) -> None:
    booking = job(S.CONFIRMED, hours=72)
    helper = helper_of(booking)
    visit_withdraw(booking=booking, user=helper.user, reason="emergency",
                   now=booking.starts_at - before_start)  # fmt: skip
    assert HelperProfile.objects.get(pk=helper.pk).late_withdrawals == int(late)
    event = BookingEvent.objects.get(booking=booking, to_status=S.SEARCHING)
    assert event.data["late"] is late


def test_after_giving_back_the_job_page_shows_nothing_of_the_customer() -> None:
    booking = WITHDRAW.booking()
    client = as_user(helper_user(booking))
    WITHDRAW.send(client, booking)
    response = client.get(url("helper_job", booking))
    html = body(response)
    assert response.status_code == 200 and "You gave this job back" in html
    for private in (booking.street, booking.phone, "123 45 67", booking.problem, CODE):
        assert private not in html
    assert client.get(url("helper_job_live", booking)).status_code == 404


def test_a_door_code_seen_by_a_helper_who_gave_back_is_not_the_next_helpers() -> None:
    booking = job(S.EN_ROUTE, hours=2)
    client = as_user(helper_user(booking))
    assert CODE in body(client.get(url("helper_job", booking)))  # they saw it
    WITHDRAW.send(client, booking)
    next_helper = HelperProfileFactory()
    booking_assign(booking=booking, helper=next_helper, actor=UserFactory(is_staff=True))
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, next_helper)
    assert booking.visit_code != CODE


def test_matching_does_not_offer_a_given_back_job_to_that_helper_again(
    service: Any, make_helper: Callable[..., HelperProfile]
) -> None:
    helper = make_helper()  # the only helper who could do it
    booking = BookingFactory(service=service, status=S.CONFIRMED, helper=helper)
    visit_withdraw(booking=booking, user=helper.user, reason="transport")
    matching_advance(booking_id=booking.pk, now=timezone.now())
    booking.refresh_from_db()
    assert booking.status == S.UNFULFILLED  # searched, and nobody was left to ask
    assert not Offer.objects.filter(helper=helper, status=Offer.Status.PENDING).exists()
    # They are still a candidate for any other job.
    other = BookingFactory(service=service, starts_at=booking.starts_at + timedelta(days=1))
    matching_advance(booking_id=other.pk, now=timezone.now())
    assert _offer_of(other, helper).status == Offer.Status.PENDING


# --- 7. the customer was not there -------------------------------------------------------------


def test_customer_not_there_closes_the_visit_with_the_full_price() -> None:
    staff = _staff()
    booking = NO_SHOW.booking()
    response = NO_SHOW.send(as_user(helper_user(booking)), booking, follow=True)
    assert "Closed: the customer was not there." in body(response)
    booking.refresh_from_db()
    assert (booking.status, booking.no_show) == (S.CANCELLED, True)
    assert booking.cancellation_fee == booking.price_base  # the policy: 100 %
    told = Notification.objects.get(kind=Kind.BOOKING_NO_SHOW)
    assert (told.recipient, told.context["fee"]) == (booking.customer, booking.price_base)
    staff_told = Notification.objects.filter(kind=Kind.STAFF_NO_SHOW)
    assert sorted(staff_told.values_list("recipient", flat=True)) == sorted(u.pk for u in staff)
    assert "missed-visit fee" in body(as_user(booking.customer).get(url("detail", booking)))
