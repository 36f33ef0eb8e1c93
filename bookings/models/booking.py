"""A booking and its history (DESIGN §4)."""

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.catalogue import Service
from bookings.pricing import FRIEND, PRO, net_payout
from mila.models import StatusChange


def new_reference() -> str:
    """A short code people can read out on the phone: 'MK7Q-3PXA' (no 0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def new_visit_code() -> str:
    """Four digits the customer tells the helper at the door to start the visit."""
    return f"{secrets.randbelow(10_000):04d}"


class BookingQuerySet(models.QuerySet["Booking"]):
    def for_customer(self, user: Any) -> "BookingQuerySet":
        """The bookings a customer may see: their own, and nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(customer=user)

    def open(self) -> "BookingQuerySet":
        return self.exclude(status__in=Booking.FINAL_STATUSES)

    def closed(self) -> "BookingQuerySet":
        return self.filter(status__in=Booking.FINAL_STATUSES)

    def locked(self) -> "BookingQuerySet":
        """Lock the rows for a change: FOR NO KEY UPDATE of this table only, so foreign-key
        checks of other transactions are not blocked (bookings.matching.offers: lock order)."""
        return self.select_for_update(of=("self",), no_key=True)


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Received")
        SEARCHING = "searching", _("Looking for a helper")
        CONFIRMED = "confirmed", _("Helper confirmed")
        EN_ROUTE = "en_route", _("Helper on the way")
        IN_PROGRESS = "in_progress", _("Visit in progress")
        COMPLETED = "completed", _("Completed")
        UNFULFILLED = "unfulfilled", _("No helper found")
        CANCELLED = "cancelled", _("Cancelled")

    class Timing(models.TextChoices):
        ASAP = "asap", _("As soon as possible")
        SCHEDULED = "scheduled", _("At a chosen time")

    class Tier(models.TextChoices):
        FRIEND = FRIEND, _("Friend")
        PRO = PRO, _("Pro")

    class Country(models.TextChoices):
        CH = "CH", _("Switzerland")
        DE = "DE", _("Germany")
        AT = "AT", _("Austria")

    FINAL_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.UNFULFILLED)

    reference = models.CharField(_("reference"), max_length=9, unique=True, default=new_reference)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="bookings"
    )
    tier = models.CharField(_("helper type"), max_length=10, choices=Tier.choices)
    problem = models.TextField(_("problem description"))
    street = models.CharField(_("street and number"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("town"), max_length=80)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    phone = models.CharField(_("phone"), max_length=32)
    timing = models.CharField(_("timing"), max_length=10, choices=Timing.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # The quote as the customer accepted it (integer Rappen).
    price_base = models.PositiveIntegerField(_("base price"))
    price_surcharge = models.PositiveIntegerField(_("last-minute surcharge"), default=0)
    price_extra = models.PositiveIntegerField(_("extra time"), default=0)
    price_total = models.PositiveIntegerField(_("total"))
    commission = models.PositiveIntegerField(_("commission"))
    currency = models.CharField(_("currency"), max_length=3, default="CHF")
    payment_method = models.CharField(_("payment method"), max_length=20, default="invoice")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    helper = models.ForeignKey(
        "helpers.HelperProfile",
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    # The door check (DESIGN §6.7): from EN_ROUTE the helper's page shows this code, the helper
    # says it at the door, and the customer compares it with their booking page.
    visit_code = models.CharField(_("door code"), max_length=4, default=new_visit_code)
    eta_at = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    worked_minutes = models.PositiveSmallIntegerField(_("time worked (minutes)"), null=True,
                                                      blank=True)  # fmt: skip
    no_show = models.BooleanField(_("customer was not there"), default=False)
    # Asked first when the search starts ("Book Lena again", a free follow-up).
    preferred_helper = models.ForeignKey(
        "helpers.HelperProfile", verbose_name=_("helper asked first"), on_delete=models.SET_NULL,
        related_name="+", null=True, blank=True,
    )  # fmt: skip
    # A free follow-up ("the problem is back") of a completed booking: at most one each.
    follow_up_of = models.OneToOneField(
        "self", verbose_name=_("follow-up of"), on_delete=models.PROTECT,
        related_name="follow_up", null=True, blank=True,
    )  # fmt: skip
    # What the platform pays a helper for a follow-up (the customer pays nothing), unless it
    # is the original helper's warranty (settings.FOLLOW_UP_PAYOUT).
    follow_up_payout = models.PositiveIntegerField(_("follow-up payout"), default=0)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    cancellation_fee = models.PositiveIntegerField(_("cancellation fee"), default=0)
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    # The search for a helper (DESIGN §6): how many offer waves the current search has sent,
    # and when the next step is due (the first wave, or the current wave's expiry). Null
    # while not searching; the periodic sweep picks up every searching booking that is due.
    wave = models.PositiveSmallIntegerField(_("offer waves sent"), default=0)
    next_wave_at = models.DateTimeField(_("next offer wave due"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("submission key"), unique=True, default=uuid.uuid4)

    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    searching_at = models.DateTimeField(_("search started"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("on the way"), null=True, blank=True)
    started_at = models.DateTimeField(_("visit started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    unfulfilled_at = models.DateTimeField(_("unfulfilled"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-starts_at"], name="booking_customer"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
            models.Index(fields=["postcode"], name="booking_postcode"),
            # A helper's jobs by status (their dashboard, visits done).
            models.Index(fields=["helper", "status", "starts_at"], name="booking_helper_status"),
            # Matching's probes of one helper: jobs still to come (busy then, jobs that day),
            # and jobs taken recently; both answered from the index alone on PostgreSQL.
            models.Index(
                fields=["helper", "ends_at"],
                include=["starts_at", "status"],
                name="booking_helper_ends",
            ),
            models.Index(
                fields=["helper", "confirmed_at"],
                include=["status"],
                name="booking_helper_confirmed",
            ),
            models.Index(
                fields=["next_wave_at"],
                condition=Q(status="searching"),
                name="booking_search_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(
                    price_total=models.F("price_base")
                    + models.F("price_surcharge")
                    + models.F("price_extra")
                ),
                name="booking_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(helper__isnull=True)
                | ~Q(status__in=["requested", "searching", "unfulfilled"]),
                name="booking_no_helper_while_searching",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def card_wait_until(self) -> datetime:
        """A card booking still without its card at this moment is cancelled (DESIGN §7)."""
        return self.created_at + timedelta(minutes=settings.PAYMENT_CARD_WAIT_MINUTES)

    @property
    def helper_on_the_way(self) -> bool:
        return self.status in (self.Status.EN_ROUTE, self.Status.IN_PROGRESS)

    @property
    def helper_payout(self) -> int:
        """What the booking's helper earns for the visit: the total less the commission (for a
        free follow-up, see ``payout_for``)."""
        return self.payout_for(self.helper_id)

    def payout_for(self, helper_id: int | None) -> int:
        """What this helper would earn for the visit. A free follow-up costs the customer
        nothing: by default (settings.FOLLOW_UP_PAYOUT "others") the original helper does it
        as their warranty, unpaid, and anyone else gets the normal net payout from the
        platform; "everyone" pays the original helper too, "nobody" pays no one."""
        if self.follow_up_of_id is None:
            return net_payout(self.price_total, self.commission)
        rule = settings.FOLLOW_UP_PAYOUT
        original = helper_id is not None and helper_id == self.preferred_helper_id
        if rule == "nobody" or (rule == "others" and original):
            return 0
        return self.follow_up_payout


class BookingEvent(StatusChange):
    """One step in a booking's life, written in the same transaction as the change (the
    audit trail and the customer's timeline)."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        HELPER = "helper", _("Helper")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    class FeeDecision(models.TextChoices):
        """What staff decided about a cancellation fee (``data["decision"]``)."""

        POLICY = "policy", _("Charge the policy fee")
        WAIVE = "waive", _("Waive the fee")
        CUSTOM = "custom", _("Charge a lower amount")

    # ``data["kind"]`` of a staff member's internal note: no status change (from = to), and
    # never shown to the customer or the helper.
    NOTE = "note"

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=Booking.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Booking.Status.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["booking", "at"], name="bookingevent_booking_at")]

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else "–"
        return f"{before} → {self.get_to_status_display()}"
