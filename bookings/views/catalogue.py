from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from bookings.models import Service, ServiceCategory
from bookings.pricing import PRO, PricingPolicy, tier_price
from mila.pagecache import anonymous_page, pages_version


@anonymous_page
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every bookable service, grouped by category: two queries, asked only when the list is not
    in the cache (a fragment per language, for signed-in visitors; mila/pagecache.py)."""

    def bookable() -> list[ServiceCategory]:
        categories = ServiceCategory.objects.filter(active=True).prefetch_related(
            Prefetch("services", queryset=Service.objects.bookable(), to_attr="bookable_services")
        )
        return [c for c in categories if c.bookable_services]

    context = {"categories": SimpleLazyObject(bookable), "pages_version": pages_version()}
    return render(request, "bookings/catalogue.html", context)


@anonymous_page
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.bookable().select_related("category"), slug=slug)
    return render(
        request,
        "bookings/service.html",
        {
            "service": service,
            "pro_price": tier_price(
                service.price, PRO, PricingPolicy.from_settings(), pro_only=service.pro_only
            ),
        },
    )
