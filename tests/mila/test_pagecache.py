"""Visitors' pages from the cache (mila/pagecache.py): one copy per language, each response with
its own CSRF token and CSP nonce, out of date the moment the catalogue or a rating changes,
never for someone signed in, with a message waiting or asking with a query string."""

import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client, override_settings
from django.urls import reverse

from bookings.models import Service
from mila import pagecache
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

NONCE = re.compile(r'nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ANY_TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a masked CSRF token, in forms and hx-headers


def _found(pattern: re.Pattern[str] | str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, (pattern, text[:500])
    return match.group(1)


def _nonce_in_header(response) -> str:
    return _found(r"'nonce-([^']+)'", response["Content-Security-Policy"])


def test_a_visitors_page_is_rendered_once_then_served_without_a_query(
    client: Client, django_assert_num_queries
) -> None:
    first = client.get(reverse("bookings:catalogue"))
    with django_assert_num_queries(0):
        second = Client().get(reverse("bookings:catalogue"))

    assert first.status_code == second.status_code == 200
    assert "WLAN einrichten" in second.content.decode()
    # The same page but for what each response needs of its own.
    assert first.templates and not second.templates  # rendered once, then from the cache
    strip = lambda r: NONCE.sub("", ANY_TOKEN.sub("", r.content.decode()))  # noqa: E731
    assert strip(first) == strip(second)
    assert pagecache.CSRF_PLACEHOLDER not in second.content.decode()
    assert pagecache.NONCE_PLACEHOLDER not in second.content.decode()


def test_each_response_has_its_own_nonce_and_a_working_csrf_token() -> None:
    pages = [Client(enforce_csrf_checks=True) for _ in range(2)]
    responses = [browser.get(reverse("account_login")) for browser in pages]

    nonces = [_found(NONCE, r.content.decode()) for r in responses]
    assert nonces[0] != nonces[1]
    for response, nonce in zip(responses, nonces, strict=True):
        assert _nonce_in_header(response) == nonce  # the script runs: CSP names its nonce
    # The cached copy's token works for the visitor it was sent to: the login form posts.
    browser, response = pages[1], responses[1]
    token = _found(TOKEN, response.content.decode())
    user = UserFactory(email="ruth@example.ch")
    user.set_password("a long passphrase 42")
    user.save()
    posted = browser.post(
        reverse("account_login"),
        {
            "login": "ruth@example.ch",
            "password": "a long passphrase 42",
            "csrfmiddlewaretoken": token,
        },
    )
    assert posted.status_code == 302


def test_one_copy_per_language(client: Client) -> None:
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    french = Client().get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    german_again = Client().get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="de">' in german and '<html lang="de">' in german_again
    assert '<html lang="fr">' in french


def test_a_changed_service_shows_at_once(client: Client) -> None:
    client.get(reverse("bookings:catalogue"))
    service = Service.objects.get(slug="wifi-setup")
    service.name_de = "WLAN neu einrichten"
    service.save()

    body = Client().get(reverse("bookings:catalogue")).content.decode()

    assert "WLAN neu einrichten" in body


def test_a_removed_service_is_gone_from_its_cached_page(client: Client) -> None:
    assert client.get(reverse("bookings:service", args=["wifi-setup"])).status_code == 200
    service = Service.objects.get(slug="wifi-setup")
    service.active = False
    service.save()

    assert Client().get(reverse("bookings:service", args=["wifi-setup"])).status_code == 404


def test_a_changed_rating_renews_the_pages(client: Client) -> None:
    from reviews.ratings import ratings_forget_cached

    client.get(reverse("home"))
    version = pagecache.pages_version()

    ratings_forget_cached()

    assert pagecache.pages_version() != version


def test_signed_in_people_get_their_own_page(client: Client) -> None:
    Client().get(reverse("about"))  # cached for visitors
    client.force_login(UserFactory(first_name="Ruth"))

    body = client.get(reverse("about")).content.decode()

    assert reverse("account_logout") in body  # the signed-in header, not the visitors'


def test_a_waiting_message_is_shown_not_a_cached_page(client: Client) -> None:
    Client().get(reverse("home"))
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))  # "You have signed out." waits in the session

    response = client.get(reverse("home"))

    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.SUCCESS]
    assert 'class="message' in response.content.decode()
    # Shown once: the next page is the cached one again, without it.
    assert 'class="message' not in client.get(reverse("home")).content.decode()


def test_query_strings_and_htmx_requests_are_rendered_fresh(client: Client) -> None:
    client.get(reverse("about"))
    assert not client.get(reverse("about")).templates
    assert client.get(reverse("about") + "?from=newsletter").templates
    assert client.get(reverse("about"), HTTP_HX_REQUEST="true").templates


def test_errors_are_not_cached(client: Client) -> None:
    missing = reverse("bookings:service", args=["no-such-service"])
    assert client.get(missing).status_code == 404
    again = Client().get(missing)
    assert again.status_code == 404 and again.templates  # rendered again, not from the cache


@override_settings(CACHES=LOCAL_MEMORY)  # its clock can be moved (Redis keeps its own)
def test_a_page_lives_for_page_seconds(client: Client, monkeypatch, django_assert_num_queries):
    client.get(reverse("bookings:catalogue"))
    later = time.time() + pagecache.PAGE_SECONDS
    clock = "django.core.cache.backends.locmem.time"
    monkeypatch.setattr(clock, SimpleNamespace(time=lambda: later - 1))
    with django_assert_num_queries(0):
        Client().get(reverse("bookings:catalogue"))
    monkeypatch.setattr(clock, SimpleNamespace(time=lambda: later + 1))
    with django_assert_num_queries(2):
        Client().get(reverse("bookings:catalogue"))


def test_the_catalogue_list_is_a_cached_fragment_for_signed_in_people(
    client: Client, django_assert_num_queries
) -> None:
    client.force_login(UserFactory())
    client.get(reverse("bookings:catalogue"))
    with django_assert_num_queries(1):  # the user, with any helper profile
        body = client.get(reverse("bookings:catalogue")).content.decode()
    assert "WLAN einrichten" in body
    service = Service.objects.get(slug="wifi-setup")
    service.name_de = "WLAN neu einrichten"
    service.save()
    assert "WLAN neu einrichten" in client.get(reverse("bookings:catalogue")).content.decode()
