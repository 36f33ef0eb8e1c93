"""Guessing the password on the delete page is limited; flash messages carry no personal data
and live in the session, not in a cookie; the CSP forbids <base>."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from customers.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_delete_page_refuses_the_sixth_password_guess(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    for _ in range(5):
        response = client.post(reverse("customers:delete"), {"password": "wrong-guess"})
        assert response.status_code == 200
        assert response.context["form"].errors["password"]
    # Even the right password waits now: the limit is on tries, like changing the password.
    response = client.post(reverse("customers:delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=user.pk, email=user.email, is_active=True).exists()


def test_delete_and_password_change_share_one_limit(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    for _ in range(5):
        client.post(reverse("customers:delete"), {"password": "wrong-guess"})
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "another-guess",
            "password1": "N3w-Passw0rd!",
            "password2": "N3w-Passw0rd!",
        },
    )
    assert response.status_code == 429


def test_the_429_page_is_ours_and_translated(client: Client) -> None:
    client.force_login(UserFactory(preferred_language="fr"))
    for _ in range(6):
        response = client.post(reverse("customers:delete"), {"password": "wrong-guess"})
    body = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="fr">' in body and "Trop de tentatives" in body


def test_login_flash_has_no_address_and_no_cookie(client: Client) -> None:
    user = UserFactory(email="lena@mila.example", preferred_language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["You are signed in."]
    page = client.get(response["Location"]).content.decode()
    assert "You are signed in." in page and "lena@mila.example" not in page


def test_signup_flash_has_no_address_and_no_cookie(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"first_name": "Lena", "email": "lena@mila.example", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    assert "messages" not in response.cookies
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts and not any("lena@mila.example" in text for text in texts)


def test_csp_forbids_base_elements(client: Client) -> None:
    csp = client.get(reverse("home")).headers["Content-Security-Policy"]
    assert "base-uri 'none'" in csp
