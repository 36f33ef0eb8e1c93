import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The header's "Log in" link, as a visitor reads it in each language.
LOG_IN = {"de": "Anmelden", "fr": "Se connecter", "it": "Accedi", "en": "Log in"}


def test_german_is_the_default(client) -> None:
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_home_renders_in_each_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in body
    assert LOG_IN[language] in body


def test_browser_language_is_respected(client) -> None:
    response = client.get(reverse("home"), headers={"accept-language": "fr-CH,fr;q=0.9"})
    assert response.headers["Content-Language"] == "fr"


def test_visitor_switches_language_with_a_cookie(client) -> None:
    response = client.post(
        reverse("customers:set_language"), {"language": "it", "next": reverse("about")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("about")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    assert client.get(reverse("home")).headers["Content-Language"] == "it"


def test_switch_is_stored_on_the_profile(client) -> None:
    user = UserFactory(preferred_language="de")
    client.force_login(user)
    client.post(reverse("customers:set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    # The profile wins even in a fresh browser without the cookie.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    assert client.get(reverse("home")).headers["Content-Language"] == "fr"


def test_language_switch_rejects_foreign_redirects_and_bad_codes(client) -> None:
    response = client.post(
        reverse("customers:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_signup_in_french_makes_a_french_speaker(client, django_capture_on_commit_callbacks):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Luc",
                "email": "luc@example.ch",
                "password1": "Correct-Horse-42",
                "password2": "Correct-Horse-42",
            },
        )
    from customers.models import User

    assert User.objects.get(email="luc@example.ch").preferred_language == "fr"
