"""helpers_available: who is free for a visit? Time and queries for 60 vs 600 helpers
(make bench). Throw-away SQLite database; prints medians and the ratio."""

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import User  # noqa: E402
from helpers.availability import helpers_available  # noqa: E402
from helpers.models import AvailabilityWindow, HelperProfile, TimeOff  # noqa: E402

ZURICH = ZoneInfo("Europe/Zurich")


def make_helpers(total: int) -> None:
    existing = HelperProfile.objects.count()
    users = User.objects.bulk_create(
        User(email=f"bench{existing + i}@example.ch", first_name="B") for i in range(total)
    )
    profiles = HelperProfile.objects.bulk_create(
        HelperProfile(user=u, status="approved", postcode="8001", city="Zürich",
                      lat=47.37, lng=8.54, languages=["de"])
        for u in users
    )  # fmt: skip
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(helper=p, weekday=d, starts=clock(8), ends=clock(18))
        for p in profiles
        for d in range(7)
    )
    day = datetime.now(ZURICH).date() + timedelta(days=2)
    TimeOff.objects.bulk_create(
        TimeOff(helper=p, first_day=day, last_day=day) for p in profiles[::10]
    )


def measure(start: datetime, end: datetime, runs: int = 20) -> tuple[float, int, int]:
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            free = helpers_available(start=start, end=end)
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), len(queries), len(free)


def main() -> None:
    call_command("migrate", verbosity=0)
    day = datetime.now(ZURICH).date() + timedelta(days=2)
    start = datetime.combine(day, clock(10), tzinfo=ZURICH)
    end = start + timedelta(hours=1)
    results = {}
    for total in (60, 600):
        make_helpers(total - HelperProfile.objects.count())
        results[total] = measure(start, end)
        ms, queries, free = results[total]
        print(f"availability: {total:>4} helpers  {ms:7.2f} ms median, {queries} queries, "
              f"{free} free")  # fmt: skip
    print(f"availability: 600 vs 60 helpers    {results[600][0] / results[60][0]:5.2f} x time, "
          f"{results[600][1] - results[60][1]} extra queries")  # fmt: skip


if __name__ == "__main__":
    main()
