from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Offer
from bookings.texts import STATUS_EXPLANATIONS, STATUS_TONES

register = template.Library()
# Whole phrases, so each language can write the language's name as it must stand there.
YOU_SPEAK = {
    "de": _("you speak German"),
    "fr": _("you speak French"),
    "it": _("you speak Italian"),
    "en": _("you speak English"),
}


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
    """Why this helper was asked, in plain words: "2.1 km away, skill: Internet & Wi-Fi, you
    speak German, rated 4.9 of 5". Needs offer.booking.service.category (no query)."""
    facts = offer.breakdown
    reasons = [
        gettext("%(km)s km away") % {"km": floatformat(facts.get("distance_km", 0), 1)},
        gettext("skill: %(skill)s") % {"skill": offer.booking.service.category.name},
    ]
    language = facts.get("language")
    if language in YOU_SPEAK:
        reasons.append(str(YOU_SPEAK[language]))
    if facts.get("rating_count"):
        rating = floatformat(facts.get("rating_average"), 1)
        reasons.append(gettext("rated %(rating)s of 5") % {"rating": rating})
    return ", ".join(reasons)


@register.filter
def offer_withdrawn_label(reason: str) -> str:
    try:
        return str(Offer.Withdrawn(reason).label)
    except ValueError:
        return ""
