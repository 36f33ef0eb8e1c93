"""The booking wizard as a customer's browser fills it, and what the quote page's form posts
back: the chosen tier, the draft's key and what was seen."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone


def fill_wizard(
    client: Client,
    *,
    slug: str = "wifi-setup",
    timing: str = "scheduled",
    when: datetime | None = None,
    problem: str = "Das WLAN geht nicht.",
) -> HttpResponseBase:
    """Answer every step for a visit at Bahnhofstrasse 1, 8001 Zürich: scheduled at ``when``
    (by default three days ahead at 10:00), or ``timing="asap"``. Returns the response to the
    time step (a redirect to the quote when every answer was accepted)."""
    if when is None and timing == "scheduled":
        day = timezone.localdate() + timedelta(days=3)
        when = datetime.combine(day, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
    client.get(reverse("bookings:start", args=[slug]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": problem})
    client.post(reverse("bookings:step", args=["address"]), {
        "street": "Bahnhofstrasse 1", "postcode": "8001", "city": "", "country": "CH",
        "phone": "079 123 45 67",
    })  # fmt: skip
    answer = {"timing": timing}
    if when is not None:
        answer |= {"date": when.date().isoformat(), "time": when.strftime("%H:%M")}
    return client.post(reverse("bookings:step", args=["time"]), answer)


def confirm_data(client: Client, tier: str = "friend") -> dict[str, str]:
    """The confirm POST a customer sends after reading the quote page (fetched now)."""
    form = client.get(reverse("bookings:quote")).context["form"]
    return {"tier": tier, "key": str(form.initial["key"]), "seen": form.initial["seen"]}
