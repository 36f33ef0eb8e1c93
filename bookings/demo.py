"""Demo bookings for ``manage.py seed_demo``: every demo customer gets bookings in every state
a booking can reach, with a believable history. Idempotent (fixed submission keys)."""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Service, VisitReport
from bookings.pricing import FRIEND, PRO, PricingPolicy, quote
from bookings.services import booking_transition
from bookings.services.transitions import record_event
from customers.demo import CUSTOMERS
from customers.models import User
from helpers.models import HelperProfile
from mila.lib import geo

S = Booking.Status
R = BookingEvent.Role
NAMESPACE = uuid.UUID("6f1c2a52-5b0e-4a8e-9d6e-4d2f0e6a1c01")

# (final status, service, days from today, hour, tier). Paths through the machine follow.
PLAN = (
    (S.REQUESTED, "printer-setup", 6, 9, FRIEND),
    (S.SEARCHING, "wifi-setup", 3, 10, FRIEND),
    (S.CONFIRMED, "new-smartphone", 5, 14, FRIEND),
    (S.EN_ROUTE, "tv-setup", 0, 0, PRO),
    (S.IN_PROGRESS, "computer-checkup", 0, 0, FRIEND),
    (S.COMPLETED, "streaming-apps", -12, 16, FRIEND),
    (S.CANCELLED, "data-backup", -4, 11, FRIEND),
    (S.UNFULFILLED, "smartphone-lesson", -20, 18, FRIEND),
)
PATHS = {
    S.REQUESTED: [],
    S.SEARCHING: [(S.SEARCHING, R.SYSTEM)],
    S.CONFIRMED: [(S.SEARCHING, R.SYSTEM), (S.CONFIRMED, R.HELPER)],
    S.EN_ROUTE: [(S.SEARCHING, R.SYSTEM), (S.CONFIRMED, R.HELPER), (S.EN_ROUTE, R.HELPER)],
    S.IN_PROGRESS: [
        (S.SEARCHING, R.SYSTEM), (S.CONFIRMED, R.HELPER), (S.EN_ROUTE, R.HELPER),
        (S.IN_PROGRESS, R.HELPER),
    ],
    S.COMPLETED: [
        (S.SEARCHING, R.SYSTEM), (S.CONFIRMED, R.HELPER), (S.EN_ROUTE, R.HELPER),
        (S.IN_PROGRESS, R.HELPER), (S.COMPLETED, R.HELPER),
    ],
    S.CANCELLED: [(S.SEARCHING, R.SYSTEM), (S.CANCELLED, R.CUSTOMER)],
    S.UNFULFILLED: [(S.SEARCHING, R.SYSTEM), (S.UNFULFILLED, R.SYSTEM)],
}  # fmt: skip
REPORTS = {  # the completed demo visit's report, in the customer's language
    "de": ("Netflix und SRF Play auf dem Fernseher eingerichtet und gezeigt, wie man zwischen "
           "den Apps wechselt.", "Passwörter stehen auf dem Zettel neben dem Fernseher."),
    "fr": ("Netflix et Play RTS installés sur le téléviseur, et montré comment passer d'une "
           "application à l'autre.", "Les mots de passe sont sur la feuille près du téléviseur."),
    "it": ("Installati Netflix e Play RSI sul televisore e mostrato come passare da un'app "
           "all'altra.", "Le password sono sul foglio accanto al televisore."),
    "en": ("Set up Netflix and Play Suisse on the TV and showed how to switch between the "
           "apps.", "The passwords are on the note next to the TV."),
}  # fmt: skip
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


def _start(now: datetime, days: int, hour: int) -> datetime:
    if days == 0:  # today's visits: started a little while ago
        return (now - timedelta(minutes=20)).replace(second=0, microsecond=0)
    day = timezone.localtime(now).date() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


NAMED_HELPERS = {FRIEND: "lena@mila.example", PRO: "marco@mila.example"}
# Anna's coming visit and her last one are Lena's, so Lena's page shows a job; every other
# demo visit was done by someone from the crowd near the customer, so the named helpers are
# free whenever someone tries booking.
LENAS = {("anna@mila.example", S.CONFIRMED), ("anna@mila.example", S.COMPLETED)}


class HelperPicker:
    """The nearest approved helper of a tier, never one already busy today (the database
    forbids overlapping jobs for a helper)."""

    def __init__(self) -> None:
        self.crowd = list(
            HelperProfile.objects.approved()
            .exclude(user__email__in=["sophie@mila.example", *NAMED_HELPERS.values()])
            .select_related("user")
            .order_by("pk")
        )
        self.busy_today: set[int] = set()

    def pick(self, customer: User, status: str, tier: str, place: geo.Place) -> HelperProfile:
        if (customer.email, status) in LENAS:
            return HelperProfile.objects.get(user__email=NAMED_HELPERS[tier])
        today = status in (S.EN_ROUTE, S.IN_PROGRESS)
        options = [
            h for h in self.crowd
            if (tier == FRIEND or h.tier == PRO) and not (today and h.pk in self.busy_today)
        ]  # fmt: skip
        helper = min(
            options, key=lambda h: geo.haversine_km(place.lat, place.lng, h.lat or 0, h.lng or 0)
        )
        if today:
            self.busy_today.add(helper.pk)
        return helper


def _create(customer: User, plan: tuple, now: datetime, helpers: HelperPicker) -> None:
    status, slug, days, hour, tier = plan
    key = uuid.uuid5(NAMESPACE, f"{customer.email}:{status}")
    if Booking.objects.filter(idempotency_key=key).exists():
        return
    service = Service.objects.get(slug=slug)
    starts_at = _start(now, days, hour)
    booked_at = min(now, starts_at) - timedelta(days=2)
    street, postcode = ADDRESSES[customer.email]
    place = geo.lookup(postcode)
    assert place is not None
    price = quote(
        price=service.price, duration_minutes=service.duration_minutes, tier=tier,
        starts_at=starts_at, booked_at=booked_at, policy=PricingPolicy.from_settings(),
        pro_only=service.pro_only,
    )  # fmt: skip
    booking = Booking.objects.create(
        customer=customer, service=service, tier=tier, idempotency_key=key,
        problem=PROBLEMS[customer.preferred_language], street=street, postcode=place.postcode,
        city=place.name, country="CH", lat=place.lat, lng=place.lng, phone=str(customer.phone),
        timing=Booking.Timing.SCHEDULED, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=service.duration_minutes),
        price_base=price.base, price_surcharge=price.surcharge, price_total=price.total,
        commission=price.commission, created_at=booked_at,
    )  # fmt: skip
    record_event(booking=booking, from_status="", to_status=S.REQUESTED, actor=customer,
                 role=R.CUSTOMER, at=booked_at)  # fmt: skip
    helper = helpers.pick(customer, status, tier, place)
    at = booked_at
    for to, role in PATHS[status]:
        at += timedelta(minutes=7)
        actor = {R.SYSTEM: None, R.CUSTOMER: customer, R.HELPER: helper.user}[role]
        booking_transition(
            booking=booking, to=to, actor=actor, role=role, now=min(at, now),
            helper=helper if to == S.CONFIRMED else None,
        )  # fmt: skip
    if status == S.EN_ROUTE:
        Booking.objects.filter(pk=booking.pk).update(eta_at=now + timedelta(minutes=15))
    if status == S.COMPLETED:
        Booking.objects.filter(pk=booking.pk).update(worked_minutes=service.duration_minutes)
        work_done, recommendations = REPORTS[customer.preferred_language]
        VisitReport.objects.create(
            booking=booking, work_done=work_done, devices=["Apple TV 4K", "Samsung QE55"],
            recommendations=recommendations, minutes=service.duration_minutes,
            created_at=booking.completed_at or now,
        )  # fmt: skip


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    now = timezone.now()
    helpers = HelperPicker()
    for person in CUSTOMERS:
        customer = User.objects.get(email=person.email)
        for plan in PLAN:
            _create(customer, plan, now, helpers)
    return []
