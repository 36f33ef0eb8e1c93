from typing import Any

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import include, path

from mila import audit, views
from mila.backoffice import needs_attention
from mila.pagecache import anonymous_page
from payments.webhooks import stripe_webhook

# The admin login goes through allauth, so it has the same rate limits (and MFA) as the site.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mila"
admin.site.site_title = "Mila"
_admin_index = admin.site.index


def admin_index(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> TemplateResponse:
    """The admin's start page opens with what needs attention (templates/admin/index.html)."""
    context = {"needs_attention": needs_attention(request.user), **(extra_context or {})}
    return _admin_index(request, extra_context=context)


admin.site.index = admin_index  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    path("health/", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("bookings.urls")),
    path("", include("helpers.urls")),
    path("", include("reviews.urls")),
    # The login form is the same for every visitor: served from the page cache (unnamed: the
    # name stays allauth's own).
    path("accounts/login/", anonymous_page(account_views.login)),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("mila.api.urls")),
    path("account/", include("customers.urls")),
    path("inbox/", include("notifications.urls")),
    path("payments/", include("payments.urls")),
    path("payments/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    # Before the admin's own URLs, which would read "audit" as a booking's id.
    path(
        "admin/bookings/booking/<int:pk>/audit/",
        admin.site.admin_view(audit.booking_audit),
        name="audit_booking",
    ),
    path(
        "admin/helpers/helperprofile/<int:pk>/audit/",
        admin.site.admin_view(audit.helper_audit),
        name="audit_helper",
    ),
    path("admin/", admin.site.urls),
]
