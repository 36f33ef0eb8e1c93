from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HelperProfile(models.Model):
    """A person who helps: a skilled neighbour (Friend) or a company (Pro).

    Only APPROVED helpers get offers. Ratings and job counts are kept in step by services.
    """

    class Tier(models.TextChoices):
        FRIEND = "friend", _("Friend")
        PRO = "pro", _("Pro")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="helper_profile",
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.FRIEND)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("0")
    )
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    completed_jobs = models.PositiveIntegerField(_("completed jobs"), default=0)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        indexes = [models.Index(fields=["status", "tier"], name="helper_status_tier")]

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
