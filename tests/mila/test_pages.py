import pytest
from django.core.management import call_command
from django.urls import reverse

from customers.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "about",
        "imprint",
        "privacy",
        "account_login",
        "account_signup",
        "account_reset_password",
    ],
)
def test_public_pages_render(client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<main id="main"' in body
    assert reverse("about") in body  # footer


def test_about_page_credits_geonames(client) -> None:
    body = client.get(reverse("about")).content.decode()
    assert "GeoNames" in body
    assert "https://creativecommons.org/licenses/by/4.0/" in body


def test_home_leads_to_booking(client) -> None:
    body = client.get(reverse("home")).content.decode()
    assert 'id="how-it-works"' in body
    assert "CHF" in body


def test_unknown_page_is_a_friendly_404(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<main id="main"' in response.content.decode()


def test_robots_txt_keeps_crawlers_out_of_private_pages(client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /bookings/", "Disallow: /helper/"} <= set(lines)
    assert "Disallow: /" not in lines  # the public pages stay findable


def test_the_favicon_is_the_logo(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url.endswith("/img/logo.svg")


def test_pages_use_only_valid_attributes_for_htmx(client) -> None:
    """htmx reads data-hx-*: an hx-headers attribute on <body> is invalid HTML."""
    body = client.get(reverse("home")).content.decode()
    assert "<body data-hx-headers=" in body and " hx-headers=" not in body
    assert 'name="htmx-config" content=\'{"includeIndicatorStyles": false}\'' in body


@pytest.mark.usefixtures("catalogue")
def test_seed_demo_is_idempotent(client, capsys) -> None:
    call_command("seed_demo")
    first = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == first >= 5
    out = capsys.readouterr().out
    assert "admin@mila.example" in out and "mila-demo-2026" in out
    admin = User.objects.get(email="admin@mila.example")
    assert admin.is_staff and admin.is_superuser
    response = client.post(
        reverse("account_login"), {"login": "anna@mila.example", "password": "mila-demo-2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.usefixtures("catalogue")
def test_the_home_page_quotes_the_cheapest_service_and_the_same_payment_terms(client) -> None:
    from bookings.models import Service
    from mila.lib.money import format_chf

    cheapest = min(Service.objects.bookable().values_list("price", flat=True))
    client.cookies["django_language"] = "en"
    home = client.get(reverse("home")).content.decode()
    assert f"From {format_chf(cheapest)} per visit" in home
    assert "CHF 49" not in home
    terms = "You pay after the visit by invoice. Nothing is charged when you book."
    assert terms in home
    service = Service.objects.bookable().first()
    assert service is not None
    page = client.get(reverse("bookings:service", args=[service.slug])).content.decode()
    assert terms in page and "amount is only reserved" not in home + page
