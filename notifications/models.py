from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: object) -> "NotificationQuerySet":
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def undelivered(self) -> "NotificationQuerySet":
        return self.filter(send_email=True, delivered_at__isnull=True)


class Notification(models.Model):
    """One message to one person: the outbox row for its e-mail and its entry in the in-app
    inbox. Created in the same transaction as the change it reports (DESIGN §8)."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        BOOKING_RECEIVED = "booking_received", _("Booking received")
        BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
        BOOKING_RESCHEDULED = "booking_rescheduled", _("Booking moved")
        BOOKING_HELPER_CHANGED = "booking_helper_changed", _("Booking needs a new helper")
        BOOKING_CONFIRMED = "booking_confirmed", _("Helper found")
        BOOKING_UNFULFILLED = "booking_unfulfilled", _("No helper found")
        BOOKING_EN_ROUTE = "booking_en_route", _("Helper on the way")
        BOOKING_COMPLETED = "booking_completed", _("Visit completed")
        BOOKING_NO_SHOW = "booking_no_show", _("Customer not there")
        BOOKING_REMINDER = "booking_reminder", _("Visit reminder")
        STAFF_NO_SHOW = "staff_no_show", _("Staff alert: customer not there")
        STAFF_LATE_WITHDRAWAL = "staff_late_withdrawal", _("Staff alert: helper withdrew late")
        STAFF_UNFULFILLED = "staff_unfulfilled", _("Staff alert: no helper found")
        OFFER_NEW = "offer_new", _("New job offer")
        OFFER_WITHDRAWN = "offer_withdrawn", _("Job offer withdrawn")
        JOB_CONFIRMED = "job_confirmed", _("Job confirmed")
        HELPER_APPLIED = "helper_applied", _("Helper application received")
        HELPER_APPROVED = "helper_approved", _("Helper approved")
        HELPER_REJECTED = "helper_rejected", _("Helper application declined")
        HELPER_SUSPENDED = "helper_suspended", _("Helper suspended")
        HELPER_REINSTATED = "helper_reinstated", _("Helper reinstated")
        REVIEW_REQUEST = "review_request", _("Please rate your visit")
        REVIEW_HIDDEN = "review_hidden", _("Review hidden")
        REVIEW_RESTORED = "review_restored", _("Review shown again")
        STAFF_REVIEW_FLAGGED = "staff_review_flagged", _("Staff alert: review reported")
        PAYMENT_HOLD_FAILED = "payment_hold_failed", _("Card payment not possible")
        STAFF_PAYMENT_HOLD_FAILED = (
            "staff_payment_hold_failed",
            _("Staff alert: card payment not possible"),
        )
        INVOICE_ISSUED = "invoice_issued", _("Invoice")
        INVOICE_REMINDER = "invoice_reminder", _("Invoice reminder")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    context = models.JSONField(_("context"), default=dict, blank=True)
    send_email = models.BooleanField(_("send e-mail"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # A worker that is sending the e-mail holds the row until then; if it dies, the claim
    # lapses and the sweeper hands the row to another worker.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(send_email=True, delivered_at__isnull=True),
                name="notification_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def template_dir(self) -> str:
        return f"emails/{self.kind}"
