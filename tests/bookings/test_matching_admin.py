"""Staff step into matching in the admin: every offer of a booking and why it went to that
helper, the bookings that need a helper, searching again, and assigning a helper by hand —
what staff see, and what changes (or, when refused, does not)."""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from html import unescape
from typing import Any

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from bookings.admin import describe_breakdown
from bookings.matching.dispatch import matching_advance
from bookings.models import Booking, BookingEvent, Offer
from notifications.models import Notification
from tests.bookings.conftest import ZURICH, offered
from tests.factories import BookingFactory, UserFactory

pytestmark = [pytest.mark.django_db]

S = Booking.Status
O = Offer.Status  # noqa: E741
Kind = Notification.Kind
CHANGELIST = "admin:bookings_booking_changelist"
NOTE = "Mit Frau Keller am Telefon abgemacht"


@pytest.fixture
def staff(db: None) -> Any:
    # English, so the messages read as written in the code whatever gets translated later.
    return UserFactory(is_staff=True, is_superuser=True, preferred_language="en")


@pytest.fixture
def staff_client(client: Any, staff: Any) -> Any:
    client.force_login(staff)
    return client


def act(client: Any, action: str, *bookings: Booking, **extra: Any) -> Any:
    """Run an admin action on the bookings changelist, following the redirect back to it."""
    data = {"action": action, "_selected_action": [b.pk for b in bookings], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def shown(response: Any) -> list[tuple[int, str]]:
    """The messages the page shows staff, with their level."""
    return [(m.level, str(m)) for m in response.context["messages"]]


def snapshot(*bookings: Booking) -> tuple[Any, ...]:
    """What a refused or merely looked-at action must leave as it was."""
    for booking in bookings:
        booking.refresh_from_db()
    return (
        [(b.status, b.helper_id, b.starts_at, b.wave, b.next_wave_at) for b in bookings],
        list(Offer.objects.order_by("pk").values_list("helper", "status", "responded_at")),
        BookingEvent.objects.count(), Notification.objects.count(),
    )  # fmt: skip


def change_page(client: Any, booking: Booking) -> Any:
    return client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))


def offer_rows(response: Any) -> list[dict[str, str]]:
    """The rows of the offers inline, top to bottom: column name → the text shown."""
    body = response.content.decode()
    rows = re.findall(r'<tr[^>]*id="offers-\d+"[^>]*>(.*?)</tr>', body, re.S)
    return [
        {
            name: unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for name, text in re.findall(r'<td class="field-(\w+)">\s*<p>(.*?)</p>', row, re.S)
        }
        for row in rows
    ]


def assign_page_shown(response: Any) -> bool:
    return response.status_code == 200 and "admin/bookings/assign.html" in [
        t.name for t in response.templates
    ]


# --- the offers of a booking ---------------------------------------------------------------------


def test_change_page_lists_every_offer_with_why(
    staff_client: Any, booking: Booking, make_helper: Callable, settings: Any
) -> None:
    settings.MATCHING_WAVE_SIZE = 2
    names = {0.5: "Anna", 1: "Beat", 2: "Carla", 3: "Dario"}  # by km from the visit
    helpers = [make_helper(km, user__first_name=name, user__last_name="Muster")
               for km, name in names.items()]  # fmt: skip
    matching_advance(booking_id=booking.pk)
    booking.refresh_from_db()
    matching_advance(booking_id=booking.pk, now=booking.next_wave_at)  # nobody answered
    response = change_page(staff_client, booking)
    assert response.status_code == 200
    assert "Offers to helpers" in response.content.decode()
    rows = offer_rows(response)
    assert [(r["helper"], r["wave"], r["status"]) for r in rows] == [
        ("Anna M.", "1", "Expired"),
        ("Beat M.", "1", "Expired"),
        ("Carla M.", "2", "Waiting for an answer"),
        ("Dario M.", "2", "Waiting for an answer"),
    ]
    for row, helper in zip(rows, helpers, strict=True):
        offer = Offer.objects.get(booking=booking, helper=helper)
        assert row["why"] == describe_breakdown(offer.breakdown)
        assert "km (radius 10)" in row["why"] and "0 jobs in category" in row["why"]
    assert rows[0]["why"].startswith("0.5 km (radius 10)")
    assert rows[3]["why"].startswith("3.0 km (radius 10)")
    assert 'name="offers-0-status"' not in response.content.decode()  # read-only


@pytest.mark.parametrize("count", [3, 12])
def test_change_page_query_count_does_not_grow_with_offers(
    staff_client: Any,
    booking: Booking,
    make_helper: Callable,
    settings: Any,
    count: int,
    django_assert_max_num_queries: Callable,
) -> None:
    settings.MATCHING_WAVE_SIZE = 12
    for i in range(count):
        make_helper(0.5 + i * 0.5)
    matching_advance(booking_id=booking.pk)
    assert Offer.objects.filter(booking=booking).count() == count
    with django_assert_max_num_queries(10):
        response = change_page(staff_client, booking)
    assert response.status_code == 200
    assert len(offer_rows(response)) == count


# --- the "helper needed" filter -----------------------------------------------------------------


@pytest.fixture
def needy(service: Any) -> dict[str, Any]:
    """Bookings on either side of each edge of the filter, by name."""
    now = timezone.now()
    midnight = datetime.combine(timezone.localdate(), time.min, tzinfo=ZURICH)
    return {
        "unfulfilled from today's first minute": BookingFactory(
            service=service, status="unfulfilled", starts_at=midnight
        ),
        "unfulfilled in three days": BookingFactory(service=service, status="unfulfilled"),
        "unfulfilled yesterday": BookingFactory(
            service=service, status="unfulfilled", starts_at=midnight - timedelta(minutes=1)
        ),
        "unfulfilled last week": BookingFactory(
            service=service, status="unfulfilled", starts_at=now - timedelta(days=7)
        ),
        "searching in 1 h 59 min": BookingFactory(
            service=service, starts_at=now + timedelta(hours=1, minutes=59)
        ),
        "searching in 2 h 1 min": BookingFactory(
            service=service, starts_at=now + timedelta(hours=2, minutes=1)
        ),
        "searching in three days": BookingFactory(service=service),
        "confirmed in 1 h": BookingFactory(
            service=service, status="confirmed", starts_at=now + timedelta(hours=1)
        ),
    }


UNFULFILLED = {"unfulfilled from today's first minute", "unfulfilled in three days"}
SOON = {"searching in 1 h 59 min"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("any", UNFULFILLED | SOON), ("unfulfilled", UNFULFILLED), ("soon", SOON)],
)
def test_needs_a_helper_filter(
    staff_client: Any, needy: dict[str, Booking], value: str, expected: set[str]
) -> None:
    response = staff_client.get(reverse(CHANGELIST), {"needs_helper": value})
    assert response.status_code == 200
    found = set(response.context["cl"].result_list)
    assert {name for name, booking in needy.items() if booking in found} == expected


def test_needs_a_helper_filter_is_offered_and_off_by_default(
    staff_client: Any, needy: dict[str, Booking]
) -> None:
    response = staff_client.get(reverse(CHANGELIST))
    assert response.context["cl"].result_count == len(needy)
    body = response.content.decode()
    assert "helper needed" in body
    for label in (
        "No helper found, or starting within 2 h without one",
        "No helper found (today or later)",
        "Starting within 2 h, still searching",
    ):
        assert label in body  # fmt: skip


# --- search again --------------------------------------------------------------------------------


def test_search_again_after_nobody_was_found(
    staff_client: Any,
    staff: Any,
    service: Any,
    make_helper: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory(service=service, status="unfulfilled")
    helper = make_helper()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "search_again", booking)
        assert offered(booking) == set()  # matching runs once the change is committed
    assert response.status_code == 200
    assert shown(response) == [(messages.INFO, "1 booking is searching again.")]
    booking.refresh_from_db()
    assert (booking.status, booking.wave) == (S.SEARCHING, 1)
    event = booking.events.get()
    assert (event.from_status, event.to_status, event.role, event.actor, event.note) == (
        S.UNFULFILLED, S.SEARCHING, "staff", staff, "Our team started a new search.",
    )  # fmt: skip
    assert offered(booking, status=O.PENDING, wave=1) == {helper.pk}
    assert Notification.objects.get(kind=Kind.OFFER_NEW).recipient == helper.user


def test_search_again_refuses_a_booking_with_a_helper(
    staff_client: Any,
    service: Any,
    make_helper: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    booking = BookingFactory(service=service, status="confirmed")
    make_helper()  # free, and must not be asked
    before = snapshot(booking)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "search_again", booking)
    assert response.status_code == 200
    refusal = "A new search is possible only for a booking without a helper."
    assert shown(response) == [(messages.ERROR, f"{booking.reference}: {refusal}")]
    assert snapshot(booking) == before


# --- assign a helper by hand ---------------------------------------------------------------------


def test_assign_needs_exactly_one_booking(
    staff_client: Any, booking: Booking, service: Any, make_helper: Callable
) -> None:
    other = BookingFactory(service=service)
    helper = make_helper()
    before = snapshot(booking, other)
    response = act(staff_client, "assign_helper", booking, other, confirm="1", helper=helper.pk)
    assert not assign_page_shown(response)
    assert shown(response) == [(messages.ERROR, "Please choose exactly one booking.")]
    assert snapshot(booking, other) == before


def test_assign_page_lists_the_free_helpers_best_first(
    staff_client: Any, booking: Booking, make_helper: Callable
) -> None:
    far = make_helper(6, user__first_name="Fritz", user__last_name="Fern")
    near = make_helper(0.5, user__first_name="Nina", user__last_name="Nah")
    outside = make_helper(15, user__first_name="Otto", user__last_name="Ausserhalb")
    middle = make_helper(2, user__first_name="Mara", user__last_name="Mitte")
    busy = make_helper(1, user__first_name="Bruno", user__last_name="Besetzt")
    BookingFactory(service=booking.service, status="confirmed", helper=busy)  # same time
    make_helper(1, status="applied", user__first_name="Paula", user__last_name="Pruefung")
    make_helper(40, user__first_name="Zora", user__last_name="Zuweit")
    before = snapshot(booking)
    response = act(staff_client, "assign_helper", booking)
    assert assign_page_shown(response)
    assert [helper for helper, _ in response.context["free"]] == [near, middle, far, outside]
    body = response.content.decode()
    names = ["Nina Nah", "Mara Mitte", "Fritz Fern", "Otto Ausserhalb"]
    positions = [body.index(name) for name in names]
    assert positions == sorted(positions)
    assert "outside own area" in body[positions[3] :]
    assert "outside own area" not in body[: positions[3]]
    for absent in ("Bruno Besetzt", "Paula Pruefung", "Zora Zuweit"):
        assert absent not in body
    assert booking.reference in body
    for helper in (near, middle, far, outside):
        assert f'name="helper" value="{helper.pk}"' in body
    assert 'name="note"' in body and 'name="confirm"' in body
    assert f'name="_selected_action" value="{booking.pk}"' in body
    assert 'name="action" value="assign_helper"' in body
    assert snapshot(booking) == before  # looking changes nothing


def test_assigning_confirms_the_booking_with_that_helper(
    staff_client: Any,
    staff: Any,
    booking: Booking,
    make_helper: Callable,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    chosen, other = make_helper(2), make_helper(1)
    matching_advance(booking_id=booking.pk)  # both were offered the job, nobody answered yet
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "assign_helper", booking, confirm="1", helper=chosen.pk,
                       note=NOTE)  # fmt: skip
    assert not assign_page_shown(response)
    told = "The helper has been assigned; the helper and the customer were told."
    assert shown(response) == [(messages.INFO, told)]
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, chosen)
    event = booking.events.get()
    assert (event.from_status, event.to_status, event.role, event.actor, event.note) == (
        S.SEARCHING, S.CONFIRMED, "staff", staff, NOTE,
    )  # fmt: skip
    assert offered(booking, status=O.ACCEPTED) == {chosen.pk}
    assert offered(booking, status=O.WITHDRAWN, withdrawn_reason="staff") == {other.pk}
    job = Notification.objects.get(kind=Kind.JOB_CONFIRMED)
    assert (job.recipient, job.context["assigned_by_staff"]) == (chosen.user, True)
    assert Notification.objects.get(kind=Kind.BOOKING_CONFIRMED).recipient == booking.customer


def test_assigning_without_choosing_a_helper_shows_the_page_again(
    staff_client: Any, booking: Booking, make_helper: Callable
) -> None:
    helper = make_helper(user__first_name="Nina", user__last_name="Nah")
    before = snapshot(booking)
    response = act(staff_client, "assign_helper", booking, confirm="1", note=NOTE)
    assert assign_page_shown(response)
    body = response.content.decode()
    assert "Please choose a helper." in body
    assert "Nina Nah" in body and f'value="{helper.pk}"' in body
    assert snapshot(booking) == before


def test_assigning_a_busy_helper_is_refused(
    staff_client: Any, booking: Booking, make_helper: Callable
) -> None:
    busy = make_helper()
    BookingFactory(service=booking.service, status="confirmed", helper=busy)  # same time
    before = snapshot(booking)
    response = act(staff_client, "assign_helper", booking, confirm="1", helper=busy.pk,
                   note=NOTE)  # fmt: skip
    assert not assign_page_shown(response)
    assert shown(response) == [
        (messages.ERROR, f"{booking.reference}: This helper already has a job at this time.")
    ]
    assert snapshot(booking) == before


def test_assigning_a_helper_who_is_not_approved_is_rejected(
    staff_client: Any, booking: Booking, make_helper: Callable
) -> None:
    applied = make_helper(status="applied")
    before = snapshot(booking)
    response = act(staff_client, "assign_helper", booking, confirm="1", helper=applied.pk)
    assert assign_page_shown(response)
    assert "Please choose one of the helpers listed." in response.content.decode()
    assert snapshot(booking) == before


# --- the offers admin ----------------------------------------------------------------------------


def test_offer_admin_is_read_only_and_explains_each_offer(
    staff_client: Any, booking: Booking, make_helper: Callable
) -> None:
    make_helper()
    matching_advance(booking_id=booking.pk)
    offer = Offer.objects.get()
    listing = staff_client.get(reverse("admin:bookings_offer_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [offer]
    assert staff_client.get(reverse("admin:bookings_offer_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:bookings_offer_delete", args=[offer.pk])).status_code == 403
    )
    page = staff_client.get(reverse("admin:bookings_offer_change", args=[offer.pk]))
    assert page.status_code == 200
    body = unescape(page.content.decode())
    why = describe_breakdown(offer.breakdown)
    assert why in body and "1.0 km (radius 10)" in why and "jobs in category" in why
    assert 'name="status"' not in body and 'name="wave"' not in body


# --- only staff ----------------------------------------------------------------------------------


def test_non_staff_are_sent_to_the_login(
    client: Any, booking: Booking, make_helper: Callable
) -> None:
    helper = make_helper()
    matching_advance(booking_id=booking.pk)
    offer = Offer.objects.get()
    client.force_login(UserFactory(preferred_language="en"))
    login = reverse("admin:login")
    pages = [
        reverse(CHANGELIST) + "?needs_helper=any",
        reverse("admin:bookings_booking_change", args=[booking.pk]),
        reverse("admin:bookings_offer_changelist"),
        reverse("admin:bookings_offer_change", args=[offer.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    before = snapshot(booking)
    for data in (
        {"action": "assign_helper", "_selected_action": [booking.pk]},
        {"action": "assign_helper", "_selected_action": [booking.pk], "confirm": "1",
         "helper": helper.pk},
        {"action": "search_again", "_selected_action": [booking.pk]},
    ):  # fmt: skip
        response = client.post(reverse(CHANGELIST), data)
        assert response.status_code == 302 and response["Location"].startswith(login)
    assert snapshot(booking) == before
