"""What happens at and around the visit: the helper's report, and the reminders sent before it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.booking import Booking


class WithdrawReason(models.TextChoices):
    """Why a helper gives a job back (kept in the BookingEvent's data)."""

    ILL = "ill", _("I am ill")
    EMERGENCY = "emergency", _("An emergency")
    TRANSPORT = "transport", _("I have no way to get there")
    OTHER = "other", _("Another reason")


class VisitReport(models.Model):
    """What the helper did, written when they complete the visit; the customer keeps it with
    the booking (and a free follow-up starts from it)."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="report"
    )
    work_done = models.TextField(_("what was done"))
    devices = models.JSONField(_("devices"), default=list, blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("time spent (minutes)"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")

    def __str__(self) -> str:
        return str(self.booking)


class Reminder(models.Model):
    """A reminder that was sent: one per booking, kind and start time. The periodic task
    inserts the row before it notifies anyone, so running twice (or two schedulers) sends
    each reminder once; a visit moved to a new time gets new ones."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("24 hours before")
        HOUR_BEFORE = "1h", _("1 hour before")

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    starts_at = models.DateTimeField(_("for the visit at"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "starts_at"], name="reminder_once_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.kind}"
