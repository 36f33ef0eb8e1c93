"""People who asked to be told when Mila comes to their area (DESIGN §6.6): the wizard offers
this instead of a booking nobody could serve."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.booking import Booking
from bookings.models.catalogue import Service


class WaitlistEntry(models.Model):
    """One e-mail address waiting for helpers near one postcode for one service. The address
    is stored in lower case, so signing up twice (in any spelling) keeps one row; deleting the
    account deletes the rows with its addresses."""

    email = models.EmailField(_("e-mail address"))
    postcode = models.CharField(_("postcode"), max_length=10)
    country = models.CharField(_("country"), max_length=2, choices=Booking.Country.choices)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="waitlist"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "country", "postcode", "service"], name="waitlist_once"
            )
        ]
        indexes = [models.Index(fields=["country", "postcode"], name="waitlist_place")]

    def __str__(self) -> str:
        return f"{self.email} – {self.postcode} {self.country}"
