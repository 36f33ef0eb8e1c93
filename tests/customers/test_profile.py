import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_requires_login(client) -> None:
    response = client.get(reverse("customers:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_saves_name_phone_and_language(client) -> None:
    user = UserFactory(first_name="Old")
    client.force_login(user)
    response = client.post(
        reverse("customers:profile"),
        {
            "first_name": "Vreni",
            "last_name": "Huber",
            "phone": "079 123 45 67",
            "preferred_language": "it",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.preferred_language) == ("Vreni", "Huber", "it")
    assert str(user.phone) == "+41791234567"
    page = client.get(reverse("customers:profile"))
    assert page.headers["Content-Language"] == "it"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": "Vreni", "phone": "12", "preferred_language": "de"}, "phone"),
        ({"first_name": "Vreni", "phone": "not a number", "preferred_language": "de"}, "phone"),
        ({"first_name": "", "phone": "", "preferred_language": "de"}, "first_name"),
        ({"first_name": "Vreni", "phone": "", "preferred_language": "xx"}, "preferred_language"),
    ],
)
def test_profile_bad_input_saves_nothing(client, data: dict[str, str], field: str) -> None:
    user = UserFactory(first_name="Old", preferred_language="de")
    client.force_login(user)
    response = client.post(reverse("customers:profile"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, str(user.phone), user.preferred_language) == ("Old", "", "de")
