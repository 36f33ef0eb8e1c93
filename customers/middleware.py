from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def user_language(user: Any) -> str | None:
    """The language a known person reads: the one on their profile, if the site speaks it.
    None for a visitor, whose language is the page's (cookie, then browser)."""
    if user is None or not user.is_authenticated:
        return None
    language = getattr(user, "preferred_language", "")
    return language if language in dict(settings.LANGUAGES) else None


def user_language_activate(request: HttpRequest, user: Any) -> None:
    """Speak the user's language for the rest of this request (a no-op for a visitor)."""
    language = user_language(user)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """A logged-in user sees the site in the language stored on their profile.

    Runs after LocaleMiddleware (which handles anonymous visitors by cookie and browser). The
    request that logs someone in switches too, once they are known
    (``customers.adapter.AccountAdapter.login``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_language_activate(request, getattr(request, "user", None))
        return self.get_response(request)
