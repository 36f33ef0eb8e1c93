"""The account page lists each browser and app someone is signed in with, with when it ends,
and signs them out one by one: an app's API token stops working at once."""

from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in_app(user: Any, agent: str = "MilaApp/1.0 (iPhone)") -> APIClient:
    app = APIClient(HTTP_USER_AGENT=agent)
    response = app.post("/_allauth/app/v1/auth/login",
                        {"email": user.email, "password": PASSWORD}, format="json")  # fmt: skip
    assert response.status_code == 200
    app.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    return app


def browser(user: Any) -> Client:
    """Signed in on the site's login page (allauth records the session there)."""
    client = Client(HTTP_USER_AGENT="Firefox")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_account_page_lists_the_browser_and_the_app() -> None:
    user = UserFactory(preferred_language="en")
    sign_in_app(user)
    client = browser(user)

    with translation.override("en"):
        page = client.get(reverse("customers:profile")).content.decode()

    assert "Where you are signed in" in page
    assert page.index("This browser") < page.index("MilaApp/1.0 (iPhone)")
    assert "signed in until" in page
    assert page.count("Sign out</button>") == 1  # the current browser signs out with log-out


def test_signing_out_the_app_ends_its_token_at_once() -> None:
    user = UserFactory(preferred_language="en")
    app = sign_in_app(user)
    assert app.get("/api/v1/services/").status_code == 200
    client = browser(user)
    session = UserSession.objects.get(user=user, user_agent__startswith="MilaApp")

    response = client.post(reverse("customers:end_session", args=[session.pk]))

    assert response.status_code == 302
    assert app.get("/api/v1/services/").status_code == 401
    assert not UserSession.objects.filter(pk=session.pk).exists()
    assert client.get(reverse("customers:profile")).status_code == 200  # still signed in here


def test_someone_elses_session_is_not_found() -> None:
    owner = UserFactory()
    sign_in_app(owner)
    session = UserSession.objects.get(user=owner)
    intruder = browser(UserFactory())

    assert intruder.post(reverse("customers:end_session", args=[session.pk])).status_code == 404
    assert UserSession.objects.filter(pk=session.pk).exists()


def test_ending_needs_a_post() -> None:
    user = UserFactory()
    sign_in_app(user)
    session = UserSession.objects.get(user=user)
    assert browser(user).get(reverse("customers:end_session", args=[session.pk])).status_code == 405
