"""E-mail subjects and text parts are plain text: an apostrophe, an ampersand or a quote in a
name reads as typed, never as "&#x27;", "&amp;" or "&quot;". The HTML part stays escaped."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse

from bookings.notices import booking_context, notify_booking
from customers.adapter import AccountAdapter
from notifications.models import Notification
from notifications.services import notify, render_notification_email
from tests.factories import BookingFactory, NotificationFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


NAME = 'O\'Brien & "Sons"'
SERVICE = 'Installer l\'imprimante & le "scanner"'
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&quot;", "&lt;", "&gt;")


def _assert_plain(text: str) -> None:
    assert not [entity for entity in ENTITIES if entity in text], text


def test_the_welcome_email_names_the_person_as_they_typed_it(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory(first_name=NAME, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, kind=Notification.Kind.WELCOME)

    (message,) = mail.outbox
    assert message.subject == f"Welcome to Mila, {NAME}"
    assert f"Hello {NAME}," in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; &quot;Sons&quot;" in html  # the HTML part is still escaped
    assert NAME not in html


def test_a_booking_email_names_the_service_as_it_is_called(
    django_capture_on_commit_callbacks,
) -> None:
    service = ServiceFactory(name_fr=SERVICE, name_de=SERVICE)
    booking = BookingFactory(service=service, customer=UserFactory(preferred_language="fr"))
    with django_capture_on_commit_callbacks(execute=True):
        notify_booking(booking, Notification.Kind.BOOKING_RECEIVED, recipients=[booking.customer])

    (message,) = mail.outbox
    assert message.subject == f"Réservation {booking.reference} reçue : {SERVICE}"
    _assert_plain(message.body)
    assert "Installer l&#x27;imprimante &amp; le &quot;scanner&quot;" in message.alternatives[0][0]


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_no_subject_or_text_part_is_html_escaped(language: str) -> None:
    """Every kind, in every language, with the awkward characters in every value a template
    may show: the recipient's name, the helper's, the service, the town."""
    service = ServiceFactory(**{f"name_{code}": SERVICE for code, _ in settings.LANGUAGES})
    booking = BookingFactory(service=service, status="confirmed", city="Rapperswil & Jona")
    context = booking_context(
        booking, helper_name=NAME, postcode=booking.postcode, city=booking.city, waves=2,
        audience="helper",
    )  # fmt: skip
    recipient = UserFactory(first_name=NAME, preferred_language=language)

    escaped = {}
    for kind in Notification.Kind.values:
        notification = NotificationFactory(recipient=recipient, kind=kind, context=context)
        message = render_notification_email(notification)
        text = f"{message.subject}\n{message.body}"
        if found := [entity for entity in ENTITIES if entity in text]:
            escaped[kind] = found
    assert escaped == {}


def test_an_account_email_is_plain_text_in_its_subject_and_text_part(
    client, django_capture_on_commit_callbacks
) -> None:
    """The French "we could not find your account" has an apostrophe in its subject, and the
    address someone typed (which may hold ' and &) is quoted in the text."""
    address = "o'brien&sons@example.ch"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": address}, HTTP_ACCEPT_LANGUAGE="fr"
        )

    (message,) = mail.outbox
    assert message.subject == "Mila – Nous n'avons pas trouvé votre compte"
    assert address in message.body
    _assert_plain(message.body)
    assert "o&#x27;brien&amp;sons@example.ch" in message.alternatives[0][0]


def test_account_emails_are_plain_text_whatever_their_template_says(tmp_path: Path) -> None:
    """allauth's own e-mail templates do not all turn escaping off: the adapter renders every
    account e-mail's subject and text part as plain text itself."""
    folder = tmp_path / "account" / "email"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello {{ name }}")
    (folder / "hello_message.txt").write_text("Dear {{ name }},")
    (folder / "hello_message.html").write_text("<p>Dear {{ name }},</p>")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    request = RequestFactory().get("/")

    with override_settings(TEMPLATES=templates):
        message = AccountAdapter(request).render_mail(
            "account/email/hello", "someone@example.ch", {"name": NAME}
        )

    assert message.subject == f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Hello {NAME}"
    assert message.body == f"Dear {NAME},"
    assert message.alternatives[0][0] == "<p>Dear O&#x27;Brien &amp; &quot;Sons&quot;,</p>"
