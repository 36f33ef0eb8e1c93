"""The account pages and e-mails speak Mila's voice in all four languages: no "Sign Up" or
"Remember Me", one spelling of e-mail per language, and "write to us" links to our contact page."""

import re
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.mila.test_translations import visible_text

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "de", "fr", "it"]
GENERIC = re.compile(r"Sign Up|Signup|Sign In|Remember Me|\bEmail\b|\bemail\b|Re-send|Bad Token")
# The other spellings of e-mail: German writes "E-Mail", the others "e-mail" ("E-mail" first).
WRONG_SPELLING = {
    "de": re.compile(r"\be-mail|\bE-mail\b|\bmail\b"),
    "en": re.compile(r"E-Mail"),
    "fr": re.compile(r"E-Mail"),
    "it": re.compile(r"E-Mail"),
}
ANONYMOUS = {
    "login": lambda: reverse("account_login"),
    "signup": lambda: reverse("account_signup"),
    "password reset": lambda: reverse("account_reset_password"),
    "password reset sent": lambda: reverse("account_reset_password_done"),
    "reset link used": lambda: reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "used-key"}
    ),
    "new password saved": lambda: reverse("account_reset_password_from_key_done"),
    "confirmation sent": lambda: reverse("account_email_verification_sent"),
    "inactive": lambda: reverse("account_inactive"),
    "confirmation link expired": lambda: reverse("account_confirm_email", args=["expired"]),
}
SIGNED_IN = ["account_logout", "account_email", "account_change_password", "account_reauthenticate"]
CONTACT_LINK = ["password reset", "password reset sent", "confirmation sent", "inactive"]


def page_text(client: Any, url: str, language: str) -> tuple[int, str, str]:
    response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    return response.status_code, " | ".join(visible_text(html)), html


def assert_our_voice(text: str, language: str) -> None:
    assert not GENERIC.findall(text), text
    assert not WRONG_SPELLING[language].findall(text), text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(ANONYMOUS))  # not "page": that is Playwright's fixture
def test_anonymous_account_pages(client: Any, language: str, name: str) -> None:
    status, text, html = page_text(client, ANONYMOUS[name](), language)
    assert status == 200
    assert_our_voice(text, language)
    if name in CONTACT_LINK:
        assert f'href="{reverse("about")}"' in html.split('class="card card-entrance"')[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirm_and_reset_links(client: Any, language: str) -> None:
    new = UserFactory(preferred_language=language, verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=new)).key
    status, text, _html = page_text(client, reverse("account_confirm_email", args=[key]), language)
    assert status == 200 and new.email in text
    assert_our_voice(text, language)
    user = UserFactory(preferred_language=language)
    link = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    status, text, _html = page_text(client, link, language)
    assert status == 200
    assert_our_voice(text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_account_pages(client: Any, language: str) -> None:
    user = UserFactory(preferred_language=language)
    client.force_login(user)
    for name in SIGNED_IN:
        status, text, _html = page_text(client, reverse(name), language)
        assert status == 200, name
        assert_our_voice(text, language)
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    status, text, _html = page_text(client, reverse("account_set_password"), language)
    assert status == 200
    assert_our_voice(text, language)


EMAILS = {
    "account/email/email_confirmation": {"email": "anna@example.ch", "activate_url": "https://x/"},
    "account/email/email_confirmation_signup": {"email": "anna@example.ch", "activate_url": "u"},
    "account/email/password_reset_key": {"password_reset_url": "https://x/"},
    "account/email/account_already_exists": {"email": "anna@example.ch", "password_reset_url": "u"},
    "account/email/unknown_account": {"email": "anna@example.ch", "signup_url": "https://x/"},
    "account/email/password_changed": {},
    "account/email/password_reset": {},
    "account/email/password_set": {},
    "account/email/email_changed": {"from_email": "a@example.ch", "to_email": "b@example.ch"},
    "account/email/email_confirm": {},
    "account/email/email_deleted": {"deleted_email": "a@example.ch"},
}
MESSAGES = [
    "cannot_delete_primary_email",
    "email_confirmation_failed",
    "email_confirmation_sent",
    "email_confirmed",
    "email_deleted",
    "logged_in",
    "logged_out",
    "password_changed",
    "password_set",
    "primary_email_set",
    "unverified_primary_email",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", list(EMAILS))
def test_account_emails(language: str, template: str) -> None:
    context = {"ip": "192.0.2.1", "user_agent": "Firefox", "timestamp": "1.12.2026 10:00"}
    context |= EMAILS[template]
    with translation.override(language):
        subject_template = template.replace("_signup", "")
        text = render_to_string(f"{subject_template}_subject.txt", context)
        text += render_to_string(f"{template}_message.txt", context)
    assert "Mila" in text
    assert_our_voice(text.replace("@example.ch", ""), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_flash_messages(language: str) -> None:
    with translation.override(language):
        for name in MESSAGES:
            text = render_to_string(f"account/messages/{name}.txt", {"email": "a@example.ch"})
            assert text.strip(), name
            assert_our_voice(text, language)
