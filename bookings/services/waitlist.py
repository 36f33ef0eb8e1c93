"""Signing up to be told when helpers come to an area (DESIGN §6.6)."""

from django.db import IntegrityError, transaction

from bookings.models import Service, WaitlistEntry
from mila.lib import geo


def waitlist_join(
    *, email: str, place: geo.Place, service: Service, language: str
) -> tuple[WaitlistEntry, bool]:
    """Put an e-mail address on the waitlist for a postcode and a service; returns the entry and
    whether it is new. Signing up again (also in another spelling of the address, or twice at
    once) is harmless: there is one entry, and its language is the latest one asked in."""
    email = email.strip().lower()
    where = {"email": email, "country": place.country, "postcode": place.postcode}
    try:
        with transaction.atomic():
            entry, created = WaitlistEntry.objects.get_or_create(
                **where, service=service, defaults={"language": language}
            )
    except IntegrityError:  # a concurrent sign-up won the race
        entry, created = WaitlistEntry.objects.get(**where, service=service), False
    if not created and entry.language != language:
        entry.language = language
        entry.save(update_fields=["language"])
    return entry, created
