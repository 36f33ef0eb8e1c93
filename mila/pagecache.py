"""Whole pages for visitors who are not signed in, from the cache, one copy per language.

The home page, the catalogue, a service, about and the login form look the same for every
visitor who speaks the same language, so they are rendered once and then served from the cache
(Redis in the services mode) until something they show changes: a service or category is saved
or deleted, or a rating changes (``pages_changed``), which moves every cached page to a new
version at once. ``PAGE_SECONDS`` bounds what nothing announces (the year in the footer).

What is different in every response is left out of the cached copy: the CSRF token and the CSP
nonce are rendered as placeholders (``placeholders``, the last context processor) and filled in
for each response, so every visitor gets their own, and the CSRF cookie is set as usual.
Signed-in visitors, query strings, htmx requests and a visitor with a message waiting (in their
session) always get a freshly rendered page.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from hashlib import blake2b
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import translation

PAGE_SECONDS = 600
VERSION_KEY = "pages:version"
CSRF_PLACEHOLDER = "mila-csrf-token-placeholder"
NONCE_PLACEHOLDER = "mila-csp-nonce-placeholder"
# Headers that belong to the page; the rest (cookies, CSP, security headers, Vary, the length)
# are added for each response by the middleware around the view.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control")
RENDERING = "_mila_page_cache_render"

View = Callable[..., HttpResponse]


def pages_changed() -> None:
    """Every cached page is out of date (something they show changed)."""
    cache.set(VERSION_KEY, secrets.token_hex(6), None)


def pages_version() -> str:
    """The current version of the cached pages, for fragments that change with them."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(6)
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY, version)
    return str(version)


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.GET or "HX-Request" in request.headers:
        return False
    if request.user.is_authenticated:
        return False
    # A flash message waits in the session: it is shown once, on the next page.
    return "_messages" not in request.session


def _key(request: HttpRequest) -> str:
    path = blake2b(request.path.encode(), digest_size=16).hexdigest()
    return f"page:{pages_version()}:{translation.get_language()}:{path}"


def placeholders(request: HttpRequest) -> dict[str, str]:
    """Context processor (the last one): while a page is rendered for the cache, its CSRF
    token and CSP nonce are placeholders, filled in per response by ``anonymous_page``."""
    if getattr(request, RENDERING, False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
    return {}


def _fill(request: HttpRequest, content: str) -> str:
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    return content


def _respond(request: HttpRequest, content: str, headers: dict[str, str]) -> HttpResponse:
    response = HttpResponse(_fill(request, content))
    for name, value in headers.items():
        response[name] = value
    return response


def anonymous_page(view: View) -> View:
    """Serve ``view``'s page to visitors who are not signed in from the cache (see above)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        if (page := cache.get(key)) is not None:
            return _respond(request, *page)
        setattr(request, RENDERING, True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        finally:
            setattr(request, RENDERING, False)
        if response.streaming:
            return response
        if response.status_code != 200 or response.cookies or request.session.modified:
            # Someone's own page after all (an error, a cookie, their session): not kept.
            response.content = _fill(request, response.content.decode(response.charset))
            return response
        headers = {name: response[name] for name in KEPT_HEADERS if name in response}
        page = (response.content.decode(response.charset), headers)
        cache.set(key, page, PAGE_SECONDS)
        return _respond(request, *page)

    return cached_view
