from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from mila import views

# The admin login goes through allauth, so it has the same rate limits (and MFA) as the site.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Mila"
admin.site.site_title = "Mila"

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
    path("accounts/", include("allauth.urls")),
    path("account/", include("customers.urls")),
    path("inbox/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
