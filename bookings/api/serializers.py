"""Output serializers the booking endpoints share: money, price lines, the policy. Money is
integer Rappen with its currency beside it, as everywhere in Mila."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers

from bookings.context_processors import policy_values
from bookings.models import Booking
from bookings.pricing import Quote, QuoteLine


def quote_line_label(line: QuoteLine, quote: Quote) -> str:
    """What a price line is called on the quote page (templates/bookings/includes/quote_lines)."""
    values = policy_values()
    if line.code == "base":
        minutes = quote.duration_minutes
        return ngettext("Visit (about %(minutes)s minute)", "Visit (about %(minutes)s minutes)",
                        minutes) % {"minutes": minutes}  # fmt: skip
    if line.code == "last_minute":
        hours = values["last_minute_hours"]
        return ngettext(
            "Last-minute surcharge (+%(percent)s%%, visit within %(hours)s hour)",
            "Last-minute surcharge (+%(percent)s%%, visit within %(hours)s hours)", hours,
        ) % {"percent": values["last_minute_percent"], "hours": hours}  # fmt: skip
    if line.code == "extra_time":
        return ngettext(
            "Extra time (%(units)s × %(minutes)s minutes)",
            "Extra time (%(units)s × %(minutes)s minutes)", line.quantity,
        ) % {"units": line.quantity, "minutes": values["extra_time_minutes"]}  # fmt: skip
    return _(line.code)


class PriceLineOut(serializers.Serializer):
    code = serializers.ChoiceField(choices=["base", "last_minute", "extra_time"])
    label = serializers.CharField(help_text="In the caller's language.")
    quantity = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Rappen.")


class QuoteOut(serializers.Serializer):
    """One helper type's price: its lines and total, and the fee once free cancelling ends."""

    tier = serializers.ChoiceField(choices=Booking.Tier.choices)
    lines = PriceLineOut(many=True)
    total = serializers.IntegerField(help_text="Rappen.")
    currency = serializers.CharField(default="CHF")
    duration_minutes = serializers.IntegerField()
    late_cancellation_fee = serializers.IntegerField(
        help_text="Rappen: what cancelling costs later than the free period."
    )

    def to_representation(self, option: Any) -> dict[str, Any]:
        return {
            "tier": option.tier,
            "lines": price_lines(option.quote),
            "total": option.quote.total,
            "currency": "CHF",
            "duration_minutes": option.quote.duration_minutes,
            "late_cancellation_fee": option.late_fee,
        }


def price_lines(quote: Quote) -> list[dict[str, Any]]:
    return [
        {"code": line.code, "label": quote_line_label(line, quote), "quantity": line.quantity,
         "amount": line.amount}
        for line in quote.lines
    ]  # fmt: skip


class PolicyOut(serializers.Serializer):
    """The booking policy's numbers the customer agrees to."""

    free_cancellation_hours = serializers.IntegerField()
    late_cancellation_percent = serializers.IntegerField()
    free_reschedule_hours = serializers.IntegerField()
    max_reschedules = serializers.IntegerField()
    last_minute_percent = serializers.IntegerField()
    last_minute_hours = serializers.IntegerField()
    min_lead_hours = serializers.IntegerField()
    max_days_ahead = serializers.IntegerField()
    day_starts = serializers.CharField()
    day_ends = serializers.CharField()
    asap_until = serializers.CharField()
    payment = serializers.CharField(help_text="The default way to pay: invoice or card.")


def policy() -> dict[str, Any]:
    values = policy_values()
    return {name: values[name] for name in PolicyOut().fields}
