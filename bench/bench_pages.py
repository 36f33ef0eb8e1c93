"""Page render time and queries for the pages every visitor sees (make bench).

Runs against a throw-away SQLite database; prints the median over repeated requests and the
ratio between an inbox with 5 and with 200 messages (the page is paginated, so ~1.0).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

if TYPE_CHECKING:
    from customers.models import User


def measure(client: Client, url: str, runs: int = 50) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(queries)


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from customers.models import User
    from notifications.models import Notification

    anonymous = Client()
    for url in ("/", "/about/", "/accounts/login/", "/services/", "/services/wifi-setup/"):
        ms, queries = measure(anonymous, url)
        print(f"pages: {url:<20} {ms:7.2f} ms median, {queries} queries (anonymous)")
    anna = User.objects.get(email="anna@mila.example")
    client = Client()
    client.force_login(anna)
    results = {}
    for total in (5, 200):
        Notification.objects.filter(recipient=anna).delete()
        Notification.objects.bulk_create(
            Notification(recipient=anna, kind="welcome", send_email=False) for _ in range(total)
        )
        results[total] = measure(client, "/inbox/")
        ms, queries = results[total]
        print(f"pages: /inbox/ {total:>3} messages {ms:7.2f} ms median, {queries} queries")
    print(f"pages: inbox 200 vs 5 messages  {results[200][0] / results[5][0]:5.2f} x time")
    bench_my_bookings(client, anna)


def bench_my_bookings(client: Client, customer: "User") -> None:
    """'My bookings' with 5 and with 50 bookings: queries must not grow."""
    from bookings.demo import seed as seed_bookings
    from bookings.models import Booking

    seed_bookings()
    template = Booking.objects.filter(customer=customer).first()
    assert template is not None
    results = {}
    for total in (5, 50):
        Booking.objects.filter(customer=customer).exclude(pk=template.pk).delete()
        for _ in range(total - 1):
            template.pk = None
            template.reference = Booking._meta.get_field("reference").default()
            template.idempotency_key = Booking._meta.get_field("idempotency_key").default()
            template.save()
        results[total] = measure(client, "/bookings/", runs=30)
        ms, queries = results[total]
        print(f"pages: /bookings/ {total:>3} bookings {ms:7.2f} ms median, {queries} queries")
    ratio = results[50][0] / results[5][0]
    print(
        f"pages: my bookings 50 vs 5          {ratio:5.2f} x time, "
        f"{results[50][1] - results[5][1]} extra queries"
    )


if __name__ == "__main__":
    main()
