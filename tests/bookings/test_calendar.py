"""Visits in people's calendars: the .ics files on booking e-mails (one event per booking,
replaced on every change, cancelled when it is off) and the helper's private feed."""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from bookings.calendar import notification_calendar
from bookings.matching.dispatch import matching_advance
from bookings.matching.responses import offer_accept
from bookings.models import Booking, Offer
from bookings.notices import notify_booking
from bookings.services import booking_cancel, booking_reschedule
from helpers.models import HelperProfile
from notifications.models import Notification
from notifications.services import ATTACHMENT_BUILDERS, render_notification_email
from tests.factories import BookingFactory, HelperProfileFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

ZURICH = ZoneInfo("Europe/Zurich")
DOOR_CODE = "1010"  # 0 and 1 are never in a reference, so this can only be the door code
PHONE = "+41791234567"
MANAGE = reverse("bookings:helper_calendar")
DASHBOARD = reverse("bookings:helper_dashboard")


def local(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), ZURICH)


@pytest.fixture
def booking(service: Any) -> Any:
    """A visit at 14:00 Swiss time in three days, looking for a helper."""
    starts = local(3, 14)
    return BookingFactory(
        service=service, starts_at=starts, ends_at=starts + timedelta(hours=1),
        visit_code=DOOR_CODE, phone=PHONE, customer__first_name="Ruth",
        customer__last_name="Quellenbrunner",
    )  # fmt: skip


@pytest.fixture
def helper(make_helper: Callable[..., HelperProfile]) -> HelperProfile:
    """The helper who takes the booking; they read Mila in English."""
    helper = make_helper()
    helper.user.preferred_language = "en"
    helper.user.save()
    return helper


@pytest.fixture
def sent(django_capture_on_commit_callbacks: Callable) -> Callable[[Callable[[], Any]], None]:
    """Run a change and deliver the e-mails it queued (the outbox sends after commit)."""

    def run(change: Callable[[], Any]) -> None:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture
def confirmed(booking: Booking, helper: HelperProfile, sent: Callable) -> Booking:
    """The helper accepted the booking; the e-mails of that are in mail.outbox."""
    matching_advance(booking_id=booking.pk)
    offer = Offer.objects.get(booking=booking, helper=helper)
    sent(lambda: offer_accept(offer=offer, user=helper.user))
    booking.refresh_from_db()
    return booking


def ics_files(message: Any) -> list[str]:
    return [
        content for filename, content, mimetype in message.attachments
        if filename.endswith(".ics") and mimetype == "text/calendar"
    ]  # fmt: skip


def calendars_to(user: Any) -> list[tuple[str, Calendar]]:
    """(raw text, parsed calendar) of each .ics sent to ``user`` since the last change."""
    return [
        (str(content), Calendar.from_ical(content))
        for message in mail.outbox
        if message.to == [user.email]
        for content in ics_files(message)
    ]


def only_event(user: Any) -> tuple[str, str, Event]:
    """The one .ics sent to ``user``: its raw text, METHOD and its one event."""
    files = calendars_to(user)
    assert len(files) == 1, f"{len(files)} calendar files to {user.email}"
    raw, calendar = files[0]
    assert len(calendar.events) == 1
    return raw, str(calendar["METHOD"]), calendar.events[0]


def without_times(raw: str) -> str:
    """The text of an .ics without its date-time lines (a time like 10:10 is not a code)."""
    times = re.compile(r"^(DTSTART|DTEND|DTSTAMP|TZOFFSETFROM|TZOFFSETTO|RRULE|RDATE)[;:]")
    return "\n".join(line for line in raw.splitlines() if not times.match(line))


# --- e-mails -----------------------------------------------------------------------------------


def test_helper_found_carries_the_visit_at_its_swiss_time(confirmed: Booking) -> None:
    raw, method, event = only_event(confirmed.customer)
    assert method == "PUBLISH"
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert "DTSTART;TZID=Europe/Zurich:" + local(3, 14).strftime("%Y%m%dT140000") in raw
    assert (event.start.hour, event.start.tzinfo) == (14, ZURICH)
    assert (event.start, event.end) == (confirmed.starts_at, confirmed.ends_at)  # same instants
    assert str(event["UID"]) == f"booking-{confirmed.reference}@mila.ch"
    assert event["SEQUENCE"] == confirmed.events.count() == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "WLAN einrichten · Mila"  # the customer reads German
    assert str(event["LOCATION"]) == "Limmatquai 1, 8001 Zürich"
    assert "DTSTAMP" in event
    page = settings.SITE_URL.rstrip("/") + reverse("bookings:detail", args=[confirmed.reference])
    assert page in str(event["DESCRIPTION"])
    assert f"Buchung {confirmed.reference}" in str(event["DESCRIPTION"])  # in German, too
    assert [tz.tz_name for tz in Calendar.from_ical(raw).timezones] == ["Europe/Zurich"]
    assert "BEGIN:VTIMEZONE" in raw
    assert PHONE not in raw and PHONE[3:] not in raw


def test_job_confirmed_carries_the_same_event_without_door_code_or_phone(
    confirmed: Booking, helper: HelperProfile
) -> None:
    _raw, _method, for_customer = only_event(confirmed.customer)
    raw, method, event = only_event(helper.user)
    assert method == "PUBLISH"
    assert str(event["UID"]) == str(for_customer["UID"])
    assert (event.start, event.end) == (confirmed.starts_at, confirmed.ends_at)
    assert str(event["SUMMARY"]) == "Set up Wi-Fi · Mila"  # in the helper's language
    job = settings.SITE_URL.rstrip("/") + reverse("bookings:helper_job", args=[confirmed.reference])
    assert job in str(event["DESCRIPTION"])
    assert "Ruth" in str(event["DESCRIPTION"])
    assert DOOR_CODE not in without_times(raw)
    assert PHONE not in raw and PHONE[3:] not in raw
    assert "Quellenbrunner" not in raw


def test_cancelling_cancels_the_event_for_customer_and_helper(
    confirmed: Booking, helper: HelperProfile, sent: Callable
) -> None:
    _raw, _method, before = only_event(confirmed.customer)
    sent(lambda: booking_cancel(booking=confirmed, actor=confirmed.customer, role="customer"))
    for person in (confirmed.customer, helper.user):
        _raw, method, event = only_event(person)
        assert method == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == str(before["UID"])
        assert event["SEQUENCE"] > before["SEQUENCE"]
    assert DOOR_CODE not in without_times(only_event(helper.user)[0])


def test_moving_updates_the_customer_and_cancels_for_the_old_helper(
    confirmed: Booking, helper: HelperProfile, sent: Callable
) -> None:
    _raw, _method, before = only_event(confirmed.customer)
    _raw, _method, held = only_event(helper.user)
    new_start = local(4, 16)
    sent(lambda: booking_reschedule(booking=confirmed, actor=confirmed.customer,
                                    starts_at=new_start))  # fmt: skip

    _raw, method, moved = only_event(confirmed.customer)
    assert method == "PUBLISH"
    assert str(moved["UID"]) == str(before["UID"])
    assert moved["SEQUENCE"] > before["SEQUENCE"]
    assert (moved.start, moved.start.hour) == (new_start, 16)
    assert str(moved["STATUS"]) == "TENTATIVE"  # looking for a helper for the new time

    raw, method, dropped = only_event(helper.user)
    assert method == "CANCEL"
    assert str(dropped["STATUS"]) == "CANCELLED"
    assert str(dropped["UID"]) == str(held["UID"])
    assert dropped["SEQUENCE"] > held["SEQUENCE"]
    assert dropped.start == held.start  # the time they held, not the new one
    assert DOOR_CODE not in without_times(raw)

    # They take the new time after all: the event is theirs again, newer than the cancel.
    offer = Offer.objects.get(booking=confirmed, helper=helper, status="pending")
    sent(lambda: offer_accept(offer=offer, user=helper.user))
    _raw, method, again = only_event(helper.user)
    assert method == "PUBLISH"
    assert again.start == new_start
    assert again["SEQUENCE"] > dropped["SEQUENCE"]


def test_a_late_email_tells_what_is_true_when_it_leaves(
    confirmed: Booking, helper: HelperProfile, sent: Callable
) -> None:
    """A "job confirmed" that only goes out after the cancellation (the worker was down)
    must not put the cancelled visit back into the helper's calendar."""
    sent(lambda: booking_cancel(booking=confirmed, actor=confirmed.customer, role="customer"))
    late = render_notification_email(Notification.objects.get(kind="job_confirmed"))
    calendar = Calendar.from_ical(ics_files(late)[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert calendar.events[0]["SEQUENCE"] == confirmed.events.count()


def test_no_show_cancels_the_event_for_the_customer(confirmed: Booking) -> None:
    assert notification_calendar in ATTACHMENT_BUILDERS["booking_no_show"]
    Booking.objects.filter(pk=confirmed.pk).update(no_show=True, status="completed")
    confirmed.refresh_from_db()
    notification = Notification(recipient=confirmed.customer, kind="booking_no_show")
    [(filename, content, mimetype)] = notification_calendar(
        notification, {"booking": confirmed, "audience": "customer"}
    )
    calendar = Calendar.from_ical(content)
    assert (filename, mimetype) == (f"mila-{confirmed.reference}.ics", "text/calendar")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.events[0]["STATUS"]) == "CANCELLED"


def test_other_emails_carry_no_calendar(booking: Booking, sent: Callable) -> None:
    sent(lambda: notify_booking(booking, "booking_received", recipients=[booking.customer]))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments == []


def test_attachments_registry_attaches_what_a_builder_returns(monkeypatch: Any) -> None:
    def builder(notification: Notification, context: dict[str, Any]) -> list[Any]:
        return [("hello.txt", f"for {context['recipient'].first_name}", "text/plain")]

    monkeypatch.setitem(ATTACHMENT_BUILDERS, "welcome", [builder])
    message = render_notification_email(NotificationFactory(recipient__first_name="Ruth"))
    assert [(a.filename, a.content, a.mimetype) for a in message.attachments] == [
        ("hello.txt", "for Ruth", "text/plain")
    ]


# --- the helper's feed -------------------------------------------------------------------------


def feed_url(token: str) -> str:
    return reverse("bookings:helper_calendar_feed", args=[token])


@pytest.fixture
def feed_helper(helper: HelperProfile) -> HelperProfile:
    HelperProfile.objects.filter(pk=helper.pk).update(calendar_token="s3cret-" + "x" * 36)
    helper.refresh_from_db()
    return helper


@pytest.fixture
def jobs(feed_helper: HelperProfile, service: Any) -> dict[str, Booking]:
    """The feed helper's jobs, some of which belong in the feed, and another helper's."""

    def job(days: int, status: str, helper: Any = feed_helper) -> Any:
        starts = local(days, 9)
        return BookingFactory(service=service, status=status, helper=helper, starts_at=starts,
                              ends_at=starts + timedelta(hours=1), visit_code=DOOR_CODE,
                              phone=PHONE, customer__first_name="Ruth")  # fmt: skip

    return {
        "confirmed": job(2, "confirmed"),
        "en_route": job(0, "en_route"),
        "done_lately": job(-3, "completed"),
        "done_long_ago": job(-20, "completed"),
        "cancelled": job(5, "cancelled"),
        "someone_elses": job(6, "confirmed", helper=HelperProfileFactory()),
    }


def test_feed_lists_the_helpers_jobs_only(
    client: Client, feed_helper: HelperProfile, jobs: dict[str, Booking],
    django_assert_max_num_queries: Callable,
) -> None:  # fmt: skip
    with django_assert_max_num_queries(2):  # the helper, and all their jobs at once
        response = client.get(feed_url(feed_helper.calendar_token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    raw = response.content.decode()
    calendar = Calendar.from_ical(raw)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Mila"
    uids = [str(event["UID"]) for event in calendar.events]
    expected = [jobs[name] for name in ("done_lately", "en_route", "confirmed")]
    assert uids == [f"booking-{job.reference}@mila.ch" for job in expected]
    first = calendar.events[0]
    assert (first.start, first["DTSTART"].params["TZID"]) == (local(-3, 9), "Europe/Zurich")
    assert str(first["SUMMARY"]) == "Set up Wi-Fi · Mila"
    assert str(first["LOCATION"]) == "Limmatquai 1, 8001 Zürich"
    assert "Ruth" in str(first["DESCRIPTION"])
    assert DOOR_CODE not in without_times(raw)
    assert PHONE not in raw and PHONE[3:] not in raw


def test_feed_with_a_wrong_token_is_not_found(client: Client, feed_helper: HelperProfile) -> None:
    assert client.get(feed_url("s3cret-" + "y" * 36)).status_code == 404
    assert client.get(feed_url(feed_helper.calendar_token + "x")).status_code == 404


def test_a_suspended_helper_keeps_the_feed_a_closed_account_not(
    client: Client, feed_helper: HelperProfile
) -> None:
    HelperProfile.objects.filter(pk=feed_helper.pk).update(status="suspended")
    assert client.get(feed_url(feed_helper.calendar_token)).status_code == 200
    feed_helper.user.is_active = False
    feed_helper.user.save()
    assert client.get(feed_url(feed_helper.calendar_token)).status_code == 404


def test_turn_on_renew_and_turn_off(client: Client, helper: HelperProfile) -> None:
    client.force_login(helper.user)
    response = client.post(MANAGE, {"action": "on"})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD + "#calendar"
    helper.refresh_from_db()
    first = helper.calendar_token
    assert first and len(first) >= 43
    assert client.get(feed_url(first)).status_code == 200

    client.post(MANAGE, {"action": "renew"})
    helper.refresh_from_db()
    second = helper.calendar_token
    assert second and second != first
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200

    response = client.post(MANAGE, {"action": "off"}, follow=True)
    helper.refresh_from_db()
    assert helper.calendar_token is None
    assert client.get(feed_url(second)).status_code == 404
    assert [str(m) for m in response.context["messages"]] == [
        "Your calendar link is turned off. The old one no longer works."
    ]


def test_the_dashboard_shows_the_link_once_it_is_on(client: Client, helper: HelperProfile) -> None:
    client.force_login(helper.user)
    page = client.get(DASHBOARD).content.decode()
    assert 'id="calendar"' in page and 'value="on"' in page
    client.post(MANAGE, {"action": "on"})
    helper.refresh_from_db()
    page = client.get(DASHBOARD).content.decode()
    url = settings.SITE_URL.rstrip("/") + feed_url(helper.calendar_token)
    assert f'value="{url}"' in page
    assert 'href="webcal://' + url.split("://", 1)[1] + '"' in page
    assert 'value="renew"' in page and 'value="off"' in page


def test_an_applicant_sees_no_calendar_card(client: Client, helper: HelperProfile) -> None:
    HelperProfile.objects.filter(pk=helper.pk).update(status="applied")
    client.force_login(helper.user)
    assert 'id="calendar"' not in client.get(DASHBOARD).content.decode()
    assert client.post(MANAGE, {"action": "on"}).status_code == 404


def test_managing_needs_a_post_a_login_and_a_helper(client: Client, helper: HelperProfile) -> None:
    response = client.post(MANAGE, {"action": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(helper.user)
    assert client.get(MANAGE).status_code == 405
    assert client.post(MANAGE, {"action": "explode"}).status_code == 400
    client.force_login(UserFactory())
    assert client.post(MANAGE, {"action": "on"}).status_code == 404
    helper.refresh_from_db()
    assert helper.calendar_token is None
