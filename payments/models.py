"""Money (DESIGN §7), all amounts in integer Rappen (CHF):

- Payment: what one booking asks of its customer through one gateway, a card hold (a Stripe
  PaymentIntent) or an invoice; at most one per booking and purpose.
- Refund: money given back after a capture, never more than was captured.
- Invoice: a bill with a Swiss QR-bill payment part, for a visit or a fee.
- StripeEvent: each webhook event once (its id is the key).
- EarningEntry: the helpers' append-only ledger.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("Card")
        INVOICE = "invoice", _("Invoice")

    class Purpose(models.TextChoices):
        VISIT = "visit", _("Visit")  # the hold at confirm, captured for the final amount
        EXTRA = "extra", _("Extra time beyond the hold")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the card")
        REQUIRES_ACTION = "requires_action", _("Waiting for the bank's check (3-D Secure)")
        AUTHORIZED = "authorized", _("Amount reserved")
        CAPTURED = "captured", _("Charged")
        CANCELED = "canceled", _("Reservation released")
        FAILED = "failed", _("Declined")

    booking = models.ForeignKey(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.PROTECT,
        related_name="payments",
    )  # fmt: skip
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.VISIT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    amount = models.PositiveIntegerField(_("amount reserved or billed"))
    captured = models.PositiveIntegerField(_("amount charged"), default=0)
    refunded = models.PositiveIntegerField(_("amount refunded"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CHF")
    stripe_intent_id = models.CharField(
        _("Stripe PaymentIntent"), max_length=255, unique=True, null=True, blank=True
    )
    # A visit too far ahead for a hold (DESIGN §7): the card is saved now, held shortly before.
    stripe_setup_intent_id = models.CharField(
        _("Stripe SetupIntent"), max_length=255, unique=True, null=True, blank=True
    )
    failure_message = models.TextField(_("why it failed"), blank=True)
    # When the amount was reserved: a hold lapses after about 7 days (card_renew_hold).
    held_at = models.DateTimeField(_("reserved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "purpose"], name="payment_one_per_purpose"),
            models.CheckConstraint(condition=Q(refunded__lte=F("captured")),
                                   name="payment_refund_within_capture"),
            models.CheckConstraint(condition=Q(method="invoice") | Q(captured__lte=F("amount")),
                                   name="payment_capture_within_hold"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.booking_id}/{self.purpose}: {self.get_status_display()}"

    def idempotency_key(self, action: str) -> str:
        """The key every provider call for this payment carries (DESIGN §7)."""
        suffix = "" if self.purpose == self.Purpose.VISIT else f":{self.purpose}"
        return f"booking:{self.booking_id}{suffix}:{action}"

    @property
    def refundable(self) -> int:
        return self.captured - self.refunded


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        PROCESSING = "processing", _("Sent, the bank is processing it")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveIntegerField(_("amount"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The provider call's key: the same refund sent twice is made once.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    stripe_refund_id = models.CharField(
        _("Stripe refund"), max_length=255, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.amount}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        FEE = "fee", _("Cancellation or missed-visit fee")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Cancelled")

    booking = models.ForeignKey(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.PROTECT,
        related_name="invoices",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    # The QR-bill's structured reference (QR reference, 27 digits with its check digit).
    reference = models.CharField(_("payment reference"), max_length=27, unique=True)
    amount = models.PositiveIntegerField(_("amount"))
    # [{"code": "base"|"last_minute"|"extra_time"|"cancellation_fee"|"no_show_fee",
    #   "amount": Rappen, "quantity": n}], worded in the reader's language when shown.
    lines = models.JSONField(_("lines"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked paid by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="invoice_one_per_kind"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="invoice_open_due")]

    def __str__(self) -> str:
        return self.number


class StripeEvent(models.Model):
    """A webhook event, stored once: a second delivery of the same id changes nothing."""

    id = models.CharField(_("event id"), max_length=255, primary_key=True)
    type = models.CharField(_("type"), max_length=100)
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, blank=True, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class EarningEntryQuerySet(models.QuerySet["EarningEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The earnings ledger is append-only: add a correcting entry instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The earnings ledger is append-only: add a correcting entry instead.")


class EarningEntry(models.Model):
    """One line of a helper's earnings, never changed once written (corrections are new,
    opposite entries). ``gross`` is what the customer paid for it (negative for a refund),
    ``commission`` Mila's part, ``amount`` the helper's: gross = commission + amount. A free
    follow-up that Mila pays for has gross 0 and a negative commission."""

    class Kind(models.TextChoices):
        JOB = "job", _("Visit")
        CANCELLATION_FEE = "cancellation_fee", _("Late cancellation fee")
        NO_SHOW_FEE = "no_show_fee", _("Missed-visit fee")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        REFUND = "refund", _("Refund to the customer")

    helper = models.ForeignKey(
        "helpers.HelperProfile", verbose_name=_("helper"), on_delete=models.PROTECT,
        related_name="earnings",
    )  # fmt: skip
    booking = models.ForeignKey(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.PROTECT,
        related_name="earnings",
    )  # fmt: skip
    refund = models.OneToOneField(
        Refund, verbose_name=_("refund"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="earning",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    gross = models.IntegerField(_("paid by the customer"))
    commission = models.IntegerField(_("commission"))
    amount = models.IntegerField(_("helper's earnings"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = EarningEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("earning")
        verbose_name_plural = _("earnings")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["helper", "at"], name="earning_helper_month")]
        constraints = [
            models.CheckConstraint(condition=Q(gross=F("commission") + F("amount")),
                                   name="earning_adds_up"),
            # One entry per booking for each kind but refunds (one per refund).
            models.UniqueConstraint(fields=["booking", "kind"], condition=~Q(kind="refund"),
                                    name="earning_once_per_booking"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.helper_id} {self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The earnings ledger is append-only: add a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The earnings ledger is append-only: add a correcting entry instead.")
