"""Staff need an authenticator app before any admin page; the admin login is allauth's."""

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PASSWORD, BookingFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/booking/"


@pytest.mark.parametrize(
    "path", ["/admin/", CHANGELIST, "/admin/helpers/helperprofile/", "/admin/customers/user/"]
)
def test_staff_without_totp_are_sent_to_set_it_up(client: Any, path: str) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=False))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_set_up_totp_and_then_open_the_admin(client: Any) -> None:
    """allauth's own pages, in Mila's layout and German: the password once more, the QR code,
    a code from the app, then the recovery codes; after that the admin opens."""
    staff = UserFactory(is_staff=True, is_superuser=True, totp=False, preferred_language="de")
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get(CHANGELIST, follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert "Zwei-Faktor-Authentifizierung nötig" in response.content.decode()  # why, in German
    reauthenticate = response.redirect_chain[-1][0]  # allauth asks for the password again
    response = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert 'class="account-nav"' in body and "qr-code" in body and "Authenticator-App" in body
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type="recovery_codes").exists()
    assert client.get(CHANGELIST).status_code == 200


def test_an_action_post_without_totp_changes_nothing(client: Any) -> None:
    booking = BookingFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, totp=False))
    response = client.post(CHANGELIST, {"action": "cancel_bookings",
                                        "_selected_action": [booking.pk]})  # fmt: skip
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "searching"


def test_staff_with_totp_open_the_admin(client: Any) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_customers_and_helpers_are_not_asked_for_totp(client: Any) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("customers:profile")).status_code == 200


@pytest.mark.parametrize("path", ["/admin/", CHANGELIST])
def test_anonymous_visitors_are_sent_to_the_login(client: Any, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_non_staff_reach_no_admin_page(client: Any) -> None:
    client.force_login(UserFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(CHANGELIST, follow=True).status_code == 403


def test_staff_log_in_with_password_andtotp_code(client: Any) -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    login = f"{reverse('account_login')}?next={CHANGELIST}"
    response = client.post(login, {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(CHANGELIST).status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == CHANGELIST
    assert client.get(CHANGELIST).status_code == 200


def test_staff_login_keeps_allauths_rate_limit(client: Any) -> None:
    staff = UserFactory(is_staff=True)
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": staff.email, "password": "x"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200  # the right password waits too
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("catalogue")
def test_the_demo_staff_login_has_a_published_authenticator_key(client: Any, capsys: Any) -> None:
    from django.core.management import call_command

    from customers.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: still one authenticator
    assert f"secret={DEMO_TOTP_SECRET}" in capsys.readouterr().out
    assert Authenticator.objects.filter(user__email="admin@mila.example", type="totp").count() == 1
    client.post(
        reverse("account_login"), {"login": "admin@mila.example", "password": DEMO_PASSWORD}
    )
    client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert client.get(CHANGELIST).status_code == 200
