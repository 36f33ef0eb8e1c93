"""The service catalogue: categories and the services customers book."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.pricing import FRIEND, PRO
from mila.lib.translated import translated


class CatalogueEntry(models.Model):
    """A name and description in each language; ``name``/``description`` pick the current one."""

    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    name_de = models.CharField(_("name (German)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    name_it = models.CharField(_("name (Italian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")

    @property
    def description(self) -> str:
        return translated(self, "description")


class ServiceCategory(CatalogueEntry):
    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "slug"]


class ServiceQuerySet(models.QuerySet["Service"]):
    def bookable(self) -> "ServiceQuerySet":
        return self.filter(active=True, category__active=True)


class Service(CatalogueEntry):
    """Something a helper does at the customer's home, at a fixed price for its duration."""

    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    price = models.PositiveIntegerField(
        _("price (Rappen)"), help_text=_("For a Friend, covering the duration. 7900 = CHF 79.00")
    )
    pro_only = models.BooleanField(_("Pros only"), default=False)
    summary_de = models.CharField(_("summary (German)"), max_length=160)
    summary_fr = models.CharField(_("summary (French)"), max_length=160)
    summary_it = models.CharField(_("summary (Italian)"), max_length=160)
    summary_en = models.CharField(_("summary (English)"), max_length=160)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__position", "position", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="service_duration"),
        ]

    @property
    def summary(self) -> str:
        return translated(self, "summary")

    @property
    def tiers(self) -> tuple[str, ...]:
        return (PRO,) if self.pro_only else (FRIEND, PRO)
