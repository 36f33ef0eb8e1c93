"""Matching with real processes: a Celery worker (and beat) and a private redis-server that
the test stops and starts. Nothing is lost, nothing is sent twice."""

import email
import re
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Offer, Service
from notifications.models import Notification
from tests.bookings.quote_form import confirm_data, fill_wizard
from tests.conftest import skip_unless
from tests.factories import UserFactory
from tests.workers import celery_worker, publishing_to, redis_available, redis_server, wait_for

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
]

FAST_SWEEPS = {  # the periodic tasks every second instead of every half minute
    "MATCHING_SWEEP_SECONDS": "1",
    "NOTIFICATION_SWEEP_SECONDS": "1",
    "NOTIFICATION_RESEND_AFTER_SECONDS": "1",
}


@pytest.fixture
def redis_binary() -> None:
    skip_unless(redis_available(), "needs redis-server (apt-get install -y redis-server)")


@pytest.fixture
def helpers(make_helper_for_wifi) -> list[Any]:
    return [make_helper_for_wifi(km) for km in (1, 2, 3)]


@pytest.fixture
def make_helper_for_wifi(make_helper) -> Any:
    """Helpers who know the real catalogue's Wi-Fi setup (the wizard books that)."""
    from bookings.models import Service

    category = Service.objects.get(slug="wifi-setup").category

    def make(km: float) -> Any:
        return make_helper(km, skills=[category])

    return make


def _book_through_the_wizard(client: Any) -> Any:
    """Fill the wizard and confirm, as a customer's browser does; returns the response."""
    start = timezone.localtime() + timedelta(days=2)
    fill_wizard(client, when=start.replace(hour=10, minute=0, second=0, microsecond=0),
                problem="Kein WLAN im Büro.")  # fmt: skip
    return client.post(reverse("bookings:quote"), confirm_data(client))


def _mails(mail_dir: Path) -> list[email.message.Message]:
    """Every e-mail the worker wrote, one message per delivery."""
    messages = []
    for path in mail_dir.iterdir():
        parts = re.split(rb"\n-{79}\n", path.read_bytes())
        messages += [email.message_from_bytes(part) for part in parts if part.strip()]
    return messages


def test_a_committed_booking_reaches_helpers_through_a_real_worker(
    postgres, redis_binary, helpers, tmp_path: Path
) -> None:
    from bookings.services import BookingRequest, booking_create

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with redis_server(tmp_path) as redis:
        env = _env(redis.url, mail_dir)
        worker = celery_worker(env, tmp_path / "worker.log", queues="matching,notifications")
        with worker, publishing_to(redis.url):
            start = (timezone.localtime() + timedelta(days=2)).replace(
                hour=10, minute=0, second=0, microsecond=0
            )
            request = BookingRequest(
                service=Service.objects.get(slug="wifi-setup"), tier="friend",
                problem="Das WLAN geht nicht.", street="Limmatquai 1", postcode="8001", city="",
                country="CH", phone="+41791234567", timing="scheduled", starts_at=start,
            )  # fmt: skip
            booking = booking_create(
                customer=UserFactory(), request=request, idempotency_key=uuid.uuid4()
            )
            # The web process only enqueued: a worker made the offers, within seconds.
            offers = Offer.objects.filter(booking=booking)
            assert wait_for(lambda: offers.count() == 3, timeout=10), (
                tmp_path / "worker.log"
            ).read_text()


def _env(redis_url: str, mail_dir: Path) -> dict[str, str]:
    from tests.workers import worker_env

    return worker_env(redis_url, mail_dir, **FAST_SWEEPS)


def test_with_the_broker_down_nothing_is_lost_or_sent_twice(
    postgres, redis_binary, helpers, client, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    customers = [UserFactory() for _ in range(20)]
    with redis_server(tmp_path) as redis, publishing_to(redis.url):
        redis.stop()  # the broker goes away
        for customer in customers:
            client.force_login(customer)
            response = _book_through_the_wizard(client)
            assert response.status_code == 302, response.content[:500]  # booked, no 500
        bookings = Booking.objects.filter(customer__in=customers)
        assert bookings.count() == 20
        assert set(bookings.values_list("status", flat=True)) == {"searching"}
        assert not Offer.objects.exists()  # nobody could be told yet
        assert not Notification.objects.filter(delivered_at__isnull=False).exists()

        redis.start()  # back on the same port: the worker's beat sweeps what was missed
        env = _env(redis.url, mail_dir)
        with celery_worker(env, tmp_path / "worker.log", queues="matching,notifications",
                           beat=True):  # fmt: skip
            log = tmp_path / "worker.log"
            assert wait_for(
                lambda: not bookings.filter(offers__isnull=True).exists(), timeout=60
            ), log.read_text()
            undelivered = Notification.objects.filter(send_email=True, delivered_at__isnull=True)
            assert wait_for(lambda: not undelivered.exists(), timeout=90), log.read_text()

    sent = Notification.objects.filter(send_email=True).select_related("recipient")
    assert Offer.objects.count() == 20 * 3  # one wave of three per booking, no more
    assert sent.filter(kind="booking_received").count() == 20
    assert sent.filter(kind="offer_new").count() == 20 * 3
    # Every notification went out exactly once: as many e-mails to each person as rows.
    mails = _mails(mail_dir)
    assert Counter(m["To"] for m in mails) == Counter(n.recipient.email for n in sent)
