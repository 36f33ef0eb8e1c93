"""What the customer's booking endpoints take in and give back. Input serializers hold only
the fields a customer may choose; status, helper and money are never read from a request.
Output is what the customer's own booking pages show, and no more of the helper."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from bookings.api.serializers import PriceLineOut, quote_line_label
from bookings.models import Booking, BookingEvent, Service
from bookings.policy import CancellationTerms
from bookings.pricing import PricingPolicy, Quote, QuoteLine, extra_time_units
from bookings.services import CUSTOMER_CANCELLABLE, booking_move_refusal
from bookings.texts import live_sentence
from payments.gateway import available_methods
from reviews.models import Review

Status = Booking.Status
PAYMENT_METHODS = ("invoice", "card")
DOOR_CODE_STATUSES = (Status.CONFIRMED, Status.EN_ROUTE)


# In -------------------------------------------------------------------------------------------


class BookingIn(serializers.Serializer):
    """A new booking: what the customer filled in. Anything else in the body is ignored."""

    service = serializers.SlugRelatedField(slug_field="slug", queryset=Service.objects.bookable())
    tier = serializers.ChoiceField(choices=Booking.Tier.choices)
    problem = serializers.CharField(
        min_length=10, max_length=2000,
        error_messages={
            "blank": _("Please describe the problem in a few words."),
            "min_length": _("Please write a little more (at least 10 characters)."),
            "max_length": _("Please keep it under 2000 characters."),
        },
    )  # fmt: skip
    street = serializers.CharField(max_length=120)
    postcode = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                 help_text="Optional: filled in from the postcode.")  # fmt: skip
    country = serializers.ChoiceField(choices=Booking.Country.choices, default="CH")
    phone = PhoneNumberField(
        help_text="Your helper calls it if they can't find the door, e.g. 079 123 45 67.",
        error_messages={"invalid": _("Please enter a valid phone number, e.g. 079 123 45 67.")},
    )
    timing = serializers.ChoiceField(choices=Booking.Timing.choices)
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Required when timing is 'scheduled'."
    )
    payment_method = serializers.ChoiceField(
        choices=PAYMENT_METHODS, default="invoice",
        help_text="'card' only where card payment is offered; then the booking waits for the "
        "card (status 'requested') and links.pay leads to the card page.",
    )  # fmt: skip

    def validate_payment_method(self, method: str) -> str:
        if method not in available_methods():
            raise serializers.ValidationError(_("Paying by card is not possible at the moment."))
        return method

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["timing"] == Booking.Timing.SCHEDULED and not data.get("starts_at"):
            raise serializers.ValidationError({"starts_at": [_("Please choose a time.")]})
        if data["timing"] == Booking.Timing.ASAP:
            data["starts_at"] = None
        data["phone"] = str(data["phone"])  # E.164, as the wizard stores it
        data["problem"] = data["problem"].strip()
        return data


class CancelIn(serializers.Serializer):
    expected_fee = serializers.IntegerField(
        min_value=0,
        help_text="Rappen: the fee the customer was shown (GET …/cancellation/). If cancelling "
        "costs more by now, nothing is cancelled and the answer is 409 fee_changed.",
    )
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="",
        error_messages={"max_length": _("Please keep it under 500 characters.")},
    )  # fmt: skip


class RescheduleIn(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="The new start, on the half hour.")


class ReviewIn(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=settings.REVIEW_COMMENT_MAX_CHARS, required=False, allow_blank=True, default=""
    )


# Out ------------------------------------------------------------------------------------------


class ServiceRefOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text="In the caller's language.")


class AddressOut(serializers.Serializer):
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.ChoiceField(choices=Booking.Country.choices)


class BookingHelperOut(serializers.Serializer):
    """The helper as the customer's booking page shows them: a first name, no contact data."""

    first_name = serializers.CharField(source="user.first_name")
    tier = serializers.ChoiceField(choices=Booking.Tier.choices)
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2)
    rating_count = serializers.IntegerField()


class BookingLinksOut(serializers.Serializer):
    self = serializers.CharField()
    page = serializers.CharField(help_text="The booking's page on the website.")
    cancellation = serializers.CharField()
    cancel = serializers.CharField()
    reschedule = serializers.CharField()
    review = serializers.CharField()
    pay = serializers.CharField(required=False, help_text="Only while a card is awaited.")


def booking_price_lines(booking: Booking) -> list[dict[str, Any]]:
    """The price lines of the booking as the customer accepted it (the booking page's table)."""
    unit = PricingPolicy.from_settings().extra_time_unit_minutes
    units = extra_time_units(worked_minutes=booking.worked_minutes or 0,
                             duration_minutes=booking.service.duration_minutes,
                             unit_minutes=unit)  # fmt: skip
    lines = [QuoteLine("base", booking.price_base)]
    if booking.price_surcharge:
        lines.append(QuoteLine("last_minute", booking.price_surcharge))
    if booking.price_extra:
        lines.append(QuoteLine("extra_time", booking.price_extra, quantity=units))
    quote = Quote(tier=booking.tier, lines=tuple(lines), commission=0,
                  duration_minutes=booking.service.duration_minutes)  # fmt: skip
    return [
        {"code": line.code, "quantity": line.quantity, "amount": line.amount,
         "label": quote_line_label(line, quote) if line.quantity else str(_("Extra time"))}
        for line in lines
    ]  # fmt: skip


def booking_links(booking: Booking) -> dict[str, str]:
    ref = {"reference": booking.reference}
    links = {
        "self": reverse("api:booking", kwargs=ref),
        "page": reverse("bookings:detail", kwargs=ref),
        "cancellation": reverse("api:booking_cancellation", kwargs=ref),
        "cancel": reverse("api:booking_cancel", kwargs=ref),
        "reschedule": reverse("api:booking_reschedule", kwargs=ref),
        "review": reverse("api:booking_review", kwargs=ref),
    }
    if booking.status == Status.REQUESTED and booking.payment_method == "card":
        links["pay"] = reverse("bookings:pay", kwargs=ref)
    return links


class BookingOut(serializers.Serializer):
    """One of the customer's bookings, as the list shows it."""

    reference = serializers.CharField()
    service = ServiceRefOut()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    timing = serializers.ChoiceField(choices=Booking.Timing.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    address = serializers.SerializerMethodField()
    tier = serializers.ChoiceField(choices=Booking.Tier.choices)
    lines = serializers.SerializerMethodField()
    total = serializers.IntegerField(source="price_total", help_text="Rappen.")
    currency = serializers.CharField()
    payment_method = serializers.CharField()
    helper = serializers.SerializerMethodField()
    cancellation_fee = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(AddressOut)
    def get_address(self, booking: Booking) -> dict[str, Any]:
        return AddressOut(booking).data

    @extend_schema_field(PriceLineOut(many=True))
    def get_lines(self, booking: Booking) -> list[dict[str, Any]]:
        return booking_price_lines(booking)

    @extend_schema_field(BookingHelperOut(allow_null=True))
    def get_helper(self, booking: Booking) -> dict[str, Any] | None:
        """Shown once a helper accepted; no longer once the booking is cancelled."""
        if booking.helper is None or booking.status == Status.CANCELLED:
            return None
        return BookingHelperOut(booking.helper).data

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="Rappen; only "
                                                  "for a cancelled booking."))  # fmt: skip
    def get_cancellation_fee(self, booking: Booking) -> int | None:
        return booking.cancellation_fee if booking.status == Status.CANCELLED else None

    @extend_schema_field(BookingLinksOut)
    def get_links(self, booking: Booking) -> dict[str, str]:
        return booking_links(booking)


class EventOut(serializers.Serializer):
    """One step of the booking's timeline (staff's internal notes are never among them)."""

    status = serializers.ChoiceField(choices=Status.choices, source="to_status")
    label = serializers.SerializerMethodField()
    at = serializers.DateTimeField()
    by_phone = serializers.SerializerMethodField(help_text="Booked by the Mila team by phone.")
    moved_from = serializers.SerializerMethodField()

    def get_label(self, event: BookingEvent) -> str:
        if _moved(event) and event.from_status == event.to_status:
            return str(_("Visit moved"))
        return str(event.get_to_status_display())

    def get_by_phone(self, event: BookingEvent) -> bool:
        return bool((event.data or {}).get("by_phone"))

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The previous start "
                         "(ISO 8601), or 'asap' when it was “as soon as possible”."))  # fmt: skip
    def get_moved_from(self, event: BookingEvent) -> str | None:
        moved = _moved(event)
        if not moved:
            return None
        return "asap" if moved.get("timing") == Booking.Timing.ASAP else moved.get("starts_at")


def _moved(event: BookingEvent) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    moved = data.get("rescheduled")
    return moved if isinstance(moved, dict) else {}


class ReviewOut(serializers.ModelSerializer[Review]):
    editable_until = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Review
        fields = ["stars", "comment", "status", "created_at", "edited_at", "editable_until"]
        read_only_fields = fields


class BookingDetailOut(BookingOut):
    """One booking with everything its page shows: what happens now, the door code while the
    helper is coming, the timeline, and what the customer can still change."""

    sentence = serializers.SerializerMethodField(help_text="Where the visit stands, in words.")
    problem = serializers.CharField()
    phone = serializers.CharField()
    door_code = serializers.SerializerMethodField(
        help_text="Only while a helper is confirmed or on the way: they say it at the door."
    )
    reschedule_count = serializers.IntegerField()
    cancellation_reason = serializers.CharField()
    can_cancel = serializers.SerializerMethodField()
    can_move = serializers.SerializerMethodField()
    follow_up_of = serializers.CharField(source="follow_up_of.reference", allow_null=True,
                                         default=None)  # fmt: skip
    review = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_sentence(self, booking: Booking) -> str:
        return live_sentence(booking, self._now())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_door_code(self, booking: Booking) -> str | None:
        return booking.visit_code if booking.status in DOOR_CODE_STATUSES else None

    def get_can_cancel(self, booking: Booking) -> bool:
        return booking.status in CUSTOMER_CANCELLABLE

    def get_can_move(self, booking: Booking) -> bool:
        return booking_move_refusal(booking=booking, now=self._now()) is None

    @extend_schema_field(ReviewOut(allow_null=True))
    def get_review(self, booking: Booking) -> dict[str, Any] | None:
        review = getattr(booking, "review", None)
        return ReviewOut(review).data if review is not None else None

    @extend_schema_field(EventOut(many=True))
    def get_events(self, booking: Booking) -> list[dict[str, Any]]:
        events = [event for event in booking.events.all() if event.to_status]
        return list(EventOut(events, many=True).data)

    def _now(self) -> datetime:
        return self.context.get("now") or timezone.now()


class CancellationOut(serializers.Serializer):
    """What cancelling costs right now; send ``fee`` back as ``expected_fee``."""

    can_cancel = serializers.BooleanField()
    fee = serializers.IntegerField(help_text="Rappen.")
    currency = serializers.CharField(default="CHF")
    reason = serializers.ChoiceField(choices=["free", "late", "en_route"])
    free_until = serializers.DateTimeField(help_text="Until when cancelling is free.")
    message = serializers.CharField(help_text="The fee in one sentence, in the caller's language.")


def cancellation(booking: Booking, terms: CancellationTerms, message: str) -> dict[str, Any]:
    return {"can_cancel": booking.status in CUSTOMER_CANCELLABLE, "fee": terms.fee,
            "currency": booking.currency, "reason": str(terms.reason),
            "free_until": terms.free_until, "message": message}  # fmt: skip


class CancelOut(serializers.Serializer):
    fee = serializers.IntegerField(help_text="Rappen: the cancellation fee charged.")
    already_cancelled = serializers.BooleanField(
        help_text="True when the booking was cancelled before: nothing changed."
    )
    booking = BookingDetailOut()


class RescheduleOptionsOut(serializers.Serializer):
    """Whether the visit can be moved now, and what the price will be."""

    can_move = serializers.BooleanField()
    refusal = serializers.CharField(allow_null=True, help_text="Why not, if it cannot.")
    moves_left = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Rappen: the price now.")
    total_without_surcharge = serializers.IntegerField(
        help_text="Rappen: the price for a new time that is no longer last-minute."
    )
    currency = serializers.CharField()
