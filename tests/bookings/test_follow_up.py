"""The free follow-up ("the problem is back") and "Book Lena again": the helper the customer
knows is asked first."""

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.matching.dispatch import matching_advance
from bookings.models import Booking, Offer, Service
from bookings.services import BookingError
from bookings.services.follow_up import booking_follow_up
from notifications.models import Notification
from tests.bookings.conftest import ZURICH, offered
from tests.factories import BookingFactory, UserFactory, three_days_ahead_at_ten

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def visit(service: Any, make_helper: Any) -> Any:
    """A completed visit by a helper who could come again (and four others who could too)."""
    lena = make_helper(2, user__first_name="Lena")
    for km in (0.5, 0.6, 0.7, 0.8):
        make_helper(km)
    done = timezone.now() - timedelta(days=2)
    return BookingFactory(service=service, status=S.COMPLETED, helper=lena, completed_at=done,
                          starts_at=done - timedelta(hours=1), ends_at=done)  # fmt: skip


def ask(visit: Booking, *, by: Any = None, now: datetime | None = None, **fields: Any) -> Booking:
    """Ask for the follow-up, and run the search's first step (which follows on commit)."""
    fields.setdefault("timing", Booking.Timing.SCHEDULED)
    fields.setdefault("starts_at", three_days_ahead_at_ten())
    follow_up = booking_follow_up(booking=visit, actor=by or visit.customer,
                                  problem="Das WLAN bricht wieder ab.", now=now,
                                  **fields)  # fmt: skip
    matching_advance(booking_id=follow_up.pk, now=now or timezone.now())
    return follow_up


def test_a_follow_up_is_free_and_asks_the_same_helper_first(visit: Any) -> None:
    follow_up = ask(visit)
    assert (follow_up.status, follow_up.follow_up_of, follow_up.price_total) == (
        S.SEARCHING, visit, 0,
    )  # fmt: skip
    assert (follow_up.price_base, follow_up.commission, follow_up.payment_method) == (0, 0, "free")
    assert (follow_up.service, follow_up.street, follow_up.preferred_helper) == (
        visit.service, visit.street, visit.helper,
    )  # fmt: skip
    # The first wave: one helper, the same.
    assert offered(follow_up) == {visit.helper_id}
    offer = Offer.objects.get(booking=follow_up)
    assert offer.payout == 0  # the original helper's warranty
    assert Notification.objects.filter(recipient=visit.customer, kind="booking_received",
                                       context__reference=follow_up.reference).exists()  # fmt: skip


def test_when_the_helper_cannot_the_next_wave_asks_others(visit: Any) -> None:
    follow_up = ask(visit)
    offer = Offer.objects.get(booking=follow_up)
    now = offer.expires_at + timedelta(seconds=1)
    matching_advance(booking_id=follow_up.pk, now=now)
    others = offered(follow_up) - {visit.helper_id}
    assert len(others) == 4
    paid = Offer.objects.filter(booking=follow_up, helper_id__in=others).first()
    assert paid is not None and paid.payout == 6320  # the normal net payout: 79.00 - 20 %


def test_a_helper_not_free_then_is_skipped_and_others_are_asked(visit: Any) -> None:
    BookingFactory(status=S.CONFIRMED, helper=visit.helper, starts_at=three_days_ahead_at_ten())
    follow_up = ask(visit)
    assert visit.helper_id not in offered(follow_up)
    assert len(offered(follow_up)) == 4


def test_once_per_booking_only(visit: Any) -> None:
    ask(visit)
    with pytest.raises(BookingError) as refused:
        ask(visit)
    assert refused.value.code == "already"
    assert Booking.objects.filter(follow_up_of=visit).count() == 1


def test_only_within_30_days_of_completion(visit: Any) -> None:
    assert visit.completed_at is not None
    last = visit.completed_at + timedelta(days=30)
    with pytest.raises(BookingError) as refused:
        ask(visit, now=last + timedelta(seconds=1), starts_at=last + timedelta(days=3))
    assert refused.value.code == "too_late"
    assert ask(visit, now=last, starts_at=three_days_ahead_at_ten() + timedelta(days=30))


def test_only_the_customer_and_only_after_a_completed_visit(visit: Any) -> None:
    with pytest.raises(BookingError) as refused:
        ask(visit, by=UserFactory())
    assert refused.value.code == "forbidden"
    Booking.objects.filter(pk=visit.pk).update(status=S.CANCELLED)
    visit.refresh_from_db()
    with pytest.raises(BookingError) as refused:
        ask(visit)
    assert refused.value.code == "status"


def test_a_follow_up_has_no_follow_up_of_its_own(visit: Any) -> None:
    follow_up = ask(visit)
    Booking.objects.filter(pk=follow_up.pk).update(status=S.COMPLETED, completed_at=timezone.now(),
                                                   helper=visit.helper)  # fmt: skip
    follow_up.refresh_from_db()
    with pytest.raises(BookingError) as refused:
        ask(follow_up)
    assert refused.value.code == "follow_up"


@pytest.mark.parametrize(("duration", "last"), [(60, 20), (120, 19)])
def test_a_follow_up_must_end_by_21(visit: Any, duration: int, last: int) -> None:
    Service.objects.filter(pk=visit.service_id).update(duration_minutes=duration)
    day = three_days_ahead_at_ten().date()
    with pytest.raises(BookingError) as refused:
        ask(visit, starts_at=datetime.combine(day, time(last, 30), tzinfo=ZURICH))
    assert refused.value.code == "time"
    assert not Booking.objects.filter(follow_up_of=visit).exists()
    follow_up = ask(visit, starts_at=datetime.combine(day, time(last), tzinfo=ZURICH))
    assert follow_up.ends_at == datetime.combine(day, time(21), tzinfo=ZURICH)


def test_the_customer_asks_on_the_booking_page(client: Any, visit: Any) -> None:
    client.force_login(visit.customer)
    detail = reverse("bookings:detail", args=[visit.reference])
    page = client.get(detail).content.decode()
    assert reverse("bookings:follow_up", args=[visit.reference]) in page
    assert f"?helper={visit.helper.public_id}" in page  # "Book Lena again"
    start = three_days_ahead_at_ten()
    response = client.post(reverse("bookings:follow_up", args=[visit.reference]), {
        "problem": "Das WLAN bricht wieder ab.", "timing": "scheduled",
        "date": start.date().isoformat(), "time": "10:00",
    })  # fmt: skip
    follow_up = Booking.objects.get(follow_up_of=visit)
    assert response.status_code == 302 and response.url == reverse(
        "bookings:detail", args=[follow_up.reference]
    )
    assert follow_up.starts_at == start
    # The first visit now links to it instead of offering another.
    page = client.get(detail).content.decode()
    assert reverse("bookings:detail", args=[follow_up.reference]) in page
    assert reverse("bookings:follow_up", args=[visit.reference]) not in page
    again = client.get(reverse("bookings:follow_up", args=[visit.reference]))
    assert again.status_code == 302 and again.url == reverse(
        "bookings:detail", args=[follow_up.reference]
    )


def test_someone_elses_booking_is_a_404(client: Any, visit: Any) -> None:
    client.force_login(UserFactory())
    url = reverse("bookings:follow_up", args=[visit.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"problem": "x" * 20, "timing": "asap"}).status_code == 404
    assert not Booking.objects.filter(follow_up_of=visit).exists()


def test_book_the_same_helper_again_asks_them_first(client: Any, visit: Any) -> None:
    client.force_login(visit.customer)
    start = three_days_ahead_at_ten()
    client.get(
        reverse("bookings:start", args=[visit.service.slug]) + f"?helper={visit.helper.public_id}"
    )
    client.post(
        reverse("bookings:step", args=["problem"]), {"problem": "Der Drucker druckt nicht."}
    )
    client.post(reverse("bookings:step", args=["address"]), {
        "street": "Limmatquai 1", "postcode": "8001", "city": "Zürich", "country": "CH",
        "phone": "+41791234567",
    })  # fmt: skip
    client.post(reverse("bookings:step", args=["time"]), {
        "timing": "scheduled", "date": start.date().isoformat(), "time": "10:00",
    })  # fmt: skip
    quote = client.get(reverse("bookings:quote"))
    assert "Lena" in quote.content.decode()
    form = quote.context["form"]
    client.post(reverse("bookings:quote"), {
        "tier": "friend", "key": form.initial["key"], "seen": form.initial["seen"],
    })  # fmt: skip
    booking = Booking.objects.exclude(pk=visit.pk).get(customer=visit.customer)
    matching_advance(booking_id=booking.pk, now=timezone.now())
    assert booking.preferred_helper == visit.helper and booking.price_total == visit.price_total
    assert offered(booking) == {visit.helper_id}  # alone in the first wave


def test_an_unknown_or_unapproved_helper_in_the_link_is_ignored(client: Any, visit: Any) -> None:
    visit.helper.status = "suspended"
    visit.helper.save()
    client.get(
        reverse("bookings:start", args=[visit.service.slug]) + f"?helper={visit.helper.public_id}"
    )
    assert "helper" not in client.session["booking_draft"]
    client.get(reverse("bookings:start", args=[visit.service.slug]) + "?helper=not-a-uuid")
    assert "helper" not in client.session["booking_draft"]
