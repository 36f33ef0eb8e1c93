"""The admin index opens with what needs attention, each count linking to its filtered list."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from helpers.models import HelperProfile
from reviews.models import Review
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Booking.Status


def attention(client: Any) -> dict[str, Any]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {str(item.label): item for item in response.context["needs_attention"]}


def listed(client: Any, url: str) -> set[Any]:
    response = client.get(url)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def _visit(*, started: Any, minutes: int) -> Any:
    return BookingFactory(status=S.IN_PROGRESS, starts_at=started, started_at=started,
                          ends_at=started + timedelta(minutes=minutes))  # fmt: skip


def _world() -> dict[str, Any]:
    """One booking or helper in each queue, and one just outside it."""
    now = timezone.now()
    old = HelperProfileFactory(status=HelperProfile.Status.APPLIED,
                               created_at=now - timedelta(days=6))  # fmt: skip
    new = HelperProfileFactory(status=HelperProfile.Status.APPLIED)
    HelperProfileFactory()  # approved
    unfulfilled = BookingFactory(status=S.UNFULFILLED)
    BookingFactory(status=S.UNFULFILLED, starts_at=now - timedelta(days=2),
                   ends_at=now - timedelta(days=2) + timedelta(hours=1))  # fmt: skip  # past
    soon = BookingFactory(starts_at=now + timedelta(minutes=90),
                          ends_at=now + timedelta(minutes=150))  # fmt: skip
    BookingFactory()  # searching, in three days
    overrun = _visit(started=now - timedelta(hours=3), minutes=60)  # 3 h for a 1 h visit
    _visit(started=now - timedelta(minutes=90), minutes=60)  # 1.5 times as long: not yet
    late = BookingFactory()
    BookingEvent.objects.create(booking=late, from_status=S.CONFIRMED, to_status=S.SEARCHING,
                                role="helper", data={"withdrawn_by": 1, "late": True})  # fmt: skip
    on_time = BookingFactory()
    BookingEvent.objects.create(booking=on_time, from_status=S.CONFIRMED, to_status=S.SEARCHING,
                                role="helper", data={"withdrawn_by": 1, "late": False})  # fmt: skip
    long_ago = BookingFactory()
    BookingEvent.objects.create(booking=long_ago, from_status=S.CONFIRMED, to_status=S.SEARCHING,
                                role="helper", at=now - timedelta(days=31),
                                data={"withdrawn_by": 1, "late": True})  # fmt: skip
    reviews = [_review(Review.Status.FLAGGED), _review(Review.Status.PUBLISHED),
               _review(Review.Status.HIDDEN)]  # fmt: skip
    return {"applications": [old, new], "unfulfilled": unfulfilled, "soon": soon,
            "overrun": overrun, "late": late, "flagged": reviews[0]}  # fmt: skip


def _review(status: str) -> Review:
    booking = BookingFactory(status=S.COMPLETED)
    return Review.objects.create(booking=booking, author=booking.customer,
                                 helper=booking.helper, stars=2, status=status)  # fmt: skip


def test_each_count_links_to_exactly_those_rows(client: Any) -> None:
    world = _world()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    items = attention(client)
    expected = {
        "Helper applications waiting": set(world["applications"]),
        "No helper found": {world["unfulfilled"]},
        "Starting within 2 h without a helper": {world["soon"]},
        "Visits in progress for more than twice their length": {world["overrun"]},
        "Jobs given back late by a helper (last 30 days)": {world["late"]},
        "Reported reviews": {world["flagged"]},
    }
    for label, rows in expected.items():
        assert items[label].count == len(rows), label
        assert listed(client, items[label].url) == rows, label
    applications = client.get(items["Helper applications waiting"].url).context["cl"]
    assert list(applications.result_list) == world["applications"]  # oldest first
    assert items["Helper applications waiting"].oldest == world["applications"][0].created_at


def test_the_panel_shows_counts_and_links(client: Any) -> None:
    _world()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    body = client.get("/admin/").content.decode()
    assert 'id="needs-attention"' in body and "Needs attention" in body
    assert 'href="/admin/bookings/booking/?needs_helper=unfulfilled"' in body
    assert "oldest waiting for 6" in body


def test_an_empty_day_shows_zeros(client: Any) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert {item.count for item in attention(client).values()} == {0}


def test_each_role_sees_its_own_queues(client: Any, support: Any, onboarding: Any) -> None:
    client.force_login(onboarding)
    assert list(attention(client)) == ["Helper applications waiting"]
    client.force_login(support)
    assert "No helper found" in attention(client)


@pytest.mark.parametrize("extra", [0, 30])
def test_few_queries_whatever_the_numbers(
    client: Any, extra: int, django_assert_max_num_queries: Any
) -> None:
    world = _world()
    now = timezone.now()
    same = {"customer": world["soon"].customer, "service": world["soon"].service}
    BookingFactory.create_batch(extra, status=S.UNFULFILLED, **same)
    BookingFactory.create_batch(extra, starts_at=now + timedelta(hours=1),
                                ends_at=now + timedelta(hours=2), **same)  # fmt: skip
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    with django_assert_max_num_queries(9):
        items = attention(client)
    assert items["No helper found"].count == extra + 1
