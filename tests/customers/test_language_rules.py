"""Which language a page and an account e-mail speak (issue 9, item 4): a page the language the
user chose (their profile's, once they are logged in), an e-mail to a known person their
profile's, one to an unknown address the page's."""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
ITALIAN = {"accept-language": "it"}


def _log_in(client: Any, user: Any, *, next_url: str = "") -> str:
    data = {"login": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("account_login"), data, headers=ENGLISH, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    return response.content.decode()


def test_signed_in_message_speaks_the_profile_language(client) -> None:
    user = UserFactory(preferred_language="de")
    page = _log_in(client, user)
    assert "Sie sind angemeldet." in page
    assert "You are signed in." not in page
    assert '<html lang="de">' in page


def test_signed_in_message_in_the_admin_speaks_the_profile_language(client) -> None:
    # The admin's login form is allauth's (mila/urls.py), so staff get the same rule.
    # Staff have an authenticator app (tests/factories.py): password, then the code.
    staff = UserFactory(preferred_language="de", is_staff=True, is_superuser=True)
    assert client.get(reverse("admin:index")).status_code == 302
    data = {"login": staff.email, "password": PASSWORD, "next": reverse("admin:index")}
    client.post(reverse("account_login"), data, headers=ENGLISH)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, headers=ENGLISH,
                           follow=True)  # fmt: skip
    assert response.wsgi_request.user == staff
    page = response.content.decode()
    assert "Sie sind angemeldet." in page
    assert "You are signed in." not in page


def test_the_login_response_speaks_the_profile_language(client) -> None:
    user = UserFactory(preferred_language="fr")
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert response.headers["Content-Language"] == "fr"


def test_password_reset_to_a_known_user_speaks_their_language(
    client, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="marie@example.ch", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": "marie@example.ch"}, headers=ENGLISH
        )
    [message] = mail.outbox
    assert message.subject == "Mila – Réinitialiser votre mot de passe"
    assert message.body.startswith("Bonjour de la part de Mila\u00a0!")
    assert '<html lang="fr">' in message.alternatives[0][0]


def test_password_reset_to_an_unknown_address_speaks_the_page_language(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": "nobody@example.ch"}, headers=ITALIAN
        )
    [message] = mail.outbox
    assert message.subject == "Mila – Non abbiamo trovato il suo account"
    assert message.body.startswith("Un saluto da Mila!")
    assert "Se non era lei, può semplicemente ignorare questa e-mail." in message.body


def _sign_up(client: Any, email: str, headers: dict[str, str]) -> None:
    client.post(
        reverse("account_signup"),
        {"first_name": "Gianni", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        headers=headers,
    )


def test_already_have_an_account_speaks_the_account_language(
    client, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email="marie@example.ch", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "marie@example.ch", ITALIAN)
    [message] = mail.outbox
    assert message.subject == "Mila – Vous avez déjà un compte"
    assert "Si ce n'était pas vous, vous pouvez simplement ignorer cet e-mail." in message.body


def test_signing_up_from_an_italian_page_confirms_in_italian(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "gianni@example.ch", ITALIAN)
    [message] = mail.outbox
    assert message.body.startswith("Un saluto da Mila!")
