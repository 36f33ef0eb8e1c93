"""Demo bookings for ``manage.py seed_demo``: each demo customer has a short history — visits
done, one cancelled or found nobody — and visits to come, one with a helper and one still
looking for one.

Every booking is made the way a real one is, through the services, at the clock of each step:
booked (``booking_create``), offered (``matching_advance``), accepted (``offer_accept``), on the
way, started and completed with a visit report (``bookings.services.visit``), or cancelled
(``booking_cancel``). A visit is put at a time its helper's weekly times allow, when neither
the helper nor the customer has another visit. So every number the pages show (visits done,
ratings, what a helper earned) follows from these rows. Nobody is on the way or at a visit:
demo data is loaded once, and "right now" would be wrong an hour later.

Idempotent: each planned visit has a fixed submission key.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bookings.matching.dispatch import matching_advance
from bookings.matching.responses import offer_accept
from bookings.models import Booking, BookingEvent, Offer, Service
from bookings.pricing import FRIEND, PRO
from bookings.services import BookingRequest, booking_cancel, booking_create
from bookings.services.visit import (
    VisitReportInput,
    visit_complete,
    visit_on_my_way,
    visit_start,
)
from customers.models import User
from helpers.availability import helpers_available
from helpers.models import HelperProfile
from mila.lib import geo
from notifications.models import Notification

S = Booking.Status
NAMESPACE = uuid.UUID("0b6e4f7e-2f5c-4c55-8a51-6a9d3c1e7f02")
LENA, MARCO = "lena@mila.example", "marco@mila.example"
# Sophie is the demo's new helper: nobody has booked her yet.
NEVER_TAKES = frozenset({"sophie@mila.example"})


@dataclass(frozen=True)
class Visit:
    """A planned booking: how it ends, what, when (days from today, hour), and who takes it
    if they are asked (otherwise the best helper asked who is free)."""

    outcome: str
    slug: str
    days: int
    hour: int
    tier: str = FRIEND
    helper: str = ""
    extra_minutes: int = 0  # a completed visit took this much longer than the service
    stars: int = 5  # the customer's rating of a completed visit (reviews.demo writes it)


# Anna's visits are Lena's (or Marco's, for a Pro), so their pages show a history and a job to
# come; Lena has nothing eight or more days ahead, so she is free whenever someone tries
# booking (README). Everyone else is helped by someone from the crowd near them.
PLAN = {
    "anna@mila.example": (
        Visit(S.COMPLETED, "wifi-setup", -38, 10, helper=LENA, extra_minutes=30),
        Visit(S.COMPLETED, "router-change", -30, 14, PRO, helper=MARCO),
        Visit(S.COMPLETED, "computer-checkup", -16, 9, helper=LENA, stars=4),
        Visit(S.COMPLETED, "streaming-apps", -6, 16, helper=LENA),
        Visit(S.CANCELLED, "data-backup", -3, 11),
        Visit(S.SEARCHING, "printer-setup", 3, 10),
        Visit(S.CONFIRMED, "new-smartphone", 5, 14, helper=LENA),
    ),
    "claude@mila.example": (
        Visit(S.COMPLETED, "wifi-setup", -25, 10),
        Visit(S.COMPLETED, "tablet-setup", -9, 15, stars=4),
        Visit(S.CANCELLED, "tv-setup", -2, 17),
        Visit(S.CONFIRMED, "computer-checkup", 4, 9),
        Visit(S.SEARCHING, "streaming-apps", 6, 14),
    ),
    "giulia@mila.example": (
        Visit(S.COMPLETED, "new-smartphone", -20, 10),
        Visit(S.COMPLETED, "printer-setup", -11, 14, extra_minutes=30, stars=2),
        Visit(S.CONFIRMED, "wifi-setup", 2, 10),
        Visit(S.SEARCHING, "smartphone-lesson", 7, 15),
    ),
    "peter@mila.example": (
        Visit(S.COMPLETED, "tv-setup", -27, 11, PRO),
        Visit(S.COMPLETED, "computer-checkup", -8, 16, stars=3),
        Visit(S.SEARCHING, "wifi-setup", 3, 10),
        Visit(S.UNFULFILLED, "data-backup", 4, 18),
    ),
}
ADDRESSES = {
    "anna@mila.example": ("Seefeldstrasse 12", "8008"),
    "claude@mila.example": ("Avenue de la Gare 5", "1003"),
    "giulia@mila.example": ("Via Nassa 20", "6900"),
    "peter@mila.example": ("Marktgasse 30", "3011"),
}
PROBLEMS = {
    "de": "Seit dem Umzug funktioniert das nicht mehr richtig. Ich bin am Vormittag zu Hause.",
    "fr": "Depuis le déménagement, cela ne marche plus bien. Je suis là le matin.",
    "it": "Dal trasloco non funziona più bene. Sono a casa la mattina.",
    "en": "It has not worked properly since we moved. I am at home in the mornings.",
}
REPORTS = {  # (what was done, recommendations), in the customer's language
    "de": ("{service}: alles eingerichtet, zusammen ausprobiert und Schritt für Schritt gezeigt, "
           "wie es geht.", "Die wichtigsten Schritte stehen auf dem Zettel neben dem Gerät."),
    "fr": ("{service} : tout installé, essayé ensemble et montré pas à pas comment faire.",
           "Les étapes importantes sont sur la feuille près de l'appareil."),
    "it": ("{service}: tutto configurato, provato insieme e mostrato passo per passo come fare.",
           "I passi principali sono sul foglio accanto all'apparecchio."),
    "en": ("{service}: set everything up, tried it out together and showed how it works, step "
           "by step.", "The main steps are on the note next to the device."),
}  # fmt: skip
CANCEL_REASONS = {
    "de": "Mein Enkel hilft mir doch am Wochenende.",
    "fr": "Finalement, mon petit-fils m'aide ce week-end.",
    "it": "Alla fine mi aiuta mio nipote nel fine settimana.",
    "en": "My grandson is helping me at the weekend after all.",
}
# When a visit's planned day or hour has nobody free, the nearest other one that has somebody.
DAY_SHIFTS = (0, -1, 1, -2, 2, -3, 3)
FIRST_HOUR, LAST_END = 8, 19
BOOKED_DAYS_BEFORE, BOOKED_AT = 2, time(19, 35)  # booked two evenings before the visit
ANSWERED_AFTER = timedelta(minutes=12)  # the helper accepts this long after the offer
CANCELLED_AFTER = timedelta(hours=2)
ON_THE_WAY_BEFORE, ETA_MINUTES = timedelta(minutes=25), 20
MAX_WAVES = 8  # more than matching ever sends


def _zurich(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


@contextmanager
def _news_at(at: datetime, now: datetime) -> Iterator[None]:
    """The notifications a step writes are dated when it happened. The demo's past was not
    sent by e-mail: it counts as delivered then (loading the demo does not flood the console
    with old news), and what is more than a day old has been read."""
    last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    written = Notification.objects.filter(pk__gt=last)
    written.update(created_at=at)
    written.filter(send_email=True).update(delivered_at=at)
    if at < now - timedelta(days=1):
        written.update(read_at=at + timedelta(hours=1))


def _ends(service: Service, start: datetime) -> datetime:
    return start + timedelta(minutes=service.duration_minutes)


def _has_visit(start: datetime, end: datetime, **whose: object) -> bool:
    """Whether someone (``customer=`` or ``helper=``) has a visit then, done ones included."""
    visits = Booking.objects.filter(starts_at__lt=end, ends_at__gt=start, **whose)
    return visits.exclude(status=S.CANCELLED).exists()


def _free_helpers(
    visit: Visit, service: Service, place: geo.Place, start: datetime, end: datetime
) -> list[HelperProfile]:
    """Who could take the visit then: the helpers matching would ask (skill, Pro, area, weekly
    times, no time off, daily maximum) who also have no other visit then, done ones included."""
    helpers = HelperProfile.objects.filter(skills=service.category).exclude(
        user__email__in=NEVER_TAKES
    )
    if visit.tier == PRO:
        helpers = helpers.filter(tier=HelperProfile.Tier.PRO)
    if visit.helper:
        helpers = helpers.filter(user__email=visit.helper)
    return [
        h
        for h in helpers_available(start=start, end=end, helpers=helpers)
        if geo.haversine_km(place.lat, place.lng, h.lat or 0, h.lng or 0) <= h.radius_km
        and not _has_visit(start, end, helper=h)
    ]


def _starts(
    customer: User, visit: Visit, service: Service, place: geo.Place, today: date
) -> datetime:
    """The planned start, or the nearest on the same side of today at which the customer is
    free and, for a visit that gets a helper, someone who could take it is free too."""
    hours = sorted(range(FIRST_HOUR, LAST_END), key=lambda h: (abs(h - visit.hour), h))
    needs_helper = visit.outcome in (S.COMPLETED, S.CONFIRMED)
    for shift in DAY_SHIFTS:
        day = today + timedelta(days=visit.days + shift)
        if (day - today).days * visit.days <= 0:  # the past stays past, the future future
            continue
        for hour in hours:
            start = _zurich(day, time(hour))
            end = _ends(service, start)
            if end > _zurich(day, time(LAST_END)) or _has_visit(start, end, customer=customer):
                continue
            if not needs_helper or _free_helpers(visit, service, place, start, end):
                return start
    return _zurich(today + timedelta(days=visit.days), time(visit.hour))


def _booked_at(visit: Visit, starts_at: datetime, now: datetime) -> datetime:
    """Past visits were booked two evenings before; visits to come a day ago (long enough for
    a search that found nobody), and the ones still looking for a helper just now."""
    if visit.outcome == S.SEARCHING:
        return now - timedelta(minutes=10)
    day = timezone.localdate(starts_at) - timedelta(days=BOOKED_DAYS_BEFORE)
    return min(_zurich(day, BOOKED_AT), now - timedelta(days=1))


def _choose(booking: Booking, visit: Visit) -> Offer | None:
    """The offer the planned helper answers, or the best one of a helper free then."""
    offers = [
        offer
        for offer in booking.offers.filter(status=Offer.Status.PENDING)
        .select_related("helper__user")
        .order_by("-score", "pk")
        if offer.helper.user.email not in NEVER_TAKES
        and not _has_visit(booking.starts_at, booking.ends_at, helper=offer.helper)
    ]
    planned = [offer for offer in offers if offer.helper.user.email == visit.helper]
    return next(iter(planned or offers), None)


def _search(booking: Booking, visit: Visit, now: datetime) -> Offer | None:
    """Wave after wave, until a helper accepts: their offer, or None if nobody did (the booking
    is unfulfilled then) or nobody was meant to. A booking to be cancelled is cancelled while
    its first wave waits for answers."""
    at = booking.searching_at or booking.created_at
    for _wave in range(MAX_WAVES):
        with _news_at(at, now):
            matching_advance(booking_id=booking.pk, now=at)
        booking.refresh_from_db()
        if booking.status != S.SEARCHING or booking.next_wave_at is None:
            return None
        if visit.outcome == S.CANCELLED:
            return None
        offer = _choose(booking, visit) if visit.outcome != S.UNFULFILLED else None
        if offer is not None:
            return offer
        at = booking.next_wave_at  # nobody answered: the wave expires, the next goes out
    return None


def _accept(offer: Offer, now: datetime) -> Booking:
    at = offer.sent_at + ANSWERED_AFTER
    with _news_at(at, now):
        return offer_accept(offer=offer, user=offer.helper.user, now=at)


def _do_visit(booking: Booking, visit: Visit, helper: HelperProfile, now: datetime) -> None:
    """On the way, at the door, done: a report and the time it took."""
    user, start = helper.user, booking.starts_at
    with _news_at(start - ON_THE_WAY_BEFORE, now):
        visit_on_my_way(booking=booking, user=user, eta_minutes=ETA_MINUTES,
                        now=start - ON_THE_WAY_BEFORE)  # fmt: skip
    with _news_at(start, now):
        visit_start(booking=booking, user=user, now=start)
    minutes = booking.service.duration_minutes + visit.extra_minutes
    language = booking.customer.preferred_language
    work_done, recommendations = REPORTS[language]
    report = VisitReportInput(
        work_done=work_done.format(service=getattr(booking.service, f"name_{language}")),
        recommendations=recommendations,
    )
    done = start + timedelta(minutes=minutes)
    with _news_at(done, now):
        visit_complete(booking=booking, user=user, worked_minutes=minutes, report=report, now=done)


def _cancel(booking: Booking, now: datetime) -> None:
    at = (booking.searching_at or booking.created_at) + CANCELLED_AFTER
    customer = booking.customer
    with _news_at(at, now):
        booking_cancel(booking=booking, actor=customer, role=BookingEvent.Role.CUSTOMER,
                       reason=CANCEL_REASONS[customer.preferred_language], now=at)  # fmt: skip


def _book(customer: User, visit: Visit, key: uuid.UUID, now: datetime) -> Booking:
    service = Service.objects.select_related("category").get(slug=visit.slug)
    street, postcode = ADDRESSES[customer.email]
    place = geo.lookup(postcode)
    assert place is not None, postcode
    starts_at = _starts(customer, visit, service, place, timezone.localdate(now))
    booked_at = _booked_at(visit, starts_at, now)
    request = BookingRequest(
        service=service, tier=visit.tier, problem=PROBLEMS[customer.preferred_language],
        street=street, postcode=postcode, city="", country="CH", phone=str(customer.phone),
        timing=Booking.Timing.SCHEDULED, starts_at=starts_at,
    )  # fmt: skip
    with _news_at(booked_at, now):
        return booking_create(
            customer=customer, request=request, idempotency_key=key, now=booked_at
        )


def _play(booking: Booking, visit: Visit, now: datetime) -> int | None:
    """Take the booking from SEARCHING to the visit's outcome; returns the helper who did a
    completed visit (to be rated), else None."""
    if visit.outcome == S.SEARCHING:
        return None  # the periodic search sends its first wave
    offer = _search(booking, visit, now)
    if visit.outcome == S.CANCELLED:
        _cancel(booking, now)
        return None
    if offer is None:
        return None
    booking = _accept(offer, now)
    if visit.outcome != S.COMPLETED:
        return None
    _do_visit(booking, visit, offer.helper, now)
    return offer.helper_id


@transaction.atomic
def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    now = now or timezone.now()
    for email, visits in PLAN.items():
        customer = User.objects.get(email=email)
        for number, visit in enumerate(visits):
            key = uuid.uuid5(NAMESPACE, f"{email}:{number}")
            if Booking.objects.filter(idempotency_key=key).exists():
                continue
            _play(_book(customer, visit, key, now), visit, now)
    return []
