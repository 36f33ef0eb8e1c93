import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mila.models import StatusChange

LANGUAGE_CHOICES = settings.LANGUAGES
# The widest service area a helper can choose; matching's bounding box is this wide.
MAX_RADIUS_KM = 50


class HelperProfileQuerySet(models.QuerySet["HelperProfile"]):
    def approved(self) -> "HelperProfileQuerySet":
        return self.filter(status=HelperProfile.Status.APPROVED)

    def locked(self) -> "HelperProfileQuerySet":
        """Lock the rows for a change: FOR NO KEY UPDATE of this table only, so foreign-key
        checks of other transactions are not blocked."""
        return self.select_for_update(of=("self",), no_key=True)


class HelperProfile(models.Model):
    """A person who helps: a skilled neighbour (Friend) or a company (Pro).

    Only APPROVED helpers get offers. Ratings and job counts are kept in step by services.
    """

    class Tier(models.TextChoices):
        FRIEND = "friend", _("Friend")
        PRO = "pro", _("Pro")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not accepted")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="helper_profile",
    )
    public_id = models.UUIDField(_("public id"), unique=True, default=uuid.uuid4, editable=False)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.FRIEND)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    company_name = models.CharField(_("company name"), max_length=120, blank=True)
    uid = models.CharField(_("UID number"), max_length=15, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    skills = models.ManyToManyField(
        "bookings.ServiceCategory", verbose_name=_("skills"), related_name="helpers", blank=True
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CH")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("service radius (km)"), default=10)
    max_jobs_per_day = models.PositiveSmallIntegerField(_("jobs per day at most"), default=3)
    conduct_accepted_at = models.DateTimeField(_("code of conduct accepted"), null=True, blank=True)

    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("0")
    )
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    # Kept in step by reviews.services with the two fields above: how many ratings of 1..5
    # stars ([n1, n2, n3, n4, n5]) and, per service category id, [sum of stars, ratings].
    rating_distribution = models.JSONField(_("ratings per star"), default=list, blank=True)
    category_ratings = models.JSONField(_("ratings per category"), default=dict, blank=True)
    completed_jobs = models.PositiveIntegerField(_("completed jobs"), default=0)
    acceptance_rate = models.FloatField(_("acceptance rate"), null=True, blank=True)
    median_response_seconds = models.PositiveIntegerField(
        _("median response time (s)"), null=True, blank=True
    )
    # Jobs given back less than BOOKING_LATE_WITHDRAWAL_HOURS before they started.
    late_withdrawals = models.PositiveIntegerField(_("late withdrawals"), default=0)
    # The secret of the helper's calendar feed; None: no feed (turned off, or never made).
    calendar_token = models.CharField(
        _("calendar feed key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("applied"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = HelperProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        indexes = [
            models.Index(fields=["status", "tier"], name="helper_status_tier"),
            # Matching's bounding-box pre-filter (DESIGN §6).
            models.Index(fields=["status", "lat", "lng"], name="helper_status_lat_lng"),
            models.Index(fields=["status", "created_at"], name="helper_queue"),
            models.Index(fields=["postcode"], name="helper_postcode"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_km__gte=1, radius_km__lte=MAX_RADIUS_KM),
                name="helper_radius_1_50",
            ),
            models.CheckConstraint(
                condition=Q(max_jobs_per_day__gte=1, max_jobs_per_day__lte=10),
                name="helper_jobs_per_day_1_10",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """First name and the initial of the last name: 'Lena M.'"""
        user = self.user
        initial = f" {user.last_name[:1]}." if user.last_name else ""
        return f"{user.first_name}{initial}".strip() or str(_("Your helper"))

    @property
    def initials(self) -> str:
        user = self.user
        return (user.first_name[:1] + user.last_name[:1]).upper() or "M"

    @property
    def language_names(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names[code]) for code in self.languages if code in names]


class HelperEvent(StatusChange):
    """Audit trail of an application: who changed its status, when and why."""

    helper = models.ForeignKey(
        HelperProfile, verbose_name=_("helper"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=HelperProfile.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=HelperProfile.Status.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("helper event")
        verbose_name_plural = _("helper events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.helper_id}: {self.from_status or '–'} → {self.to_status}"


class AvailabilityWindow(models.Model):
    """A weekly time a helper can work, in Swiss local time: e.g. Tuesdays 08:00–12:00."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    helper = models.ForeignKey(
        HelperProfile, verbose_name=_("helper"), on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(pgettext_lazy("weekly time", "from"))
    ends = models.TimeField(pgettext_lazy("weekly time", "until"))

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["weekday", "starts"]
        indexes = [models.Index(fields=["helper", "weekday"], name="window_helper_weekday")]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="window_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    """Days a helper is away (holidays, illness), both days included."""

    helper = models.ForeignKey(
        HelperProfile, verbose_name=_("helper"), on_delete=models.CASCADE, related_name="time_off"
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="timeoff_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day} – {self.last_day}"
