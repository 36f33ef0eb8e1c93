"""Download my data, delete my account (the rights the privacy page promises)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from bookings.models import Booking
from customers.models import User
from helpers.models import HelperEvent
from notifications.models import Notification
from tests.factories import (
    PASSWORD,
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_export_contains_my_data_and_nobody_elses(client) -> None:
    me = UserFactory(first_name="Vreni")
    mine = BookingFactory(customer=me, problem="Drucker druckt nicht")
    other = BookingFactory(problem="Geheim")
    NotificationFactory(recipient=me)
    client.force_login(me)
    response = client.get(reverse("customers:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mila-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == me.email and data["account"]["first_name"] == "Vreni"
    assert [b["reference"] for b in data["bookings"]] == [mine.reference]
    assert data["bookings"][0]["problem"] == "Drucker druckt nicht"
    assert other.reference not in response.content.decode()
    assert len(data["messages"]) == 1
    assert data["helper_profile"] is None


def test_a_helpers_export_says_what_they_were_offered_and_why(client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bookings.models import Offer
    from tests.factories import HelperProfileFactory

    helper = HelperProfileFactory()
    now = timezone.now()
    offered = BookingFactory()
    Offer.objects.create(booking=offered, helper=helper, wave=2, score=71.5,
                         breakdown={"distance_km": 2.1}, sent_at=now,
                         expires_at=now + timedelta(hours=1), status="declined",
                         decline_reason="too_far", responded_at=now)  # fmt: skip
    Offer.objects.create(booking=BookingFactory(), helper=HelperProfileFactory(), wave=1,
                         score=1, expires_at=now + timedelta(hours=1))  # fmt: skip
    client.force_login(helper.user)
    offers = json.loads(client.get(reverse("customers:export")).content)["helper_profile"]["offers"]
    assert offers == [{
        "booking": offered.reference, "sent": now.isoformat(), "status": "declined",
        "answered": now.isoformat(), "decline_reason": "too_far", "score": 71.5,
        "why": {"distance_km": 2.1},
    }]  # fmt: skip


def test_export_needs_login(client) -> None:
    assert client.get(reverse("customers:export")).status_code == 302


def test_delete_account_removes_what_identifies_me(client) -> None:
    me = UserFactory(first_name="Vreni", phone="+41791234567")
    address = me.email
    past = BookingFactory(customer=me, status="completed", street="Seeweg 3")
    NotificationFactory(recipient=me)
    someone = BookingFactory(status="completed", street="Hauptstrasse 1")
    client.force_login(me)
    response = client.post(reverse("customers:delete"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    me.refresh_from_db()
    assert not me.is_active and not me.has_usable_password()
    assert me.email == f"deleted-{me.pk}@deleted.invalid"
    assert (me.first_name, str(me.phone)) == ("", "")
    assert not EmailAddress.objects.filter(user=me).exists()
    assert not Notification.objects.filter(recipient=me).exists()
    past.refresh_from_db()
    assert (past.street, past.phone, past.problem) == ("", "", "")
    assert (past.price_total, past.postcode) != (0, "")  # kept for accounting
    someone.refresh_from_db()
    assert someone.street == "Hauptstrasse 1"
    assert "_auth_user_id" not in client.session
    # The address is free again: nothing on Mila holds it any more.
    assert not User.objects.filter(email=address).exists()
    assert not EmailAddress.objects.filter(email=address).exists()


def test_delete_needs_the_right_password(client) -> None:
    me = UserFactory()
    client.force_login(me)
    response = client.post(reverse("customers:delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    me.refresh_from_db()
    assert me.is_active


def test_delete_refused_while_a_visit_is_open(client) -> None:
    me = UserFactory()
    booking = BookingFactory(customer=me, status="confirmed")
    client.force_login(me)
    response = client.post(reverse("customers:delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    me.refresh_from_db()
    booking.refresh_from_db()
    assert me.is_active and booking.street and booking.status == Booking.Status.CONFIRMED


def test_deleting_a_helpers_account_stops_them_helping_with_an_audit_row(client) -> None:
    helper = HelperProfileFactory(status="approved", bio="Ich helfe gern bei allem Technischen.")
    client.force_login(helper.user)
    client.post(reverse("customers:delete"), {"password": PASSWORD})
    helper.refresh_from_db()
    assert (helper.status, helper.bio) == ("suspended", "")
    event = HelperEvent.objects.get(helper=helper, to_status="suspended")
    assert (event.from_status, event.reason) == ("approved", "account deleted")


def test_the_export_has_the_reviews_i_wrote_and_the_ones_about_me(client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from reviews.services import review_create, review_reply

    done = timezone.now() - timedelta(hours=1)
    helper = HelperProfileFactory()
    booking = BookingFactory(status="completed", helper=helper, starts_at=done - timedelta(hours=1),
                             ends_at=done, completed_at=done)  # fmt: skip
    review = review_create(booking=booking, user=booking.customer, stars=4, comment="Sehr nett")
    review_reply(review=review, user=helper.user, text="Danke!")
    client.force_login(booking.customer)
    mine = json.loads(client.get(reverse("customers:export")).content)
    assert [(r["stars"], r["comment"]) for r in mine["reviews_written"]] == [(4, "Sehr nett")]
    assert mine["reviews_received"] == []
    client.force_login(helper.user)
    theirs = json.loads(client.get(reverse("customers:export")).content)
    assert [(r["comment"], r["reply"]) for r in theirs["reviews_received"]] == [
        ("Sehr nett", "Danke!")
    ]
    assert theirs["reviews_written"] == []


def test_the_export_leaves_out_staffs_internal_notes(client) -> None:
    from bookings.services.staff import booking_note_add

    booking = BookingFactory(problem="Drucker druckt nicht")
    booking_note_add(booking=booking, actor=UserFactory(is_staff=True), text="Ruft oft an")
    client.force_login(booking.customer)
    body = client.get(reverse("customers:export")).content.decode()
    assert booking.reference in body and "Ruft oft an" not in body
