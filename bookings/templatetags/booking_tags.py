from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from bookings.models import Booking, Offer
from bookings.texts import STATUS_EXPLANATIONS, STATUS_TONES

register = template.Library()
LANGUAGE_NAMES = dict(settings.LANGUAGES)


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


@register.filter
def offer_reasons(offer: Offer) -> str:
    """Why this helper was asked, in plain words: "2.1 km away, Internet & Wi-Fi, speaks
    German". Needs offer.booking.service.category (no query)."""
    facts = offer.breakdown
    reasons = [
        gettext("%(km)s km away") % {"km": floatformat(facts.get("distance_km", 0), 1)},
        gettext("you know %(skill)s") % {"skill": offer.booking.service.category.name},
    ]
    language = facts.get("language")
    if language in LANGUAGE_NAMES:
        reasons.append(gettext("you speak %(language)s") % {"language": LANGUAGE_NAMES[language]})
    if facts.get("rating_count"):
        reasons.append(
            gettext("rated %(rating)s") % {"rating": floatformat(facts.get("rating_average"), 1)}
        )
    return ", ".join(reasons)


@register.filter
def offer_withdrawn_label(reason: str) -> str:
    try:
        return str(Offer.Withdrawn(reason).label)
    except ValueError:
        return ""
