"""The base of every API view: the caller's language, and the defaults of REST_FRAMEWORK."""

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import generics, views
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from customers.middleware import user_language_activate


def header_language(request: Any) -> str | None:
    """The first language of ``Accept-Language`` the site speaks, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class LanguageMixin:
    """Messages and texts in the language ``Accept-Language`` asks for; without the header,
    a signed-in caller's profile language (as on the site), else the site's default."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language = header_language(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def perform_authentication(self, request: Request) -> None:
        """Once the caller is known (and before permissions may refuse them), their profile
        language, unless the request asked for one."""
        super().perform_authentication(request)  # type: ignore[misc]
        if not header_language(request):
            user_language_activate(request._request, request.user)


class ApiView(LanguageMixin, views.APIView):
    pass


class ListApiView(LanguageMixin, generics.ListAPIView):
    pass


class RetrieveApiView(LanguageMixin, generics.RetrieveAPIView):
    pass


class GenericApiView(LanguageMixin, generics.GenericAPIView):
    pass


class NotFoundView(ApiView):
    """Any other path under /api/v1/: a 404 problem instead of the site's HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound()
