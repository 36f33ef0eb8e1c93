"""How an API caller is known. A browser (the site's own pages) uses its session cookie, with
Django's CSRF check on every change (DRF's SessionAuthentication). An app signs in through
allauth's headless API (``/_allauth/app/v1/auth/login``: the same login rules, rate limits and
two-factor step as the site) and sends the session token it gets back in ``X-Session-Token``.

Why allauth's app tokens and not DRF's: a token here is a server-side session, so it expires
like one (SESSION_COOKIE_AGE), is listed with its device and last use on the account page
(allauth.usersessions) and ends there with one click, or with a password change; DRF's tokens
never expire and are one per user."""

from typing import Any

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AppTokenAuthentication(XSessionTokenAuthentication):
    """``X-Session-Token``; an expired or ended token is refused with 401 instead of being
    taken for no token at all, so an app knows to sign in again."""

    allow_invalid_session_tokens = False

    def authenticate_header(self, request: Any) -> str:
        return "X-Session-Token"


class AppTokenScheme(OpenApiAuthenticationExtension):
    target_class = AppTokenAuthentication
    name = "appToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token",
                "description": "The session token from /_allauth/app/v1/auth/login."}  # fmt: skip
