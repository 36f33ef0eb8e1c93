"""The visit's notifications (issue 8): what the customer reads when the helper sets off,
finishes or finds nobody at the door, and what staff read about a no-show or a late
withdrawal — by e-mail and in the inbox, in the recipient's language. And the door check
(DESIGN §6.7): the customer gets the code to compare, a helper's e-mails never carry it."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking, VisitReport
from bookings.notices import booking_context, service_names
from customers.models import User
from mila.lib.money import format_chf
from notifications.models import Notification
from notifications.services import render_notification_email
from tests.factories import ZURICH, BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
REFERENCE = "MK7Q-3PXA"
SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture
def customer() -> Any:
    return UserFactory(first_name="Ruth", last_name="Keller", preferred_language="en")


@pytest.fixture
def booking(customer: User) -> Any:
    helper = HelperProfileFactory(user__first_name="Lena", user__last_name="Meier")
    return BookingFactory(customer=customer, helper=helper, status=Booking.Status.EN_ROUTE,
                          reference=REFERENCE, visit_code="4711")  # fmt: skip


@pytest.fixture
def staff() -> Any:
    return UserFactory(first_name="Marco", is_staff=True, preferred_language="en")


def notification(kind: str, recipient: User, context: dict[str, Any]) -> Notification:
    return Notification.objects.create(recipient=recipient, kind=kind, context=context)


def customer_notification(kind: str, booking: Booking, **extra: Any) -> Notification:
    """As bookings.notices.notify_booking writes it for the customer."""
    context = {**booking_context(booking, **extra), "audience": "customer"}
    return notification(kind, booking.customer, context)


def staff_notification(kind: str, booking: Booking, recipient: User, **extra: Any) -> Notification:
    """As bookings.services.visit writes it for staff."""
    context = {
        "booking_id": booking.pk,
        "reference": booking.reference,
        "service": service_names(booking.service),
        "starts_at": booking.starts_at.isoformat(),
        "timing": booking.timing,
        "postcode": booking.postcode,
        "city": booking.city,
        "url": reverse("admin:bookings_booking_change", args=[booking.pk]),
        **extra,
    }
    return notification(kind, recipient, context)


def rendered(n: Notification) -> tuple[str, str, str]:
    """Subject, text body and HTML body of the notification's e-mail."""
    message = render_notification_email(n)
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    return str(message.subject), str(message.body), html


def inbox(n: Notification) -> str:
    with translation.override(n.recipient.preferred_language):
        return render_to_string(f"{n.template_dir}/inbox.html", {"notification": n})


def one_line(text: str) -> str:
    """Whitespace as a reader sees it (HTML wraps, the text version does not); the
    non-breaking space in "CHF 79.00" stays."""
    return re.sub(r"[ \t\r\n]+", " ", text)


def chf(rappen: int, language: str = "en") -> str:
    return format_chf(rappen, language)


# --- the helper is on the way ------------------------------------------------------------------


def en_route(booking: Booking) -> Notification:
    eta_at = datetime.combine(booking.starts_at.date(), datetime.min.time(), tzinfo=ZURICH)
    eta_at += timedelta(hours=14, minutes=25)
    return customer_notification(Kind.BOOKING_EN_ROUTE, booking, helper_name="Lena",
                                 eta_minutes=15, eta_at=eta_at.isoformat())  # fmt: skip


def test_on_the_way_says_when_the_helper_arrives_and_which_code_they_say(booking) -> None:
    subject, body, html = rendered(en_route(booking))
    assert subject == "Lena is on the way (about 15 minutes)"
    door = "Open the door only to a helper who tells you the code 4711."
    for text in (body, one_line(html)):
        assert "Lena is on the way to you and arrives in about 15 minutes (around 14:25)." in text
        assert door in text
        assert "Someone who does not know it is not from Mila" in text
    assert ">4711</p>" in html  # in large type, to compare at the door
    assert (
        f"{SITE}/bookings/{REFERENCE}/" in body and f'href="{SITE}/bookings/{REFERENCE}/"' in html
    )


def test_on_the_way_in_german(booking) -> None:
    booking.customer.preferred_language = "de"
    booking.customer.save()
    subject, body, html = rendered(en_route(booking))
    assert subject == "Lena ist unterwegs (in etwa 15 Minuten da)"
    assert "Öffnen Sie die Tür nur einem Helfer, der Ihnen den Code 4711 nennt." in body
    assert "Öffnen Sie die Tür nur einem Helfer, der Ihnen den Code 4711 nennt." in one_line(html)


def test_on_the_way_inbox_has_the_arrival_but_not_the_code(booking) -> None:
    entry = one_line(inbox(en_route(booking)))
    assert "Lena is on the way" in entry and "Arrives around 14:25." in entry
    assert "they tell you the code from your booking page" in entry
    assert "4711" not in entry


# --- the visit is done -------------------------------------------------------------------------


def completed(booking: Booking, **report: Any) -> Notification:
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    VisitReport.objects.create(
        booking=booking,
        work_done=report.get("work_done", "Set up a repeater in the hall; the bedroom has Wi-Fi."),
        devices=report.get("devices", ["Swisscom Internet-Box 3", "Fritz!Repeater 1200"]),
        recommendations=report.get("recommendations", "Restart the router once a month."),
        minutes=90,
    )
    return customer_notification(Kind.BOOKING_COMPLETED, booking, helper_name="Lena",
                                 minutes=90, follow_up_days=30)  # fmt: skip


def test_completed_shows_the_report_the_price_and_the_follow_up(customer) -> None:
    booking = BookingFactory(customer=customer, status=Booking.Status.IN_PROGRESS,
                             reference=REFERENCE, price_extra=3950)  # fmt: skip
    subject, body, html = rendered(completed(booking))
    assert subject == f"Your visit {REFERENCE} is done: the report from Lena"
    page = one_line(html)
    for text in (body, page):
        assert f"Lena has finished your visit {REFERENCE} after 90 minutes." in text
        assert "Set up a repeater in the hall; the bedroom has Wi-Fi." in text
        assert "Fritz!Repeater 1200" in text and "Swisscom Internet-Box 3" in text
        assert "Restart the router once a month." in text
        assert "You get an invoice for this amount." in text
        assert (
            "If the same problem comes back within 30 days, ask for a free follow-up "
            "on your booking page." in text
        )
        assert "Last-minute" not in text  # no surcharge, no line
    assert f"Visit (about 60 minutes): {chf(booking.price_base)}" in body
    assert f"Extra time: {chf(3950)}" in body
    assert f"Total: {chf(booking.price_base + 3950)}" in body
    assert f"{chf(booking.price_base + 3950)}</td>" in html
    assert f'href="{SITE}/bookings/{REFERENCE}/"' in html


def test_completed_by_card_says_the_card_is_charged(customer) -> None:
    booking = BookingFactory(customer=customer, status=Booking.Status.IN_PROGRESS,
                             payment_method="card")  # fmt: skip
    _, body, html = rendered(completed(booking, recommendations=""))
    assert "The amount is charged to the card you gave when you booked." in body
    assert "invoice" not in body
    assert "Recommendations" not in body and "Recommendations" not in html


def test_a_free_follow_up_says_so_instead_of_prices(customer) -> None:
    first = BookingFactory(customer=customer, status=Booking.Status.COMPLETED)
    follow_up = BookingFactory(customer=customer, status=Booking.Status.IN_PROGRESS,
                               follow_up_of=first, price_base=0)  # fmt: skip
    _, body, html = rendered(completed(follow_up))
    for text in (body, one_line(html)):
        assert "This follow-up was free of charge." in text
        assert "Total" not in text and "invoice" not in text
        assert "free follow-up" not in text


def test_completed_in_german(booking) -> None:
    booking.customer.preferred_language = "de"
    booking.customer.save()
    subject, body, _ = rendered(completed(booking, work_done="Repeater im Flur eingerichtet."))
    assert subject == f"Ihr Besuch {REFERENCE} ist abgeschlossen: der Bericht von Lena"
    assert "Repeater im Flur eingerichtet." in body
    assert "Sie erhalten für diesen Betrag eine Rechnung." in body
    assert "innerhalb von 30 Tagen" in body


def test_completed_inbox(booking) -> None:
    entry = one_line(inbox(completed(booking)))
    assert "Your visit is done" in entry
    assert "Lena wrote down what was done. It is on your booking page." in entry


# --- nobody at the door ------------------------------------------------------------------------


def test_no_show_tells_the_customer_the_fee_and_whom_to_write(booking) -> None:
    fee = booking.price_base
    n = customer_notification(Kind.BOOKING_NO_SHOW, booking, helper_name="Lena", fee=fee)
    subject, body, html = rendered(n)
    assert subject == f"Visit {REFERENCE}: we could not reach you"
    for text in (body, one_line(html)):
        assert (
            "Lena came to your door at the agreed time but could not reach you. "
            "We have closed the visit." in text
        )
        assert f"As our terms say, a missed visit costs the full visit price: {chf(fee)}." in text
        assert "hallo@mila.ch" in text and f"with your reference {REFERENCE}" in text
    assert f"{SITE}/bookings/{REFERENCE}/" in body
    assert f"Fee for the missed visit: {chf(fee)}." in one_line(inbox(n))


def test_no_show_without_a_fee_says_nothing_is_charged(booking) -> None:
    n = customer_notification(Kind.BOOKING_NO_SHOW, booking, helper_name="Lena", fee=0)
    _, body, html = rendered(n)
    assert "You pay nothing for this visit." in body and "You pay nothing for this visit." in html
    assert "missed visit costs" not in body
    assert "You pay nothing for this visit." in inbox(n)


def test_no_show_in_german(booking) -> None:
    booking.customer.preferred_language = "de"
    booking.customer.save()
    n = customer_notification(Kind.BOOKING_NO_SHOW, booking, helper_name="Lena",
                              fee=booking.price_base)  # fmt: skip
    subject, body, _ = rendered(n)
    assert subject == f"Besuch {REFERENCE}: Wir haben Sie nicht angetroffen"
    assert "Lena stand zur vereinbarten Zeit vor Ihrer Tür" in body
    assert chf(booking.price_base, "de") in body


# --- staff alerts ------------------------------------------------------------------------------


def test_staff_no_show(booking, staff) -> None:
    n = staff_notification(Kind.STAFF_NO_SHOW, booking, staff, helper_name="Lena M.", fee=7900)
    subject, body, html = rendered(n)
    assert subject == f"Customer not there: {REFERENCE} (Set up Wi-Fi)"
    admin = f"{SITE}/admin/bookings/booking/{booking.pk}/change/"
    for text in (body, one_line(html)):
        assert f"Lena M. reported that nobody opened the door for booking {REFERENCE}." in text
        assert f"No-show fee for the customer: {chf(7900)}" in text
    assert admin in body and f'href="{admin}"' in html
    assert "4711" not in body + html  # staff read the code in the admin, not in e-mails
    entry = one_line(inbox(n))
    assert f"Customer not there: {REFERENCE}" in entry and "Lena M." in entry


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        ("ill", "I am ill"),
        ("emergency", "An emergency"),
        ("transport", "I have no way to get there"),
        ("other", "Another reason"),
    ],
)
def test_staff_late_withdrawal_says_who_when_and_why(booking, staff, reason, label) -> None:
    n = staff_notification(Kind.STAFF_LATE_WITHDRAWAL, booking, staff, helper_name="Lena M.",
                           hours_before=5, reason=reason, note="Fieber seit heute Nacht.",
                           late_withdrawals=2)  # fmt: skip
    subject, body, html = rendered(n)
    assert subject == f"Late withdrawal: {REFERENCE} (Set up Wi-Fi)"
    for text in (body, one_line(html)):
        assert (
            f"Lena M. gave back booking {REFERENCE} 5 hours before it starts (reason: {label}). "
            "In total, this helper has now given back 2 jobs at short notice." in text
        )
        assert "Fieber seit heute Nacht." in text
        assert "8001 Zürich" in text
    assert f"{SITE}/admin/bookings/booking/{booking.pk}/change/" in body
    entry = one_line(inbox(n))
    assert f"Late withdrawal: {REFERENCE}" in entry and f"Lena M. · {label}" in entry


def test_staff_late_withdrawal_within_the_hour_and_in_german(booking, staff) -> None:
    staff.preferred_language = "de"
    staff.save()
    n = staff_notification(Kind.STAFF_LATE_WITHDRAWAL, booking, staff, helper_name="Lena M.",
                           hours_before=0, reason="ill", note="", late_withdrawals=1)  # fmt: skip
    subject, body, html = rendered(n)
    assert subject == f"Kurzfristig zurückgegeben: {REFERENCE} (WLAN einrichten)"
    assert "weniger als eine Stunde vor Beginn" in body
    assert "(Grund: Ich bin krank)" in body
    assert "Der Helfer schreibt:" not in body + html  # no note, no quote


# --- the door code stays with the customer -----------------------------------------------------


def test_the_confirmation_says_the_helper_tells_the_code(booking) -> None:
    n = customer_notification(Kind.BOOKING_CONFIRMED, booking, helper_name="Lena",
                              helper_rating="4.80", helper_ratings=3)  # fmt: skip
    _, body, html = rendered(n)
    wording = (
        "When your helper arrives, they tell you the code from your booking page. "
        "Open the door only if it matches."
    )
    assert wording in body and wording in html
    assert "asks for it" not in body + html


def helper_contexts(booking: Booking) -> dict[str, dict[str, Any]]:
    job = {**booking_context(booking), "audience": "helper",
           "url": reverse("bookings:helper_job", args=[booking.reference])}  # fmt: skip
    offer = {
        "offer_id": 1, "reference": booking.reference, "service": service_names(booking.service),
        "starts_at": booking.starts_at.isoformat(), "ends_at": booking.ends_at.isoformat(),
        "timing": booking.timing, "postcode": booking.postcode, "city": booking.city,
        "distance_km": 1.2, "outside_area": False, "payout": booking.helper_payout,
        "expires_at": booking.starts_at.isoformat(), "url": "/helper/#offers",
    }  # fmt: skip
    return {
        Kind.JOB_CONFIRMED: {**job, "assigned_by_staff": False},
        Kind.OFFER_NEW: offer,
        Kind.OFFER_WITHDRAWN: {**offer, "reason": "taken"},
        Kind.BOOKING_CANCELLED: {**job, "fee": 0},
        Kind.BOOKING_RESCHEDULED: {**job, "previous_starts_at": booking.starts_at.isoformat()},
        Kind.BOOKING_REMINDER: {**job, "before": "1h"},
    }


@pytest.mark.parametrize(
    "kind",
    [Kind.JOB_CONFIRMED, Kind.OFFER_NEW, Kind.OFFER_WITHDRAWN, Kind.BOOKING_CANCELLED,
     Kind.BOOKING_RESCHEDULED, Kind.BOOKING_REMINDER],
)  # fmt: skip
@pytest.mark.parametrize("status", [Booking.Status.CONFIRMED, Booking.Status.EN_ROUTE])
def test_no_helper_email_carries_the_door_code(customer, kind, status) -> None:
    """The helper sees the code only on the job page, once on the way: an e-mail can be read
    by whoever gets into their mailbox, and could be forwarded."""
    code = "QZ7J"  # letters, so that no date, price or postcode can look like it
    booking = BookingFactory(customer=customer, status=status, reference=REFERENCE,
                             visit_code=code)  # fmt: skip
    n = notification(kind, booking.helper.user, helper_contexts(booking)[kind])
    message = render_notification_email(n)
    parts = [message.subject, message.body, *(str(a[0]) for a in message.alternatives)]
    parts += [str(attachment) for attachment in message.attachments]
    parts.append(inbox(n))
    assert not [part for part in parts if code in part]


def test_every_kind_has_its_templates() -> None:
    root = Path(settings.BASE_DIR) / "templates"
    missing = [
        f"{n.template_dir}/{name}"
        for kind in Kind
        for n in [Notification(kind=kind)]
        for name in ("subject.txt", "body.txt", "body.html", "inbox.html")
        if not (root / n.template_dir / name).exists()
    ]
    assert missing == []


def test_the_inbox_page_shows_the_visit_messages_in_the_users_language(client, booking) -> None:
    booking.customer.preferred_language = "de"
    booking.customer.save()
    en_route(booking)
    customer_notification(Kind.BOOKING_NO_SHOW, booking, helper_name="Lena", fee=0)
    client.force_login(booking.customer)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    page = one_line(response.content.decode())
    assert "Lena ist unterwegs" in page
    assert f"Besuch {REFERENCE}: Wir haben Sie nicht angetroffen" in page
    assert "Für diesen Besuch bezahlen Sie nichts." in page
