import re

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from customers.models import User
from notifications.models import Notification
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_verify_then_login(client, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Heidi",
                "last_name": "Muster",
                "email": "Heidi@Example.ch",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="heidi@example.ch")
    assert user.first_name == "Heidi"
    assert user.preferred_language == "de"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["heidi@example.ch"]

    # Not verified yet: logging in leads back to the verification notice.
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_url = _link(mail.outbox[-1])
    assert client.get(confirm_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    # First real use of the outbox: a welcome e-mail and an inbox entry.
    welcome = Notification.objects.get(recipient=user, kind=Notification.Kind.WELCOME)
    assert welcome.delivered_at is not None
    assert mail.outbox[-1].to == ["heidi@example.ch"]
    assert "Heidi" in mail.outbox[-1].subject

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("customers:profile")).status_code == 200


def test_confirming_twice_sends_one_welcome(client, django_capture_on_commit_callbacks) -> None:
    user = UserFactory(verified=False)
    from customers.adapter import AccountAdapter

    address = EmailAddress.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        request = client.get("/").wsgi_request
        AccountAdapter(request).confirm_email(request, address)
        AccountAdapter(request).confirm_email(request, address)
    assert Notification.objects.filter(recipient=user, kind="welcome").count() == 1
    assert len(mail.outbox) == 1


def test_sixth_wrong_password_is_blocked(client) -> None:
    user = UserFactory()
    url = reverse("account_login")
    with translation.override("de"):
        blocked = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert blocked not in response.content.decode()
    # The sixth attempt is refused even with the right password.
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert blocked in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_rate_limited_login(client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_does_not_reveal_accounts(client, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.ch")
    url = reverse("account_reset_password")
    responses = []
    for email in ("known@example.ch", "unknown@example.ch"):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(url, {"email": email}))
    known, unknown = responses
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # Both addresses get an e-mail, so timing and inbox reveal nothing either.
    assert [m.to for m in mail.outbox] == [["known@example.ch"], ["unknown@example.ch"]]
    page = client.get(known["Location"])
    assert "known@example.ch" not in page.content.decode()


def test_password_reset_link_sets_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.ch")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = _link(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response["Location"]
    response = client.post(
        form_url, {"password1": "A-new-secret-99", "password2": "A-new-secret-99"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-secret-99")


def test_password_change(client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Other-secret-77", "password2": "Other-secret-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Other-secret-77")


def test_account_emails_are_sent_after_commit_only(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Max",
                "email": "max@example.ch",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert mail.outbox == []
    assert len(callbacks) == 1
