"""Pages that belong to the site as a whole: home, about (with data attribution), imprint,
privacy, a health check for load balancers, robots.txt and the favicon."""

from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from bookings.models import Service, ServiceCategory
from mila.health import health_report
from mila.pagecache import anonymous_page
from reviews.selectors import platform_rating

# Pages that are someone's own (bookings, jobs, accounts) or staff's are no business of
# search engines; the rest of the site is.
ROBOTS_DISALLOW = ("/admin/", "/account/", "/accounts/", "/bookings/", "/book/", "/helper/",
                   "/inbox/")  # fmt: skip


# What each category helps with, in a few words, under its name on the home page.
TOPIC_HINTS = {
    "internet-wifi": _("No connection, weak Wi-Fi, new router"),
    "tv-streaming": _("Channels gone, remote control, Netflix and co."),
    "computer-printer": _("Slow computer, updates, printer won't print"),
    "smartphone-tablet": _("Setting up, photos, messages, apps"),
    "smart-home": _("Smart lights, speakers, doorbells"),
    "data-security": _("Backups, passwords, scam e-mails"),
    "lessons": _("Learn at your own pace, one to one"),
}


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the categories as the catalogue names them, and its "from" price is
    the cheapest bookable service's, as in the catalogue."""
    cheapest = Service.objects.bookable().aggregate(price=Min("price"))["price"]
    topics = [
        (category, TOPIC_HINTS.get(category.slug, ""))
        for category in ServiceCategory.objects.filter(active=True)
    ]
    context = {"from_price": cheapest, "topics": topics, "platform_rating": platform_rating()}
    return render(request, "pages/home.html", context)


@anonymous_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@anonymous_page
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/imprint.html")


@anonymous_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: the database, cache and broker, each on its own
    (mila/health.py). 503 only when the database is down."""
    report, status = health_report()
    return JsonResponse(report, status=status)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers (and the admin, which links none) ask for /favicon.ico: the logo."""
    return HttpResponseRedirect(static("img/logo.svg"))
