"""Reminders 24 h and 1 h before a visit: to the customer and the helper, each exactly once."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.matching.responses import booking_assign
from bookings.models import Booking, Reminder
from bookings.reminders import reminder_due, reminder_windows, reminders_send
from bookings.services import booking_reschedule
from bookings.tasks import send_reminders
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

DAY, HOUR, SECOND = timedelta(hours=24), timedelta(hours=1), timedelta(seconds=1)
DOOR_CODE = "4739"  # appears nowhere else in the e-mails (not in a date, postcode or reference)


def confirmed(**fields: Any) -> Booking:
    """A confirmed visit three days ahead at 10:00, confirmed well before any reminder."""
    fields.setdefault("status", Booking.Status.CONFIRMED)
    fields.setdefault("visit_code", DOOR_CODE)
    booking: Booking = BookingFactory.create(**fields)
    if "confirmed_at" not in fields:
        booking.confirmed_at = booking.starts_at - timedelta(days=2)
        booking.save(update_fields=["confirmed_at"])
    return booking


def helper_of(booking: Booking) -> Any:
    """The user of the booking's helper."""
    assert booking.helper is not None
    return booking.helper.user


def reminders(booking: Booking) -> list[tuple[str, datetime]]:
    rows = Reminder.objects.filter(booking=booking).order_by("starts_at", "-kind")
    return [(row.kind, row.starts_at) for row in rows]


def reminder_notices(booking: Booking) -> list[tuple[str, str, int]]:
    """(audience, before, recipient id) of the reminder notifications about the booking."""
    rows = Notification.objects.filter(
        kind=Notification.Kind.BOOKING_REMINDER, context__booking_id=booking.pk
    ).order_by("pk")
    return [(n.context["audience"], n.context["before"], n.recipient_id) for n in rows]


@pytest.fixture
def send(django_capture_on_commit_callbacks: Callable) -> Callable[[datetime], int]:
    """Run the periodic service at ``now`` and deliver what it wrote (Celery is eager)."""

    def run(now: datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(now=now)

    return run


# The windows as pure values.


def test_windows_close_when_the_closer_reminder_opens() -> None:
    windows = reminder_windows({"1h": 1, "24h": 24})
    assert [(w.kind, w.lead, w.until) for w in windows] == [
        ("24h", DAY, HOUR),
        ("1h", HOUR, timedelta(0)),
    ]
    start = timezone.now()
    due = [reminder_due(starts_at=start, now=start - ahead, windows=windows)
           for ahead in (DAY + SECOND, DAY, HOUR + SECOND, HOUR, SECOND, timedelta(0))]  # fmt: skip
    assert due == [None, "24h", "24h", "1h", "1h", None]


# Once, to both.


@pytest.mark.django_db
def test_running_twice_sends_the_day_before_reminder_once_to_each(send) -> None:
    booking = confirmed()
    now = booking.starts_at - DAY + timedelta(minutes=5)

    assert send(now) == 1
    assert send(now + timedelta(minutes=1)) == 0

    assert reminders(booking) == [("24h", booking.starts_at)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [booking.customer.email, helper_of(booking).email]
    )
    assert sorted(reminder_notices(booking)) == sorted(
        [("customer", "24h", booking.customer_id), ("helper", "24h", helper_of(booking).pk)]
    )


@pytest.mark.django_db
def test_the_celery_task_sends_what_is_due_now() -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=30)
    booking = confirmed(starts_at=start, ends_at=start + HOUR)
    other = confirmed()  # three days ahead: nothing due yet

    assert send_reminders.delay().get() == 1

    assert reminders(booking) == [("1h", start)]
    assert reminders(other) == []


@pytest.mark.django_db
def test_a_late_run_sends_only_the_hour_before_reminder(send) -> None:
    booking = confirmed()

    assert send(booking.starts_at - timedelta(minutes=30)) == 1
    assert send(booking.starts_at - timedelta(minutes=20)) == 0

    assert reminders(booking) == [("1h", booking.starts_at)]
    assert len(mail.outbox) == 2
    assert {before for _, before, _ in reminder_notices(booking)} == {"1h"}


@pytest.mark.django_db
def test_day_before_reminder_is_due_at_exactly_24_hours_before(send) -> None:
    booking = confirmed()

    assert send(booking.starts_at - DAY - SECOND) == 0
    assert reminders(booking) == []
    assert send(booking.starts_at - DAY) == 1
    assert reminders(booking) == [("24h", booking.starts_at)]


@pytest.mark.django_db
def test_hour_before_reminder_is_due_at_exactly_one_hour_before(send) -> None:
    booking = confirmed()
    send(booking.starts_at - DAY)

    assert send(booking.starts_at - HOUR - SECOND) == 0
    assert reminders(booking) == [("24h", booking.starts_at)]
    assert send(booking.starts_at - HOUR) == 1
    assert reminders(booking) == [("24h", booking.starts_at), ("1h", booking.starts_at)]
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_nothing_once_the_visit_has_started(send) -> None:
    booking = confirmed()

    assert send(booking.starts_at) == 0
    assert send(booking.starts_at + timedelta(minutes=5)) == 0
    assert reminders(booking) == []


@pytest.mark.django_db
def test_a_full_batch_is_not_held_up_by_visits_already_reminded() -> None:
    first = confirmed()
    later = first.starts_at + timedelta(minutes=30)
    second = confirmed(starts_at=later, ends_at=later + HOUR)
    now = first.starts_at - 23 * HOUR

    assert reminders_send(now=now, limit=1) == 1
    assert reminders_send(now=now, limit=1) == 1

    assert reminders(first) == [("24h", first.starts_at)]
    assert reminders(second) == [("24h", later)]


# Only confirmed visits, only for their current time.


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["cancelled", "searching", "unfulfilled", "en_route"])
def test_no_reminder_unless_confirmed(send, status: str) -> None:
    helper = HelperProfileFactory() if status in ("cancelled", "en_route") else None
    booking = confirmed(status=status, helper=helper)

    assert send(booking.starts_at - 23 * HOUR) == 0
    assert send(booking.starts_at - timedelta(minutes=50)) == 0

    assert reminders(booking) == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_moved_visit_gets_reminders_for_its_new_time_once_confirmed_again(
    send, enqueued: list[int]
) -> None:
    booking = confirmed()
    old_start, helper = booking.starts_at, booking.helper
    send(old_start - DAY)
    new_start = old_start + timedelta(days=1)

    booking_reschedule(booking=booking, actor=booking.customer, starts_at=new_start)
    assert send(new_start - 23 * HOUR) == 0  # looking for a helper for the new time
    assert send(new_start - timedelta(minutes=50)) == 0
    assert reminders(booking) == [("24h", old_start)]

    booking_assign(booking=booking, helper=helper, actor=UserFactory(is_staff=True))
    mail.outbox.clear()
    assert send(new_start - 23 * HOUR) == 1
    assert send(new_start - timedelta(minutes=50)) == 1

    assert reminders(booking) == [("24h", old_start), ("24h", new_start), ("1h", new_start)]
    assert len(mail.outbox) == 4
    assert all(m.subject for m in mail.outbox)


# Only what was not known yet when the helper confirmed.


@pytest.mark.django_db
def test_a_visit_confirmed_five_hours_ahead_gets_only_the_hour_before_reminder(send) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    booking = confirmed(starts_at=start, ends_at=start + HOUR, confirmed_at=start - 5 * HOUR)

    assert send(start - 4 * HOUR) == 0
    assert send(start - HOUR) == 1

    assert reminders(booking) == [("1h", start)]


@pytest.mark.django_db
def test_a_visit_confirmed_20_minutes_before_the_start_gets_no_reminder(send) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    booking = confirmed(starts_at=start, ends_at=start + HOUR, timing=Booking.Timing.ASAP,
                        confirmed_at=start - timedelta(minutes=20))  # fmt: skip

    assert send(start - timedelta(minutes=15)) == 0
    assert reminders(booking) == []


@pytest.mark.django_db
def test_confirmed_at_the_moment_the_reminder_is_due_still_gets_it(send) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    booking = confirmed(starts_at=start, ends_at=start + HOUR, confirmed_at=start - DAY)

    assert send(start - DAY) == 1
    assert reminders(booking) == [("24h", start)]


# What the e-mails say.


@pytest.fixture
def visit(db: None) -> Booking:
    return confirmed(
        reference="MKQP-XAZW", customer__first_name="Ruth", customer__last_name="Quellenbrunner",
        helper__user__first_name="Lena", street="Seefeldstrasse 12", city="Zürich",
        postcode="8008",
    )  # fmt: skip


def emails_to(user: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def everything(message: Any) -> str:
    return "\n".join([message.subject, message.body, *(c for c, _ in message.alternatives)])


@pytest.mark.parametrize("before", [DAY, HOUR])
def test_only_the_customer_is_told_the_door_code(send, visit: Booking, before: timedelta) -> None:
    send(visit.starts_at - before)

    [to_customer] = emails_to(visit.customer)
    [to_helper] = emails_to(helper_of(visit))
    assert DOOR_CODE in to_customer.body
    assert DOOR_CODE in to_customer.alternatives[0][0]
    assert DOOR_CODE not in everything(to_helper)


def test_the_customer_reminder_says_who_comes_when_and_to_check_the_code(
    send, visit: Booking
) -> None:
    send(visit.starts_at - DAY)

    [message] = emails_to(visit.customer)
    text = message.body
    assert "Lena" in text
    assert "WLAN einrichten" in text
    assert visit.starts_at.astimezone(timezone.get_default_timezone()).strftime("%H:%M") in text
    assert f"Öffnen Sie die Tür nur einem Helfer, der Ihnen den Code {DOOR_CODE} nennt." in text
    assert (
        f"{settings.SITE_URL.rstrip('/')}{reverse('bookings:detail', args=[visit.reference])}"
        in text
    )
    assert "Quellenbrunner" not in everything(emails_to(helper_of(visit))[0])


def test_the_helper_reminder_has_the_address_and_a_link_to_the_job(send, visit: Booking) -> None:
    send(visit.starts_at - HOUR)

    [message] = emails_to(helper_of(visit))
    assert "Seefeldstrasse 12" in message.body
    assert "8008 Zürich" in message.body
    assert "Ruth" in message.body
    assert "WLAN einrichten" in message.subject
    assert reverse("bookings:helper_job", args=[visit.reference]) in message.body
    assert message.subject.startswith("In etwa einer Stunde: WLAN einrichten")


def test_reminders_are_in_the_recipients_language(send, visit: Booking) -> None:
    visit.customer.preferred_language = "fr"
    visit.customer.save(update_fields=["preferred_language"])
    helper_of(visit).preferred_language = "it"
    helper_of(visit).save(update_fields=["preferred_language"])

    send(visit.starts_at - HOUR)

    assert "Configurer le Wi-Fi" in emails_to(visit.customer)[0].body
    assert DOOR_CODE in emails_to(visit.customer)[0].body
    assert "Configurare il Wi-Fi" in emails_to(helper_of(visit))[0].body


def test_a_reminder_for_a_visit_cancelled_since_does_not_give_the_old_details(
    django_capture_on_commit_callbacks: Callable, visit: Booking
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        reminders_send(now=visit.starts_at - HOUR)
    Booking.objects.filter(pk=visit.pk).update(status=Booking.Status.CANCELLED)
    for deliver in delivery:
        deliver()

    [to_customer] = emails_to(visit.customer)
    assert DOOR_CODE not in to_customer.body
    assert "geändert" in to_customer.body


def test_the_inbox_shows_the_reminder(client, send, visit: Booking) -> None:
    send(visit.starts_at - DAY)

    client.force_login(helper_of(visit))
    page = client.get(reverse("notifications:inbox")).content.decode()

    assert "Erinnerung" in page
    assert DOOR_CODE not in page


def test_finding_what_is_due_is_one_query(
    django_assert_num_queries: Callable, visit: Booking
) -> None:
    for days in (4, 5, 6):
        confirmed(starts_at=visit.starts_at + timedelta(days=days),
                  ends_at=visit.starts_at + timedelta(days=days, hours=1))  # fmt: skip

    with django_assert_num_queries(1):
        assert reminders_send(now=visit.starts_at - 2 * DAY) == 0


# Two schedulers at once (PostgreSQL).


@pytest.mark.django_db(transaction=True)
@pytest.mark.services
def test_two_runs_at_once_send_each_reminder_once(postgres) -> None:
    bookings = [confirmed() for _ in range(10)]
    now = bookings[0].starts_at - 23 * HOUR

    results = []
    for _ in range(3):
        results += run_at_once(*(lambda: reminders_send(now=now) for _ in range(4)))

    assert all(outcome == "ok" for outcome, _ in results), results
    assert sum(sent for _, sent in results) == 10  # each visit counted by the run that sent it

    assert Reminder.objects.count() == 10
    for booking in bookings:
        assert reminders(booking) == [("24h", booking.starts_at)]
        assert len(reminder_notices(booking)) == 2
    assert len(mail.outbox) == 20
