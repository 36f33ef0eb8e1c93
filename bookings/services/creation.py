import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bookings.matching import dispatch
from bookings.matching.coverage import helpers_reach
from bookings.models import Booking, BookingEvent, Service
from bookings.notices import notify_booking
from bookings.policy import BookingPolicy, asap_available, cancellation_terms, start_problem
from bookings.pricing import PricingPolicy, Quote, quote
from bookings.services.transitions import BookingError, booking_transition, record_event
from bookings.texts import asap_unavailable_message
from helpers.models import HelperProfile
from mila.lib import geo
from notifications.models import Notification
from payments.card import CardConfirmation, card_abandon, card_returned
from payments.gateway import Authorization, InvoiceGateway, payment_gateway
from payments.models import Payment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookingRequest:
    """What a customer filled in; everything else (price, place) the server works out."""

    service: Service
    tier: str
    problem: str
    street: str
    postcode: str
    city: str
    country: str
    phone: str
    timing: str
    starts_at: datetime | None  # None: as soon as possible
    preferred_helper: HelperProfile | None = None  # asked first ("Book Lena again")
    payment_method: str = "invoice"  # or "card", when Stripe is on (payments.gateway)


def booking_quote(
    *, service: Service, tier: str, starts_at: datetime | None, now: datetime | None = None
) -> Quote:
    """The price for this service, helper type and start (ASAP starts now)."""
    now = now or timezone.now()
    return quote(
        price=service.price,
        duration_minutes=service.duration_minutes,
        tier=tier,
        starts_at=starts_at or now,
        booked_at=now,
        policy=PricingPolicy.from_settings(),
        pro_only=service.pro_only,
    )


def booking_quotes(
    *, service: Service, starts_at: datetime | None, now: datetime
) -> dict[str, Quote]:
    """The price of each helper type that does this service, for this start (the surcharge
    depends on how soon it is)."""
    return {
        tier: booking_quote(service=service, tier=tier, starts_at=starts_at, now=now)
        for tier in service.tiers
    }


@dataclass(frozen=True)
class TierOption:
    """What a quote page shows per helper type: the price, and what cancelling would cost
    once the free period is over."""

    tier: str
    quote: Quote
    late_fee: int


def tier_options(quotes: dict[str, Quote], *, starts_at: datetime) -> list[TierOption]:
    policy = BookingPolicy.from_settings()
    return [
        TierOption(tier=tier, quote=price, late_fee=cancellation_terms(
            base_price=price.base, starts_at=starts_at, now=starts_at, helper_on_the_way=False,
            policy=policy, helper_assigned=True,
        ).fee)
        for tier, price in quotes.items()
    ]  # fmt: skip


def _validate(request: BookingRequest, now: datetime) -> geo.Place:
    if request.tier not in request.service.tiers:
        raise BookingError(_("This service is done by Pros only."), code="tier")
    place = booking_quote_check(
        service=request.service, postcode=request.postcode, country=request.country,
        timing=request.timing, starts_at=request.starts_at, now=now,
    )  # fmt: skip
    typed_town = request.city.strip()
    if typed_town and place.town_named(typed_town) is None:
        raise BookingError(town_mismatch_message(place, typed_town), code="city")
    return place


def booking_quote_check(
    *, service: Service, postcode: str, country: str, timing: str,
    starts_at: datetime | None, now: datetime,
) -> geo.Place:  # fmt: skip
    """Whether this service can be booked at this postcode at this time, as the wizard and
    the API's quote ask before they show a price and booking_create asks again: the service
    is bookable, the postcode known and reached by a helper, the time open. Returns the place;
    raises BookingError with the reason."""
    if not Service.objects.bookable().filter(pk=service.pk).exists():
        raise BookingError(_("This service cannot be booked at the moment."), code="service")
    place = geo.lookup(postcode, country)
    if place is None:
        raise BookingError(_("We do not know this postcode."), code="postcode")
    booking_area_check(service=service, place=place)
    tz = timezone.get_default_timezone()
    policy = BookingPolicy.from_settings()
    minutes = service.duration_minutes
    if timing == Booking.Timing.ASAP and not asap_available(
        now, tz=tz, policy=policy, duration_minutes=minutes
    ):
        raise BookingError(asap_unavailable_message(policy, duration_minutes=minutes), code="time")
    if timing == Booking.Timing.SCHEDULED and (
        starts_at is None
        or start_problem(starts_at, duration_minutes=minutes, now=now, tz=tz, policy=policy)
    ):
        raise BookingError(_("This time cannot be booked."), code="time")
    return place


def booking_area_check(*, service: Service, place: geo.Place) -> None:
    """A visit can be booked only where it is priced (``BOOKING_PRICED_COUNTRIES``: the price
    list is in CHF) and where some approved helper who does this service reaches the address:
    otherwise nobody could come, or we would charge in the wrong currency. The wizard asks
    before it quotes; creating the booking asks again, in case a helper left meanwhile."""
    if place.country not in settings.BOOKING_PRICED_COUNTRIES:
        raise BookingError(
            _("We don't take bookings in %(country)s yet.")
            % {"country": Booking.Country(place.country).label},
            code="country",
        )
    if not helpers_reach(service=service, place=place):
        raise BookingError(
            _("We have no helpers near %(postcode)s yet.") % {"postcode": place.postcode},
            code="coverage",
        )


def town_mismatch_message(place: geo.Place, typed: str) -> str:
    """«8001 is Zürich, not Genève.» — naming every town the postcode has."""
    values = {"postcode": place.postcode, "town": typed, "towns": ", ".join(place.towns)}
    if len(place.towns) == 1:
        return _("%(postcode)s is %(towns)s, not %(town)s.") % values
    return _("%(postcode)s is one of %(towns)s, not %(town)s.") % values


def booking_create(
    *,
    customer: Any,
    request: BookingRequest,
    idempotency_key: uuid.UUID,
    now: datetime | None = None,
    booked_by: Any = None,
) -> Booking:
    """Book a visit: REQUESTED, then SEARCHING once payment is arranged (an invoice at once;
    a card once its amount is held, on the card page: booking_payment_secured).

    ``booked_by``: the staff member who books for a customer on the phone (the history names
    them; the customer's e-mail says so and, while the account has no password, carries the
    link to set one).

    The quote is computed here, never taken from the client. Submitting the same key twice
    (double click, re-posted form, two tabs) returns the booking the first submit created.
    Three steps, so the payment provider is never called inside a database transaction:
    save the request, authorise the payment, start the search.
    """
    now = now or timezone.now()
    existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_customer(existing, customer)
    place = _validate(request, now)
    booking, created = _save_request(customer, request, place, idempotency_key, now, booked_by)
    if not created:
        return _same_customer(booking, customer)
    authorization = payment_gateway(request.payment_method).authorize(booking)
    _start_search(booking, authorization, now, by_phone=booked_by is not None)
    return booking


@transaction.atomic
def _save_request(
    customer: Any,
    request: BookingRequest,
    place: geo.Place,
    idempotency_key: uuid.UUID,
    now: datetime,
    booked_by: Any,
) -> tuple[Booking, bool]:
    starts_at = request.starts_at if request.timing == Booking.Timing.SCHEDULED else now
    assert starts_at is not None
    price = booking_quote(service=request.service, tier=request.tier, starts_at=starts_at, now=now)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                customer=customer,
                service=request.service,
                tier=request.tier,
                problem=request.problem,
                street=request.street,
                postcode=place.postcode,
                city=place.town_named(request.city) or place.towns[0],
                country=place.country,
                lat=place.lat,
                lng=place.lng,
                phone=request.phone,
                timing=request.timing,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=request.service.duration_minutes),
                price_base=price.base,
                price_surcharge=price.surcharge,
                price_extra=price.extra_time,
                price_total=price.total,
                commission=price.commission,
                idempotency_key=idempotency_key,
                preferred_helper=request.preferred_helper,
                created_at=now,
            )
    except IntegrityError:
        # A concurrent submit with the same key won the race.
        return Booking.objects.get(idempotency_key=idempotency_key), False
    record_event(
        booking=booking,
        from_status="",
        to_status=Booking.Status.REQUESTED,
        actor=booked_by or customer,
        role=BookingEvent.Role.STAFF if booked_by else BookingEvent.Role.CUSTOMER,
        data={"by_phone": True} if booked_by else None,
        at=now,
    )
    return booking, True


@transaction.atomic
def _start_search(
    booking: Booking, authorization: Authorization, now: datetime, *, by_phone: bool
) -> None:
    """Payment arranged: look for a helper, and tell the customer their booking is in."""
    booking.payment_method = authorization.method
    booking.save(update_fields=["payment_method"])
    if authorization.approved:
        booking_transition(
            booking=booking,
            to=Booking.Status.SEARCHING,
            actor=None,
            role=BookingEvent.Role.SYSTEM,
            note=authorization.note,
            now=now,
        )
        dispatch.search_on_commit(booking)
        # A card still to confirm: the customer is told once it is (booking_payment_secured).
        extra = {"by_phone": True, "password_setup_for": booking.customer_id} if by_phone else {}
        notify_booking(
            booking, Notification.Kind.BOOKING_RECEIVED, recipients=[booking.customer], **extra
        )


@transaction.atomic
def booking_payment_secured(booking: Booking, *, now: datetime | None = None) -> Booking:
    """The card hold of a booking waiting for it came through later (3-D Secure finished, a
    webhook): the search for a helper starts now. Told twice, it starts once."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != Booking.Status.REQUESTED:
        return booking
    now = now or timezone.now()
    booking_transition(booking=booking, to=Booking.Status.SEARCHING, actor=None,
                       role=BookingEvent.Role.SYSTEM, note=booking.payment_method,
                       now=now)  # fmt: skip
    dispatch.search_on_commit(booking)
    notify_booking(booking, Notification.Kind.BOOKING_RECEIVED, recipients=[booking.customer])
    return booking


def booking_card_returned(*, booking: Booking) -> CardConfirmation | None:
    """The customer is back from the card page: what Stripe says of the card now, and, once
    the amount is reserved (or the card saved for a visit far ahead), the search starts.
    None for a booking that has no card payment."""
    payment = Payment.objects.filter(booking=booking, purpose=Payment.Purpose.VISIT).first()
    if payment is None:
        return None
    result = card_returned(payment)
    if result.secured:
        booking_payment_secured(booking)
    return result


def booking_pay_by_invoice(*, booking: Booking, user: Any) -> Booking:
    """The customer would rather pay by invoice than with the card (declined, or no card at
    hand): the card hold is released and the search starts, as for any invoice booking."""
    if booking.customer_id != getattr(user, "pk", None):
        raise BookingError(_("You may not change this booking."), code="forbidden")
    if booking.status != Booking.Status.REQUESTED:
        return booking
    card_abandon(booking)
    Booking.objects.filter(pk=booking.pk, status=Booking.Status.REQUESTED).update(
        payment_method=InvoiceGateway.method
    )
    booking.payment_method = InvoiceGateway.method
    return booking_payment_secured(booking)


def bookings_card_unconfirmed(*, now: datetime | None = None) -> list[int]:
    """Card bookings still waiting for their card PAYMENT_CARD_WAIT_MINUTES after they were
    made: the customer left the card page, or the bank's check never finished."""
    waited = (now or timezone.now()) - timedelta(minutes=settings.PAYMENT_CARD_WAIT_MINUTES)
    waiting = Booking.objects.filter(status=Booking.Status.REQUESTED, payment_method="card")
    return list(waiting.filter(created_at__lte=waited).values_list("pk", flat=True))


def booking_card_expired(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Nobody was asked yet, and no money was taken: the booking is cancelled free of charge,
    its card hold released, and the customer told, with the reason in their language, that
    they can book again. A booking whose card came through meanwhile is left alone."""
    from bookings.services.changes import booking_cancel

    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("customer").get(pk=booking.pk)
        if booking.status != Booking.Status.REQUESTED or booking.payment_method != "card":
            return booking
        with translation.override(booking.customer.preferred_language or None):
            reason = str(_("The card payment was not completed, so no helper was asked. "
                           "Nothing was charged."))  # fmt: skip
        result = booking_cancel(booking=booking, actor=None, role=BookingEvent.Role.SYSTEM,
                                reason=reason, now=now, why="card_not_confirmed")  # fmt: skip
    return result.booking


def _same_customer(booking: Booking, customer: Any) -> Booking:
    if booking.customer_id != customer.pk:
        raise BookingError(_("This form was already used. Please start again."), code="key")
    return booking
