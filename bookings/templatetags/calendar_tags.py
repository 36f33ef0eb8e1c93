from django import template

from bookings.calendar import helper_calendar_feed_url
from helpers.models import HelperProfile

register = template.Library()


@register.simple_tag
def calendar_feed_url(profile: HelperProfile, webcal: bool = False) -> str:
    """The helper's calendar feed address ("" while it is off): ``webcal=True`` for the
    link that opens the phone's calendar app."""
    return helper_calendar_feed_url(profile, webcal=webcal) or ""
