"""Staff act on one booking through the services: cancel with a fee decision, write internal
notes (never shown to the customer or the helper), and read one audit merging every event."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Offer
from bookings.services import cancellation_preview
from bookings.services.staff import booking_note_add
from helpers.models import HelperEvent
from notifications.models import Notification
from reviews.models import ReviewEvent
from reviews.services import review_create
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

Decision = BookingEvent.FeeDecision


def late_booking(**kwargs: Any) -> Booking:
    """Confirmed, starting in 10 h: cancelling now costs half the base price."""
    starts = timezone.now() + timedelta(hours=10)
    booking = BookingFactory(
        status="confirmed", starts_at=starts, ends_at=starts + timedelta(hours=1), **kwargs
    )
    return cast(Booking, booking)


def cancel(client: Any, booking: Booking, **data: Any) -> Any:
    return client.post(reverse("admin:bookings_booking_cancel", args=[booking.pk]), data)


def policy_fee(booking: Booking) -> int:
    fee = cancellation_preview(booking=booking).fee
    assert fee > 0
    return fee


@pytest.mark.parametrize(
    ("decision", "custom", "charged"),
    [(Decision.POLICY, "", "policy"), (Decision.WAIVE, "", 0), (Decision.CUSTOM, "12.50", 1250)],
)
def test_support_cancels_with_a_fee_decision(
    client: Any, support: Any, decision: str, custom: str, charged: Any
) -> None:
    booking = late_booking()
    fee = policy_fee(booking)
    helper_user_id = booking.helper.user_id if booking.helper else None
    client.force_login(support)
    response = cancel(client, booking, decision=decision, custom_chf=custom, reason="Umzug")
    assert response.status_code == 302
    booking.refresh_from_db()
    expected = fee if charged == "policy" else charged
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_fee == expected
    event = booking.events.get(to_status=Booking.Status.CANCELLED)
    assert (event.actor, event.role) == (support, BookingEvent.Role.STAFF)
    assert event.data == {"fee": expected, "policy_fee": fee, "decision": str(decision),
                          "reason": "Umzug"}  # fmt: skip
    # The customer and the helper are told, as for any cancellation.
    told = Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED)
    assert {n.recipient_id for n in told} == {booking.customer_id, helper_user_id}


def test_the_cancel_page_shows_the_policy_fee(client: Any, support: Any) -> None:
    booking = late_booking()
    client.force_login(support)
    response = client.get(reverse("admin:bookings_booking_cancel", args=[booking.pk]))
    assert response.status_code == 200
    assert response.context["policy_fee"] in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": Decision.CUSTOM, "custom_chf": "9999", "reason": "x"}, "custom_chf"),
        ({"decision": Decision.CUSTOM, "custom_chf": "-1", "reason": "x"}, "custom_chf"),
        ({"decision": Decision.CUSTOM, "custom_chf": "", "reason": "x"}, "custom_chf"),
        ({"decision": Decision.WAIVE, "reason": ""}, "reason"),
    ],
)
def test_a_bad_fee_decision_is_refused_and_nothing_saved(
    client: Any, support: Any, data: dict[str, Any], field: str
) -> None:
    booking = late_booking()
    policy_fee(booking)
    client.force_login(support)
    response = cancel(client, booking, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not booking.events.filter(to_status=Booking.Status.CANCELLED).exists()


def test_more_than_the_policy_fee_is_refused_with_the_fee_in_words(
    client: Any, support: Any
) -> None:
    booking = late_booking()
    client.force_login(support)
    response = cancel(client, booking, decision=Decision.CUSTOM, custom_chf="9999", reason="x")
    assert "may not be more than the policy fee" in response.content.decode()


def test_the_service_refuses_a_fee_override_from_a_customer() -> None:
    from bookings.services import BookingError, booking_cancel

    booking = late_booking()
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, actor=booking.customer, role="customer",
                       reason="x", fee_override=0)  # fmt: skip
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_bulk_action_still_cancels_free_of_charge(client: Any, support: Any) -> None:
    booking = late_booking()
    client.force_login(support)
    data = {"action": "cancel_bookings", "_selected_action": [booking.pk]}
    response = client.post(reverse("admin:bookings_booking_changelist"), data)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_fee) == (Booking.Status.CANCELLED, 0)


def test_onboarding_may_neither_cancel_nor_write_notes(client: Any, onboarding: Any) -> None:
    booking = late_booking()
    client.force_login(onboarding)
    assert (
        client.get(reverse("admin:bookings_booking_cancel", args=[booking.pk])).status_code == 403
    )
    response = cancel(client, booking, decision=Decision.WAIVE, reason="x")
    assert response.status_code == 403
    note = client.post(reverse("admin:bookings_booking_note", args=[booking.pk]), {"text": "x"})
    assert note.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert not booking.events.exists()


def test_a_non_staff_user_reaches_none_of_these_pages(client: Any) -> None:
    booking = late_booking()
    client.force_login(UserFactory())
    for name in ("admin:bookings_booking_cancel", "admin:bookings_booking_note", "audit_booking"):
        assert client.get(reverse(name, args=[booking.pk])).status_code == 302


def test_support_adds_an_internal_note(client: Any, support: Any) -> None:
    booking = late_booking()
    client.force_login(support)
    change = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert reverse("admin:bookings_booking_note", args=[booking.pk]) in change.content.decode()
    url = reverse("admin:bookings_booking_note", args=[booking.pk])
    assert client.post(url, {"text": "  Kundin ruft zurück.  "}).status_code == 302
    note = booking.events.get()
    assert (note.from_status, note.to_status) == (booking.status, booking.status)
    assert (note.actor, note.role, note.note) == (support, "staff", "Kundin ruft zurück.")
    assert note.data == {"kind": BookingEvent.NOTE}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    page_text = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content
    assert "Kundin ruft zurück." in page_text.decode()
    assert client.post(url, {"text": "   "}).status_code == 302  # refused, with a message
    assert booking.events.count() == 1


def test_notes_are_never_shown_to_the_customer_or_the_helper(client: Any, support: Any) -> None:
    booking = late_booking()
    booking_note_add(booking=booking, actor=support, text="Geheime Notiz")
    BookingEvent.objects.create(booking=booking, from_status="searching", to_status="confirmed",
                                role="helper")  # fmt: skip
    client.force_login(booking.customer)
    response = client.get(reverse("bookings:detail", args=[booking.reference]))
    assert response.status_code == 200
    assert "Geheime Notiz" not in response.content.decode()
    assert [e.to_status for e in response.context["events"]] == ["confirmed"]
    assert booking.helper is not None
    client.force_login(booking.helper.user)
    response = client.get(reverse("bookings:helper_job", args=[booking.reference]))
    assert response.status_code == 200
    assert "Geheime Notiz" not in response.content.decode()


def scenario(events: int) -> tuple[Booking, Any]:
    """A completed, reviewed booking with offers, notes, moderation and an admin log entry."""
    done = timezone.now() - timedelta(hours=1)
    made = BookingFactory(status="completed", starts_at=done - timedelta(hours=1),
                          ends_at=done, created_at=done)  # fmt: skip
    booking = cast(Booking, made)
    helper = booking.helper
    assert helper is not None
    staff = UserFactory(is_staff=True)
    for n in range(events):
        booking_note_add(booking=booking, actor=staff, text=f"Notiz {n}")
        answered = {
            "sent_at": done - timedelta(minutes=5),
            "expires_at": done,
            "responded_at": done,
            "status": "declined",
            "score": 1.0,
            "wave": 1,
        }
        Offer.objects.create(booking=booking, helper=HelperProfileFactory(), **answered)
        Offer.objects.create(booking=BookingFactory(), helper=helper, **answered)
        HelperEvent.objects.create(helper=helper, from_status="approved", to_status="approved",
                                   actor=staff, reason=f"Gespräch {n}")  # fmt: skip
    review = review_create(booking=booking, user=booking.customer, stars=5)
    ReviewEvent.objects.create(review=review, kind="hidden", actor=staff, reason="Spam")
    LogEntry.objects.create(user=staff, content_type=ContentType.objects.get_for_model(Booking),
                            object_id=str(booking.pk), object_repr=booking.reference,
                            action_flag=CHANGE, change_message="Telefonat")  # fmt: skip
    return booking, helper


def test_the_booking_audit_merges_every_kind_of_row(client: Any, support: Any) -> None:
    booking, _ = scenario(2)
    client.force_login(support)
    change = client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert reverse("audit_booking", args=[booking.pk]) in change.content.decode()
    response = client.get(reverse("audit_booking", args=[booking.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {"Booking", "Offer", "Review", "Admin"} <= {row.source for row in rows}
    assert [row.at for row in rows] == sorted(row.at for row in rows)
    text = response.content.decode()
    for words in ("Notiz 1", "Spam", "Telefonat", "Internal note"):
        assert words in text


def test_the_helper_audit_merges_every_kind_of_row(client: Any, support: Any) -> None:
    booking, helper = scenario(2)
    client.force_login(support)
    change = client.get(reverse("admin:helpers_helperprofile_change", args=[helper.pk]))
    assert reverse("audit_helper", args=[helper.pk]) in change.content.decode()
    response = client.get(reverse("audit_helper", args=[helper.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {"Helper", "Offer", "Booking", "Review"} <= {row.source for row in rows}
    assert booking.reference in {row.reference for row in rows}
    assert "Gespräch 1" in response.content.decode()


def test_onboarding_cannot_open_a_booking_audit(client: Any, onboarding: Any) -> None:
    booking, _ = scenario(1)
    client.force_login(onboarding)
    assert client.get(reverse("audit_booking", args=[booking.pk])).status_code == 403


@pytest.mark.parametrize("name", ["audit_booking", "audit_helper"])
def test_audit_queries_do_not_grow_with_events(
    client: Any, django_assert_max_num_queries: Any, name: str
) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    counts = []
    for events in (5, 30):
        booking, helper = scenario(events)
        pk = booking.pk if name == "audit_booking" else helper.pk
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse(name, args=[pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
