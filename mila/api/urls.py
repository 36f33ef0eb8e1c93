"""/api/v1/: the endpoints, the OpenAPI schema and its two readers (served from the sidecar's
static files: nothing from a CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from mila.api.docs import ApiDocs, ApiReference
from mila.api.views import NotFoundView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocs.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", ApiReference.as_view(url_name="api:schema"), name="redoc"),
    path("", include("bookings.api.urls_catalogue")),
    path("", include("bookings.api.urls_customer")),
    path("", include("bookings.api.urls_helper")),
    re_path(r"^.*$", NotFoundView.as_view(), name="not_found"),  # last: any other /api/v1/ path
]
