"""The town is the postcode's (issue 9): «8001 Genève» is not an address. The town box is filled
from the postcode (by the server without JavaScript, by htmx as soon as the postcode is known),
a town the postcode does not have is refused with the towns it has, and GeoNames' spelling is
what is stored."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Service, ServiceCategory
from bookings.services import BookingError, BookingRequest, booking_create
from mila.lib import geo
from tests.factories import HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpers_near(catalogue: None) -> None:
    """Someone who does everything, in each town these tests book."""
    for postcode in ("8001", "6900", "1000", "2502", "3000"):
        place = geo.lookup(postcode, "CH")
        assert place is not None
        HelperProfileFactory(lat=place.lat, lng=place.lng, postcode=postcode,
                             skills=list(ServiceCategory.objects.all()))  # fmt: skip


def _address(client: Any, postcode: str, city: str) -> Any:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})
    return client.post(
        reverse("bookings:step", args=["address"]),
        {"street": "Hauptstrasse 1", "postcode": postcode, "city": city, "country": "CH",
         "phone": "079 123 45 67"},
        headers={"accept-language": "en"},
    )  # fmt: skip


# --- The rule, as pure functions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "typed", "town"),
    [
        ("8001", "Zürich", "Zürich"),
        ("8001", " zurich ", "Zürich"),
        ("8001", "ZÜRICH", "Zürich"),
        ("8001", "Genève", None),
        ("9000", "St Gallen", "St. Gallen"),
        ("6900", "massagno", "Massagno"),
        ("1000", "Lausanne", "Lausanne"),  # GeoNames: Lausanne 25, Lausanne 16, …
        ("1000", "lausanne 16", "Lausanne 16"),
        ("2502", "Bienne", "Biel/Bienne"),
        ("3000", "Bern", "Bern"),
        ("3000", "Zürich", None),
    ],
)
def test_a_typed_town_is_one_of_the_postcodes(postcode: str, typed: str, town: str) -> None:
    place = geo.lookup(postcode, "CH")
    assert place is not None
    assert place.town_named(typed) == town


def test_a_postcodes_towns_drop_the_post_office_number() -> None:
    places = {pc: geo.lookup(pc, "CH") for pc in ("8001", "1000", "3000", "6900")}
    assert {pc: p.towns for pc, p in places.items() if p} == {
        "8001": ("Zürich",), "1000": ("Lausanne",), "3000": ("Bern",),
        "6900": ("Lugano", "Massagno", "Paradiso"),
    }  # fmt: skip


# --- The wizard, without JavaScript -------------------------------------------------------


@pytest.mark.usefixtures("helpers_near")
def test_a_town_the_postcode_does_not_have_is_refused(client: Any) -> None:
    response = _address(client, "8001", "Genève")
    assert response.status_code == 200
    assert response.context["form"].errors["city"] == ["8001 is Zürich, not Genève."]
    assert "8001 is Zürich, not Genève." in response.content.decode()
    assert "postcode" not in client.session["booking_draft"]


@pytest.mark.usefixtures("helpers_near")
def test_a_mismatch_with_several_towns_names_them_all(client: Any) -> None:
    response = _address(client, "6900", "Genève")
    assert response.context["form"].errors["city"] == [
        "6900 is one of Lugano, Massagno, Paradiso, not Genève."
    ]


@pytest.mark.usefixtures("helpers_near")
@pytest.mark.parametrize(
    ("postcode", "typed", "stored"),
    [("8001", "", "Zürich"), ("8001", "zurich", "Zürich"), ("1000", "", "Lausanne"),
     ("6900", "MASSAGNO", "Massagno"), ("2502", "biel", "Biel/Bienne")],
)  # fmt: skip
def test_the_town_is_stored_in_geonames_spelling(
    client: Any, postcode: str, typed: str, stored: str
) -> None:
    response = _address(client, postcode, typed)
    assert response.status_code == 302
    assert client.session["booking_draft"]["city"] == stored


@pytest.mark.usefixtures("helpers_near")
def test_an_empty_town_of_a_postcode_with_several_is_for_the_customer_to_choose(
    client: Any,
) -> None:
    response = _address(client, "6900", "")
    assert response.status_code == 200
    assert response.context["form"].errors["city"] == [
        "6900 has more than one town. Please enter yours: Lugano, Massagno, Paradiso."
    ]
    body = response.content.decode()
    for town in ("Lugano", "Massagno", "Paradiso"):
        assert f'<option value="{town}">' in body  # the list to choose from
    assert "postcode" not in client.session["booking_draft"]


@pytest.mark.usefixtures("helpers_near")
def test_a_booking_shows_the_town_it_was_given(client: Any) -> None:
    client.force_login(UserFactory())
    _address(client, "8001", "ZURICH")
    day = timezone.localdate() + timedelta(days=3)
    client.post(reverse("bookings:step", args=["time"]),
                {"timing": "scheduled", "date": day.isoformat(), "time": "10:00"})  # fmt: skip
    form = client.get(reverse("bookings:quote")).context["form"]
    data = {name: form[name].value() for name in form.fields} | {"tier": "friend"}
    client.post(reverse("bookings:quote"), data)
    assert Booking.objects.get().city == "Zürich"


# --- With htmx -----------------------------------------------------------------------------


@pytest.mark.usefixtures("helpers_near")
def test_the_postcode_is_looked_up_on_input_and_change_not_only_keys(client: Any) -> None:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})
    body = client.get(reverse("bookings:step", args=["address"])).content.decode()
    assert 'hx-trigger="input changed delay:300ms, change changed"' in body
    assert "keyup" not in body
    assert '<script src="/static/js/wizard.js" defer></script>' in body


@pytest.mark.parametrize(
    ("postcode", "towns"),
    [("8001", ["Zürich"]), ("6900", ["Lugano", "Massagno", "Paradiso"]), ("1000", ["Lausanne"])],
)
def test_the_lookup_lists_the_towns_for_the_town_box(
    client: Any, postcode: str, towns: list[str]
) -> None:
    response = client.get(
        reverse("bookings:postcode_lookup"), {"postcode": postcode, "country": "CH"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    options = [part.split('"')[0] for part in body.split('<option value="')[1:]]
    assert options == towns


@pytest.mark.usefixtures("helpers_near")
def test_the_page_shows_the_towns_of_the_postcode_it_was_sent_back_with(client: Any) -> None:
    body = _address(client, "8001", "Genève").content.decode()
    assert '<option value="Zürich">' in body
    assert "Postcode 8001: Zürich (ZH)" in body


# --- The service ---------------------------------------------------------------------------


@pytest.mark.usefixtures("helpers_near")
def test_the_service_refuses_a_town_the_postcode_does_not_have() -> None:
    starts_at = (timezone.localtime() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    request = BookingRequest(
        service=Service.objects.get(slug="wifi-setup"), tier="friend", problem="Kein WLAN.",
        street="Bahnhofstrasse 1", postcode="8001", city="Genève", country="CH",
        phone="+41791234567", timing="scheduled", starts_at=starts_at,
    )  # fmt: skip
    with pytest.raises(BookingError) as refused:
        booking_create(customer=UserFactory(), request=request, idempotency_key=uuid.uuid4())
    assert refused.value.code == "city"
    assert str(refused.value.message) == "8001 is Zürich, not Genève."
    assert Booking.objects.count() == 0
