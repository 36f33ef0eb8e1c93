from django import template

from bookings.models import Booking
from bookings.texts import STATUS_EXPLANATIONS, STATUS_TONES

register = template.Library()


@register.filter
def status_explanation(booking: Booking) -> str:
    return str(STATUS_EXPLANATIONS.get(Booking.Status(booking.status), ""))


@register.filter
def status_tone(status: str) -> str:
    try:
        return STATUS_TONES[Booking.Status(status)]
    except ValueError:
        return "neutral"


@register.filter
def status_label(status: str) -> str:
    try:
        return str(Booking.Status(status).label)
    except ValueError:
        return ""
