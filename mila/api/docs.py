"""Swagger UI and ReDoc for the API, under the site's CSP: their scripts come from our static
files (drf-spectacular-sidecar) and Swagger UI's start-up script is a separate request
(SpectacularSwaggerSplitView), so script-src stays 'self' + nonce. Both readers write their
styles into the page, so these two pages alone allow inline styles."""

from typing import Any

from django.conf import settings
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],  # ReDoc searches in a worker
}


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class ApiReference(SpectacularRedocView):
    template_name = "api/redoc.html"
