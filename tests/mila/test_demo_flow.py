"""The README's demo: after `make run`'s seed, Anna books in 8001 Zürich and Lena gets the
offer — whatever the day and time — and the periodic tasks run without Redis or beat."""

import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking, Offer, Service
from bookings.services import BookingRequest, booking_create
from customers.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
ZURICH = ZoneInfo("Europe/Zurich")


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    ("days", "hour", "slug"),
    [(8, 10, "wifi-setup"), (9, 18, "printer-setup"), (10, 7, "tv-setup"), (11, 20, "wifi-setup"),
     (12, 14, "new-smartphone"), (13, 9, "computer-checkup"), (14, 16, "streaming-apps")],
)  # fmt: skip
def test_anna_books_and_lena_gets_the_offer(
    demo, days: int, hour: int, slug: str, django_capture_on_commit_callbacks: Callable
) -> None:
    anna = User.objects.get(email="anna@mila.example")
    start = datetime.combine(timezone.localdate() + timedelta(days=days), time(hour),
                             tzinfo=ZURICH)  # fmt: skip
    request = BookingRequest(
        service=Service.objects.get(slug=slug), tier="friend", problem="Es geht nicht mehr.",
        street="Bahnhofstrasse 1", postcode="8001", city="", country="CH",
        phone="+41791234567", timing="scheduled", starts_at=start,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(customer=anna, request=request, idempotency_key=uuid.uuid4())
    booking.refresh_from_db()
    assert booking.status == Booking.Status.SEARCHING
    lena_offer = Offer.objects.get(booking=booking, helper__user__email="lena@mila.example")
    assert (lena_offer.wave, lena_offer.status) == (1, Offer.Status.PENDING)


def test_the_periodic_tasks_run_inline_without_beat(demo, capsys, settings) -> None:
    """`make run` starts `run_periodic` beside the server: the demo's searching bookings get
    their first wave from it."""
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded mode, whatever this run's services
    waiting = Booking.objects.filter(status="searching", wave=0)
    assert waiting.exists()
    call_command("run_periodic", "--once")
    assert not waiting.exists()
    assert Offer.objects.filter(helper__user__email="lena@mila.example").exists()
    assert "matching-sweep" in capsys.readouterr().out


def test_run_periodic_leaves_the_schedule_to_beat_where_there_is_a_broker(settings, capsys):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    call_command("run_periodic", "--once")
    assert "make beat" in capsys.readouterr().out


def test_rebuild_matching_slots_command(demo, capsys) -> None:
    from bookings.models import HelperSlot

    before = HelperSlot.objects.count()
    HelperSlot.objects.all().delete()
    call_command("rebuild_matching_slots")
    assert HelperSlot.objects.count() == before > 0
    assert f"{before} matching slots rebuilt." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_run_periodic_gets_over_a_lost_database_connection(postgres, settings, capsys) -> None:
    """A dropped connection (the server restarted, a network blip) fails one run at most:
    the next one connects again instead of failing until the process is restarted."""
    from django.db import connection

    settings.CELERY_TASK_ALWAYS_EAGER = True
    connection.ensure_connection()
    connection.connection.close()  # what the server's restart leaves behind
    call_command("run_periodic", "--once")
    assert capsys.readouterr().err == ""
