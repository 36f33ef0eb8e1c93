"""Where nobody can come, nothing is booked (issue 9): the wizard says so before the quote and
offers the waitlist; the service refuses an address outside the priced countries or out of every
helper's reach; the waitlist is staff's to read and goes with a deleted account."""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from bookings.matching.coverage import helpers_reach
from bookings.models import Booking, Service, ServiceCategory, WaitlistEntry
from bookings.services import BookingError, BookingRequest, booking_create
from helpers.models import HelperProfile
from mila.lib import geo
from tests.bookings.conftest import north_of_home
from tests.factories import PASSWORD, HelperProfileFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = {"street": "Unter den Linden 1", "postcode": "10117", "city": "", "country": "DE",
          "phone": "079 123 45 67"}  # fmt: skip
GENEVA = {"street": "Rue du Rhône 1", "postcode": "1204", "city": "", "country": "CH",
          "phone": "079 123 45 67"}  # fmt: skip
ZURICH = {"street": "Bahnhofstrasse 1", "postcode": "8001", "city": "", "country": "CH",
          "phone": "079 123 45 67"}  # fmt: skip
ZURICH_8001 = geo.lookup("8001", "CH")


def _helper_at(postcode: str, country: str, **fields: Any) -> HelperProfile:
    place = geo.lookup(postcode, country)
    assert place is not None
    fields.setdefault("skills", list(ServiceCategory.objects.all()))
    helper = HelperProfileFactory(lat=place.lat, lng=place.lng, postcode=postcode,
                                  country=country, **fields)  # fmt: skip
    return HelperProfile.objects.get(pk=helper.pk)


def _to_address_step(client: Any) -> None:
    client.get(reverse("bookings:start", args=["wifi-setup"]))
    client.post(reverse("bookings:step", args=["problem"]), {"problem": "Das WLAN geht nicht."})


def _post_address(client: Any, address: dict[str, str]) -> Any:
    _to_address_step(client)
    return client.post(
        reverse("bookings:step", args=["address"]), address, headers={"accept-language": "en"}
    )


# --- Who covers an address ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "radius", "covered"),
    [(9.9, 10, True), (10.1, 10, False), (29, 30, True), (31, 30, False)],
)
def test_an_address_is_covered_inside_a_helpers_radius(
    service: Service, km: float, radius: int, covered: bool
) -> None:
    lat, lng = north_of_home(km)
    HelperProfileFactory(lat=lat, lng=lng, radius_km=radius, skills=[service.category])
    assert ZURICH_8001 is not None
    assert helpers_reach(service=service, place=ZURICH_8001) is covered


@pytest.mark.parametrize(
    "fields",
    [
        {"status": HelperProfile.Status.SUSPENDED},
        {"status": HelperProfile.Status.APPLIED},
        {"user__is_active": False},
        {"skills": []},
        {"lat": None, "lng": None},
    ],
    ids=["suspended", "applied", "inactive-account", "other-skill", "no-address"],
)
def test_only_approved_helpers_with_the_skill_cover(service: Service, fields: Any) -> None:
    fields = {"skills": [service.category], **fields}
    HelperProfileFactory(**fields)
    assert ZURICH_8001 is not None
    assert helpers_reach(service=service, place=ZURICH_8001) is False


def test_a_pros_only_service_needs_a_pro_nearby(service: Service) -> None:
    pro_only = ServiceFactory(pro_only=True, category=service.category)
    HelperProfileFactory(skills=[service.category])
    assert ZURICH_8001 is not None
    assert helpers_reach(service=pro_only, place=ZURICH_8001) is False
    HelperProfileFactory(skills=[service.category], tier=HelperProfile.Tier.PRO)
    assert helpers_reach(service=pro_only, place=ZURICH_8001) is True


# --- The wizard -----------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue")
def test_berlin_is_not_booked_in_chf_even_with_a_helper_there(client: Any) -> None:
    _helper_at("10117", "DE", radius_km=20)
    response = _post_address(client, BERLIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "We don&#x27;t take bookings in Germany yet." in body
    assert "Tell me by e-mail" in body and reverse("bookings:waitlist") in body
    assert "CHF" not in body
    assert "postcode" not in client.session["booking_draft"]
    assert client.get(reverse("bookings:quote"))["Location"] == reverse(
        "bookings:step", args=["address"]
    )


@pytest.mark.usefixtures("catalogue")
def test_a_country_with_helpers_and_prices_can_be_booked(client: Any, settings: Any) -> None:
    settings.BOOKING_PRICED_COUNTRIES = ["CH", "DE"]
    _helper_at("10117", "DE", radius_km=20)
    response = _post_address(client, BERLIN)
    assert response.status_code == 302
    assert client.session["booking_draft"]["city"] == "Berlin"


@pytest.mark.usefixtures("catalogue")
def test_an_address_out_of_every_helpers_reach_gets_the_waitlist(client: Any) -> None:
    _helper_at("8001", "CH", radius_km=50)  # Zürich is 225 km from Geneva
    response = _post_address(client, GENEVA)
    body = response.content.decode()
    assert response.status_code == 200
    assert "We have no helpers near 1204 yet." in body
    assert "We can't come to 1204 yet" in body
    assert response.context["form"].errors["postcode"] == ["We have no helpers near 1204 yet."]
    assert "postcode" not in client.session["booking_draft"]


@pytest.mark.usefixtures("catalogue")
def test_a_helper_near_by_lets_the_wizard_go_on(client: Any) -> None:
    _helper_at("8001", "CH", radius_km=10)
    response = _post_address(client, ZURICH)
    assert response["Location"] == reverse("bookings:step", args=["time"])
    assert client.session["booking_draft"]["postcode"] == "8001"


@pytest.mark.usefixtures("catalogue")
def test_a_logged_in_customer_finds_their_email_filled_in(client: Any) -> None:
    client.force_login(UserFactory(email="ruth@example.ch"))
    body = _post_address(client, BERLIN).content.decode()
    assert 'value="ruth@example.ch"' in body


# --- The waitlist ---------------------------------------------------------------------------


def _join(client: Any, **data: str) -> Any:
    return client.post(
        reverse("bookings:waitlist"),
        {"email": "Anna@Example.ch", "postcode": "10117", "country": "DE", **data},
        headers={"accept-language": "fr"},
    )


@pytest.mark.usefixtures("catalogue")
def test_signing_up_to_the_waitlist(client: Any) -> None:
    _post_address(client, BERLIN)
    response = _join(client)
    assert response["Location"] == reverse("bookings:step", args=["address"])
    entry = WaitlistEntry.objects.get()
    assert (entry.email, entry.postcode, entry.country, entry.service.slug, entry.language) == (
        "anna@example.ch", "10117", "DE", "wifi-setup", "fr"
    )  # fmt: skip
    page = client.get(response["Location"], headers={"accept-language": "fr"})
    assert "Merci ! Nous écrirons à anna@example.ch" in page.content.decode()


@pytest.mark.usefixtures("catalogue")
def test_signing_up_twice_is_harmless(client: Any) -> None:
    _post_address(client, BERLIN)
    first = _join(client)
    said = [str(m) for m in get_messages(first.wsgi_request)]
    client.get(first["Location"])  # read
    again = _join(client, email=" anna@example.CH ")
    assert first["Location"] == again["Location"]
    assert [str(m) for m in get_messages(again.wsgi_request)] == said
    assert WaitlistEntry.objects.count() == 1


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "Please enter your e-mail address."),
        ({"email": "anna(at)example"}, "Please enter a valid e-mail address"),
        ({"postcode": "99999"}, "We could not tell which address this is for."),
        ({"country": "FR"}, "We could not tell which address this is for."),
    ],
    ids=["no-email", "bad-email", "unknown-postcode", "other-country"],
)
def test_bad_waitlist_input_saves_nothing(client: Any, data: dict[str, str], message: str) -> None:
    _post_address(client, BERLIN)
    response = client.post(
        reverse("bookings:waitlist"),
        {"email": "anna@example.ch", "postcode": "10117", "country": "DE", **data},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert WaitlistEntry.objects.count() == 0


@pytest.mark.usefixtures("catalogue")
def test_the_waitlist_needs_a_booking_in_progress_and_a_post(client: Any) -> None:
    assert _join(client)["Location"] == reverse("bookings:catalogue")
    assert client.get(reverse("bookings:waitlist")).status_code == 405
    assert WaitlistEntry.objects.count() == 0


def test_staff_see_the_waitlist_in_german(client: Any, service: Service) -> None:
    WaitlistEntry.objects.create(email="anna@example.ch", postcode="10117", country="DE",
                                 service=service, language="de")  # fmt: skip
    WaitlistEntry.objects.create(email="beat@example.ch", postcode="1204", country="CH",
                                 service=service, language="fr")  # fmt: skip
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:bookings_waitlistentry_changelist")
    page = client.get(url, headers={"accept-language": "de"}).content.decode()
    assert "Warteliste" in page and "anna@example.ch" in page and "beat@example.ch" in page
    by_country = client.get(url, {"country__exact": "DE"}).content.decode()
    assert "anna@example.ch" in by_country and "beat@example.ch" not in by_country
    found = client.get(url, {"q": "beat"}).content.decode()
    assert "beat@example.ch" in found and "anna@example.ch" not in found


def test_deleting_an_account_deletes_its_waitlist_entries(client: Any, service: Service) -> None:
    me = UserFactory(email="vreni@example.ch")
    WaitlistEntry.objects.create(email="VRENI@example.ch", postcode="10117", country="DE",
                                 service=service, language="de")  # fmt: skip
    WaitlistEntry.objects.create(email="anna@example.ch", postcode="10117", country="DE",
                                 service=service, language="de")  # fmt: skip
    client.force_login(me)
    exported = json.loads(client.get(reverse("customers:export")).content)
    assert [(w["postcode"], w["country"]) for w in exported["waitlist"]] == [("10117", "DE")]
    assert client.post(reverse("customers:delete"), {"password": PASSWORD}).status_code == 302
    assert list(WaitlistEntry.objects.values_list("email", flat=True)) == ["anna@example.ch"]


# --- The service ----------------------------------------------------------------------------


def _request(service: Service, **changes: Any) -> BookingRequest:
    starts_at = (timezone.localtime() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    values: dict[str, Any] = {
        "service": service, "tier": "friend", "problem": "Kein WLAN mehr.",
        "street": "Bahnhofstrasse 1", "postcode": "8001", "city": "", "country": "CH",
        "phone": "+41791234567", "timing": "scheduled", "starts_at": starts_at,
    }  # fmt: skip
    return BookingRequest(**(values | changes))


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ({"street": "Unter den Linden 1", "postcode": "10117", "country": "DE"}, "country"),
        ({"street": "Stephansplatz 1", "postcode": "1010", "country": "AT"}, "country"),
        ({"street": "Rue du Rhône 1", "postcode": "1204"}, "coverage"),
    ],
    ids=["germany", "austria", "geneva"],
)
def test_the_service_refuses_where_nobody_can_come(
    service: Service, address: dict[str, str], code: str
) -> None:
    for postcode, country in (("10117", "DE"), ("1010", "AT"), ("8001", "CH")):
        place = geo.lookup(postcode, country)
        assert place is not None
        HelperProfileFactory(lat=place.lat, lng=place.lng, country=country,
                             skills=[service.category])  # fmt: skip
    with pytest.raises(BookingError) as refused:
        booking_create(customer=UserFactory(), request=_request(service, **address),
                       idempotency_key=uuid.uuid4())  # fmt: skip
    assert refused.value.code == code
    assert Booking.objects.count() == 0


@pytest.mark.usefixtures("catalogue")
def test_confirm_is_refused_when_the_last_helper_left_meanwhile(client: Any) -> None:
    helper = _helper_at("8001", "CH", radius_km=10)
    client.force_login(UserFactory(preferred_language="en"))
    _post_address(client, ZURICH)
    day = timezone.localdate() + timedelta(days=3)
    client.post(reverse("bookings:step", args=["time"]),
                {"timing": "scheduled", "date": day.isoformat(), "time": "10:00"})  # fmt: skip
    quote = client.get(reverse("bookings:quote"))
    form = quote.context["form"]
    HelperProfile.objects.filter(pk=helper.pk).update(status=HelperProfile.Status.SUSPENDED)
    data = {name: form[name].value() for name in form.fields}
    data["tier"] = "friend"
    response = client.post(reverse("bookings:quote"), data, headers={"accept-language": "en"})
    assert Booking.objects.count() == 0
    assert response["Location"] == reverse("bookings:step", args=["address"])
    followed = client.get(response["Location"], headers={"accept-language": "en"})
    assert "We have no helpers near 8001 yet." in followed.content.decode()


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "data",
    [
        {"email": "\x00@example.ch", "postcode": "10117", "country": "DE"},
        {"email": "a@b.ch", "postcode": "1" * 5000, "country": "DE"},
        {"email": "a@b.ch", "postcode": "<script>", "country": "<script>"},
        {"email": ["a@b", "c@d"], "postcode": ["10117", "8001"], "country": ["DE", "CH"]},
        {},
    ],
    ids=["null-byte", "huge", "markup", "repeated", "empty"],
)
def test_junk_on_the_waitlist_is_refused(client: Any, data: dict[str, Any]) -> None:
    _post_address(client, BERLIN)
    response = client.post(reverse("bookings:waitlist"), data)
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode()
    assert WaitlistEntry.objects.count() == 0
