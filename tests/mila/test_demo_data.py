"""The demo data tells no contradictions (issue 9, defect 12): numbers follow from rows, nobody
is in two places at once, every visit fits its helper's times and went through the status
machine, and nobody is "on the way" in data that is loaded once and then gets old.

The loader takes the moment it loads at (``seed_demo --now``); it is checked at a few awkward
ones besides the real clock."""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from bookings import machine
from bookings.models import Booking
from helpers.availability import DaysOff, Window, is_free
from helpers.models import HelperProfile
from mila.lib.money import format_chf
from notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
ZURICH = ZoneInfo("Europe/Zurich")
S = Booking.Status
CLOCKS = {
    "real clock": None,
    "Sunday night the clocks go forward": datetime(2027, 3, 28, 1, 30, tzinfo=ZURICH),
    "Monday just before midnight": datetime(2027, 1, 4, 23, 50, tzinfo=ZURICH),
    "Saturday noon in summer": datetime(2026, 8, 15, 12, 0, tzinfo=ZURICH),
}
NO_EARNINGS_YET = "Your earnings appear here after your first visit."


def load_demo(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    call_command("seed_demo", "--now", now.isoformat(), verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return now


def visits_done_are_completed_bookings(now: datetime) -> None:
    for helper in HelperProfile.objects.select_related("user"):
        done = Booking.objects.filter(helper=helper, status=S.COMPLETED).count()
        assert helper.completed_jobs == done, helper.user.email
        assert helper.rating_count <= helper.completed_jobs, helper.user.email


def nobody_has_two_visits_at_once(now: datetime) -> None:
    for person in ("helper_id", "customer_id"):
        visits: dict[int, list[Booking]] = defaultdict(list)
        for booking in Booking.objects.exclude(status=S.CANCELLED).exclude(**{person: None}):
            visits[getattr(booking, person)].append(booking)
        for bookings in visits.values():
            bookings.sort(key=lambda b: b.starts_at)
            for before, after in pairwise(bookings):
                assert before.ends_at <= after.starts_at, (person, before, after)


def visits_fit_their_helpers_times(now: datetime) -> None:
    assigned = Booking.objects.filter(helper__isnull=False).select_related("helper")
    assert assigned.exists()
    for booking in assigned.prefetch_related("helper__windows", "helper__time_off"):
        helper = booking.helper
        assert helper is not None
        windows = [Window(w.weekday, w.starts, w.ends) for w in helper.windows.all()]
        days_off = [DaysOff(t.first_day, t.last_day) for t in helper.time_off.all()]
        assert is_free(
            booking.starts_at, booking.ends_at, windows=windows, days_off=days_off, tz=ZURICH
        ), (booking, timezone.localtime(booking.starts_at), helper.user.email)
        assert helper.reviewed_at is not None and helper.reviewed_at < booking.created_at


def histories_follow_the_status_machine(now: datetime) -> None:
    for booking in Booking.objects.prefetch_related("events").select_related("customer"):
        events = sorted(booking.events.all(), key=lambda e: (e.at, e.pk))
        assert (events[0].from_status, events[0].to_status) == ("", S.REQUESTED), booking
        for before, event in pairwise(events):
            assert event.from_status == before.to_status, (booking, event)
            assert machine.is_allowed(event.from_status, event.to_status, event.role), event
            assert before.at <= event.at, (booking, event)
        assert events[-1].to_status == booking.status, booking
        assert booking.customer.date_joined <= events[0].at == booking.created_at <= now
        assert events[-1].at <= now, booking
        for event in events:  # each state's timestamp is when it was entered (last time)
            field = machine.TIMESTAMP_FIELD.get(S(event.to_status))
            if field:
                assert getattr(booking, field) >= event.at, (booking, field)


def past_visits_are_over_and_coming_ones_ahead(now: datetime) -> None:
    assert not Booking.objects.filter(status__in=(S.EN_ROUTE, S.IN_PROGRESS, S.REQUESTED))
    for booking in Booking.objects.select_related("helper"):
        if booking.starts_at < now:
            assert booking.status in (S.COMPLETED, S.CANCELLED), booking
        else:
            assert booking.status in (S.SEARCHING, S.CONFIRMED, S.UNFULFILLED), booking
        if booking.status == S.COMPLETED:
            assert booking.report.minutes == booking.worked_minutes, booking
            assert booking.completed_at is not None and booking.completed_at <= now
    for model, field in ((Notification, "created_at"), (Booking, "created_at")):
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), model
    # Each state a demo booking can be in is there to be tried.
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == {S.COMPLETED, S.CANCELLED, S.SEARCHING, S.CONFIRMED, S.UNFULFILLED}


CHECKS: list[Callable[[datetime], None]] = [
    visits_done_are_completed_bookings,
    nobody_has_two_visits_at_once,
    visits_fit_their_helpers_times,
    histories_follow_the_status_machine,
    past_visits_are_over_and_coming_ones_ahead,
]


@pytest.mark.parametrize("clock", list(CLOCKS.values()), ids=list(CLOCKS))
def test_the_demo_data_contradicts_itself_nowhere(clock: datetime | None) -> None:
    now = load_demo(clock)
    for check in CHECKS:
        check(now)


def test_lena_and_marco_have_a_history_and_sophie_is_new() -> None:
    load_demo()
    helpers = {h.user.email: h for h in HelperProfile.objects.select_related("user")}
    lena, marco, sophie = (helpers[f"{n}@mila.example"] for n in ("lena", "marco", "sophie"))
    assert lena.completed_jobs >= 3 and marco.completed_jobs >= 1
    assert (sophie.completed_jobs, sophie.rating_count) == (0, 0)
    assert Booking.objects.filter(helper=lena, status=S.CONFIRMED, starts_at__gt=timezone.now())
    assert marco.time_off.exists()


def _dashboard(client, helper: HelperProfile) -> tuple[str, str]:
    client.force_login(helper.user)
    response = client.get(reverse("bookings:helper_dashboard"))
    assert response.status_code == 200
    return response.content.decode(), response.headers["Content-Language"]


def test_the_helper_page_counts_the_visits_done(client) -> None:
    load_demo()
    for helper in HelperProfile.objects.filter(user__email__endswith="@mila.example").filter(
        status=HelperProfile.Status.APPROVED
    ):
        page, _language = _dashboard(client, helper)
        assert f"<dd>{helper.completed_jobs}</dd>" in page, helper.user.email


def test_the_helper_page_shows_the_earnings_of_the_visits_done(client) -> None:
    load_demo()
    lena = HelperProfile.objects.get(user__email="lena@mila.example")
    done = Booking.objects.filter(helper=lena, status=S.COMPLETED)
    assert lena.completed_jobs == done.count() > 0
    page, language = _dashboard(client, lena)
    with translation.override(language):
        assert translation.gettext(NO_EARNINGS_YET) not in page
        assert format_chf(sum(b.helper_payout for b in done)) in page


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_loading_twice_changes_nothing() -> None:
    now = load_demo()
    rows = _rows()
    stats = list(HelperProfile.objects.order_by("pk").values_list("completed_jobs", "rating_count"))
    load_demo(now)
    load_demo(now + timedelta(days=3))  # the next `make run`, some days later
    assert _rows() == rows
    assert rows["bookings.Booking"] >= 15
    after = list(HelperProfile.objects.order_by("pk").values_list("completed_jobs", "rating_count"))
    assert after == stats


def test_loading_with_eager_celery_sends_only_todays_news(
    settings, django_capture_on_commit_callbacks: Callable
) -> None:
    """`make run`: the commit runs the tasks inline. The demo's past is not e-mailed; the
    visits still looking for a helper get their first wave, and its offers go out."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(started)
    offers_sent = Notification.objects.filter(
        kind=Notification.Kind.OFFER_NEW, created_at__gte=started
    )
    assert offers_sent.exists()
    assert len(mail.outbox) == offers_sent.count()
    assert not Booking.objects.filter(status=S.SEARCHING, wave=0).exists()
    assert not Notification.objects.undelivered().exists()
