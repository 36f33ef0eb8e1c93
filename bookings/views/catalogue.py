from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bookings.models import Service, ServiceCategory
from bookings.pricing import PRO, PricingPolicy, tier_price


def catalogue(request: HttpRequest) -> HttpResponse:
    """Every bookable service, grouped by category (two queries)."""
    categories = ServiceCategory.objects.filter(active=True).prefetch_related(
        Prefetch("services", queryset=Service.objects.bookable(), to_attr="bookable_services")
    )
    return render(
        request,
        "bookings/catalogue.html",
        {"categories": [c for c in categories if c.bookable_services]},
    )


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
