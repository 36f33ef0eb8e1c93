"""What the helper endpoints read and write. Output serializers show what the helper's pages
show (an offer without the street, a job with it until it ends); input serializers take only
what the helper may say, so status, helper and money can never be sent in. Money is integer
Rappen."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import Booking, Offer
from bookings.services.visit import completion_quote, duration_choices, en_route_from
from helpers.availability import MAX_WINDOWS, Window, windows_problems
from helpers.forms import WindowForm
from helpers.services import time_off_errors

Status = Booking.Status


class HelperServiceOut(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="In the caller's language.")
    duration_minutes = serializers.IntegerField(read_only=True)


class HelperAreaOut(serializers.Serializer):
    """Where an offered visit is: the postcode and town, never the street before acceptance."""

    postcode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    distance_km = serializers.FloatField(
        read_only=True, allow_null=True, help_text="From the helper's home."
    )
    outside_area = serializers.BooleanField(
        read_only=True, help_text="A bit beyond the helper's radius."
    )


class HelperOfferOut(serializers.Serializer):
    """One open offer, as its card on the helper's page shows it."""

    reference = serializers.CharField(read_only=True, help_text="The booking's reference.")
    service = HelperServiceOut(read_only=True)
    tier = serializers.ChoiceField(choices=Booking.Tier.choices, read_only=True)
    timing = serializers.ChoiceField(choices=Booking.Timing.choices, read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    area = HelperAreaOut(read_only=True)
    payout = serializers.IntegerField(read_only=True, help_text="Rappen: what you earn, net.")
    customer_pays = serializers.IntegerField(read_only=True, help_text="Rappen.")
    currency = serializers.CharField(read_only=True)
    follow_up = serializers.BooleanField(
        read_only=True, help_text="A free follow-up for the customer."
    )
    expires_at = serializers.DateTimeField(read_only=True, help_text="Answer by then.")

    def to_representation(self, offer: Offer) -> dict[str, Any]:
        booking = offer.booking
        return {
            "reference": booking.reference,
            "service": HelperServiceOut(booking.service).data,
            "tier": booking.tier, "timing": booking.timing,
            "starts_at": self.fields["starts_at"].to_representation(booking.starts_at),
            "ends_at": self.fields["ends_at"].to_representation(booking.ends_at),
            "area": {"postcode": booking.postcode, "city": booking.city,
                     "distance_km": offer.breakdown.get("distance_km"),
                     "outside_area": offer.outside_area},
            "payout": offer.payout, "customer_pays": booking.price_total,
            "currency": booking.currency, "follow_up": booking.follow_up_of_id is not None,
            "expires_at": self.fields["expires_at"].to_representation(offer.expires_at),
        }  # fmt: skip


class HelperAddressOut(serializers.Serializer):
    street = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    lat = serializers.FloatField(read_only=True)
    lng = serializers.FloatField(read_only=True)


class HelperVisitReportOut(serializers.Serializer):
    work_done = serializers.CharField(read_only=True)
    devices = serializers.ListField(child=serializers.CharField(), read_only=True)
    recommendations = serializers.CharField(read_only=True)
    minutes = serializers.IntegerField(read_only=True)


class HelperDurationOut(serializers.Serializer):
    """One duration the helper may report, with what the customer then pays."""

    minutes = serializers.IntegerField(read_only=True)
    extra_time = serializers.IntegerField(read_only=True, help_text="Rappen.")
    total = serializers.IntegerField(read_only=True, help_text="Rappen.")


class HelperJobOut(serializers.Serializer):
    """A job of the helper, as their job card and job page show it. The address and the
    customer's phone only while the job is open; the door code only once on the way."""

    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    service = HelperServiceOut(read_only=True)
    tier = serializers.ChoiceField(choices=Booking.Tier.choices, read_only=True)
    timing = serializers.ChoiceField(choices=Booking.Timing.choices, read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    eta_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When you said you arrive."
    )
    customer_first_name = serializers.CharField(read_only=True)
    address = HelperAddressOut(
        read_only=True, allow_null=True, help_text="Null once the job ended."
    )
    phone = serializers.CharField(
        read_only=True, allow_null=True, help_text="The customer's; null once the job ended."
    )
    problem = serializers.CharField(read_only=True, help_text="What the customer wrote.")
    payout = serializers.IntegerField(read_only=True, help_text="Rappen: what you earn, net.")
    currency = serializers.CharField(read_only=True)
    follow_up = serializers.BooleanField(read_only=True)
    visit_code = serializers.CharField(
        read_only=True, allow_null=True, help_text="Say it at the door; only while on the way."
    )
    en_route_from = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="While confirmed: the earliest time to say you are on your way.",
    )
    worked_minutes = serializers.IntegerField(read_only=True, allow_null=True)

    def to_representation(self, job: Booking) -> dict[str, Any]:
        time = self.fields["starts_at"].to_representation
        is_open = not job.is_final
        confirmed = job.status == Status.CONFIRMED
        return {
            "reference": job.reference, "status": job.status,
            "service": HelperServiceOut(job.service).data, "tier": job.tier,
            "timing": job.timing, "starts_at": time(job.starts_at), "ends_at": time(job.ends_at),
            "eta_at": time(job.eta_at) if job.eta_at else None,
            "customer_first_name": job.customer.first_name,
            "address": HelperAddressOut(job).data if is_open else None,
            "phone": job.phone if is_open else None,
            "problem": job.problem, "payout": job.helper_payout, "currency": job.currency,
            "follow_up": job.follow_up_of_id is not None,
            "visit_code": job.visit_code if job.status == Status.EN_ROUTE else None,
            "en_route_from": time(en_route_from(job)) if confirmed else None,
            "worked_minutes": job.worked_minutes,
        }  # fmt: skip


class HelperJobDetailOut(HelperJobOut):
    """The job page: also the report once completed, and while the visit runs the durations
    to choose from with their prices."""

    report = HelperVisitReportOut(read_only=True, allow_null=True)
    durations = HelperDurationOut(
        many=True, read_only=True, help_text="Only while the visit runs; else empty."
    )

    def to_representation(self, job: Booking) -> dict[str, Any]:
        body = super().to_representation(job)
        report = getattr(job, "report", None) if job.status == Status.COMPLETED else None
        body["report"] = HelperVisitReportOut(report).data if report else None
        body["durations"] = durations(job) if job.status == Status.IN_PROGRESS else []
        return body


def durations(job: Booking) -> list[dict[str, int]]:
    quotes = ((minutes, completion_quote(job, minutes)) for minutes in duration_choices(job))
    return [{"minutes": minutes, "extra_time": quote.extra_time, "total": quote.total}
            for minutes, quote in quotes]  # fmt: skip


class HelperDeclineIn(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=Offer.DeclineReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: why not. Helps us offer better.",
        error_messages={"invalid_choice": _("Please choose one of the reasons, or none.")},
    )


class HelperDeclinedOut(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Offer.Status.choices, read_only=True)
    decline_reason = serializers.CharField(read_only=True)


class HelperOnMyWayIn(serializers.Serializer):
    eta_minutes = serializers.IntegerField(
        min_value=settings.VISIT_ETA_MINUTES[0],
        max_value=settings.VISIT_ETA_MINUTES[1],
        help_text="In about how many minutes you arrive.",
        error_messages={
            "required": _("Please say in how many minutes you arrive."),
            "invalid": _("Please enter the minutes as a number."),
        },
    )


class HelperStartIn(serializers.Serializer):
    door_checked = serializers.BooleanField(
        help_text="You told the customer the door code, and they let you in."
    )

    def validate_door_checked(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                _("Please tell the customer the code at the door first.")
            )
        return value


class HelperCompleteIn(serializers.Serializer):
    """The visit report. The price follows from the minutes, on the server."""

    worked_minutes = serializers.IntegerField(
        help_text="How long the visit took: one of the job's durations (30-minute steps)."
    )
    work_done = serializers.CharField(max_length=4000, help_text="The customer reads this.")
    devices = serializers.ListField(
        child=serializers.CharField(max_length=80),
        max_length=20,
        required=False,
        default=list,
        error_messages={"max_length": _("Please list at most 20 devices.")},
    )
    recommendations = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )

    def validate_worked_minutes(self, value: int) -> int:
        job = self.context.get("job")
        if job is not None and value not in duration_choices(job):
            raise serializers.ValidationError(_("Please choose how long the visit took."))
        return value

    def validate_work_done(self, value: str) -> str:
        value = value.strip()
        if len(value) < settings.VISIT_REPORT_MIN_CHARS:
            raise serializers.ValidationError(
                _("Please write a little more (at least %(limit_value)d characters).")
                % {"limit_value": settings.VISIT_REPORT_MIN_CHARS}
            )
        return value


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "07:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day written HH:MM (Swiss local time), as the web's availability page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class HelperWindowIo(serializers.Serializer):
    """A weekly time, in Swiss local time: quarter hours between 06:00 and 22:00."""

    weekday = serializers.ChoiceField(
        choices=[(n, n) for n in range(7)], help_text="Monday = 0 … Sunday = 6."
    )
    starts = HourMinuteField()
    ends = HourMinuteField()

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The web page's checks of one time (helpers.forms.WindowForm), with its messages."""
        form = WindowForm(data)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}
            )
        return data


class HelperTimeOffOut(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    first_day = serializers.DateField(read_only=True)
    last_day = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)


class HelperAvailabilityOut(serializers.Serializer):
    windows = HelperWindowIo(many=True, read_only=True, help_text="By day and time.")
    time_off = HelperTimeOffOut(many=True, read_only=True, help_text="From today on.")


class HelperAvailabilityIn(serializers.Serializer):
    windows = serializers.ListField(
        child=HelperWindowIo(),
        max_length=MAX_WINDOWS,
        allow_empty=True,
        help_text="All your weekly times: they replace the ones saved. Back-to-back times are "
        "joined (08:00–12:00 and 12:00–16:00 become 08:00–16:00).",
        error_messages={"max_length": _("You can enter at most {max_length} weekly times.")},
    )

    def validate_windows(self, windows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        given = [Window(w["weekday"], w["starts"], w["ends"]) for w in windows]
        if "overlap" in windows_problems(given):
            raise serializers.ValidationError(
                _("Two of your times overlap on the same day. Please join or change them.")
            )
        return windows


class HelperTimeOffIn(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField(help_text="Included.")
    note = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The web form's rules (helpers.services.time_off_errors)."""
        errors = time_off_errors(
            first_day=data["first_day"], last_day=data["last_day"], today=timezone.localdate()
        )
        if errors:
            raise serializers.ValidationError(
                {field: [message] for field, (_code, message) in errors.items()}
            )
        return data


class HelperMonthOut(serializers.Serializer):
    month = serializers.CharField(read_only=True, help_text="YYYY-MM, Swiss local time.")
    visits = serializers.IntegerField(read_only=True)
    visits_amount = serializers.IntegerField(read_only=True, help_text="Rappen, net.")
    fees = serializers.IntegerField(read_only=True, help_text="Late cancellations, missed visits.")
    fees_amount = serializers.IntegerField(read_only=True, help_text="Rappen, net.")
    refunds_amount = serializers.IntegerField(read_only=True, help_text="Rappen, negative.")
    total = serializers.IntegerField(read_only=True, help_text="Rappen: what you earned.")


class HelperEarningsOut(serializers.Serializer):
    total = serializers.IntegerField(read_only=True, help_text="Rappen, since you started.")
    visits = serializers.IntegerField(read_only=True)
    currency = serializers.CharField(read_only=True)
    commission_percent = serializers.IntegerField(read_only=True)
    months = HelperMonthOut(many=True, read_only=True, help_text="Newest first.")
