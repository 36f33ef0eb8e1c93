"""The booking policy's numbers for templates, so texts such as "free until 24 hours before"
follow the settings instead of repeating them."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest

from bookings.policy import BookingPolicy
from bookings.pricing import PricingPolicy
from payments.gateway import payment_gateway

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def policy_values() -> dict[str, Any]:
    """The numbers customers see (percentages, hours, days, opening times) as plain values."""
    pricing = PricingPolicy.from_settings()
    booking = BookingPolicy.from_settings()
    return {
        "last_minute_percent": pricing.last_minute_percent,
        "last_minute_hours": int(pricing.last_minute_window / HOUR),
        "pro_markup_percent": pricing.pro_markup_percent,
        "extra_time_minutes": pricing.extra_time_unit_minutes,
        "min_lead_hours": int(booking.min_lead / HOUR),
        "max_days_ahead": int(booking.max_ahead / DAY),
        "free_cancellation_hours": int(booking.free_cancellation / HOUR),
        "late_cancellation_percent": booking.late_cancellation_percent,
        "free_reschedule_hours": int(booking.free_reschedule / HOUR),
        "max_reschedules": booking.max_reschedules,
        "day_starts": booking.day_starts.strftime("%H:%M"),
        "day_ends": booking.day_ends.strftime("%H:%M"),
        "asap_until": booking.asap_last_start.strftime("%H:%M"),
        "payment": payment_gateway().method,
    }


def booking_policy(request: HttpRequest) -> dict[str, Any]:
    """``booking_policy``: the policy's numbers, for texts that quote them."""
    return {"booking_policy": policy_values()}
