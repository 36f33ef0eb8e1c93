"""The helper app's endpoints (/api/v1/helper/): offers, jobs and the visit, times, earnings —
the same rules as the helper's pages, and only for an approved helper."""

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.models import Booking, BookingEvent, Offer, VisitReport
from helpers.models import AvailabilityWindow, HelperProfile, TimeOff
from payments.ledger import ledger_job
from payments.models import EarningEntry
from tests.api.conftest import token_client
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceFactory,
    TimeOffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Booking.Status
PROBLEM = "application/problem+json"
API = "/api/v1/helper/"


def approved_helper(**fields: Any) -> HelperProfile:
    fields.setdefault("user__preferred_language", "en")
    fields.setdefault("max_jobs_per_day", 10)
    return HelperProfileFactory.create(**fields)


def client_of(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def offer_to(booking: Booking, helper: HelperProfile, **fields: Any) -> Offer:
    now = timezone.now()
    fields.setdefault("sent_at", now)
    fields.setdefault("expires_at", now + timedelta(hours=1))
    return Offer.objects.create(booking=booking, helper=helper, wave=1, score=50,
                                breakdown={"distance_km": 2.5}, **fields)  # fmt: skip


@pytest.fixture
def helper() -> HelperProfile:
    return approved_helper()


@pytest.fixture
def me(helper: HelperProfile) -> APIClient:
    return client_of(helper.user)


@pytest.fixture
def offer(helper: HelperProfile) -> Offer:
    return offer_to(BookingFactory(customer__last_name="Quellenbrunner"), helper)


def soon(helper: HelperProfile, **fields: Any) -> Booking:
    """A confirmed job of the helper starting in an hour (they may set off already)."""
    start = timezone.now() + timedelta(hours=1)
    fields.setdefault("status", S.CONFIRMED)
    return BookingFactory.create(helper=helper, starts_at=start,
                                 ends_at=start + timedelta(hours=1), **fields)  # fmt: skip


# --- who may call ----------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "offers/"), ("post", "offers/{ref}/accept/"), ("post", "offers/{ref}/decline/"),
    ("get", "jobs/"), ("get", "jobs/{ref}/"), ("post", "jobs/{ref}/on-my-way/"),
    ("post", "jobs/{ref}/start/"), ("post", "jobs/{ref}/complete/"),
    ("get", "availability/"), ("put", "availability/"), ("post", "availability/time-off/"),
    ("delete", "availability/time-off/1/"), ("get", "earnings/"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_get_401_customers_and_unapproved_helpers_403(
    method: str, path: str, offer: Offer
) -> None:
    url = API + path.format(ref=offer.booking.reference)
    before = (Offer.objects.get(pk=offer.pk).status, Booking.objects.get().status)

    anonymous = getattr(APIClient(), method)(url, {}, format="json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == PROBLEM

    customer = client_of(UserFactory(preferred_language="en"))
    refused = getattr(customer, method)(url, {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only approved helpers can do this."

    for status in (HelperProfile.Status.APPLIED, HelperProfile.Status.SUSPENDED):
        other = approved_helper(status=status)
        assert getattr(client_of(other.user), method)(url, {}, format="json").status_code == 403
    assert (Offer.objects.get(pk=offer.pk).status, Booking.objects.get().status) == before


def test_an_app_calls_with_its_session_token(helper: HelperProfile, offer: Offer) -> None:
    response = token_client(helper.user).get(API + "offers/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


# --- offers ----------------------------------------------------------------------------------


def test_my_offers_show_the_town_and_my_payout_never_the_street(
    me: APIClient, helper: HelperProfile, offer: Offer
) -> None:
    offer_to(BookingFactory(), approved_helper())  # someone else's
    an_hour_ago = timezone.now() - timedelta(hours=1)
    offer_to(BookingFactory(), helper, sent_at=an_hour_ago - timedelta(minutes=30),
             expires_at=an_hour_ago)  # time up, not yet swept: not shown  # fmt: skip

    response = me.get(API + "offers/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    card = body["results"][0]
    booking = offer.booking
    assert card["reference"] == booking.reference
    assert card["service"] == {"slug": booking.service.slug, "name": "Set up Wi-Fi",
                               "duration_minutes": 60}  # fmt: skip
    assert card["area"] == {"postcode": "8001", "city": "Zürich", "distance_km": 2.5,
                            "outside_area": False}  # fmt: skip
    assert (
        card["payout"] == booking.payout_for(helper.pk) == booking.price_total - booking.commission
    )
    assert card["customer_pays"] == booking.price_total
    raw = response.content.decode()
    assert booking.street not in raw and booking.phone not in raw
    assert "Quellenbrunner" not in raw and booking.visit_code not in raw


def count_queries(call: Callable[[], Any]) -> int:
    call()  # the first request after sign-in also reads the session into the cache
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


def test_the_offers_list_takes_the_same_queries_for_5_and_50(
    me: APIClient, helper: HelperProfile
) -> None:
    service = ServiceFactory()

    def add(count: int) -> None:
        for _ in range(count):
            offer_to(BookingFactory(service=service), helper)

    add(5)
    few = count_queries(lambda: me.get(API + "offers/?page_size=100"))
    add(45)
    many = count_queries(lambda: me.get(API + "offers/?page_size=100"))
    assert me.get(API + "offers/?page_size=100").json()["count"] == 50
    assert few == many


def test_accepting_makes_the_job_mine_with_the_address(
    me: APIClient, helper: HelperProfile, offer: Offer
) -> None:
    rival = offer_to(offer.booking, approved_helper())

    response = me.post(API + f"offers/{offer.booking.reference}/accept/")

    assert response.status_code == 200, response.content
    booking = Booking.objects.get(pk=offer.booking_id)
    assert booking.status == S.CONFIRMED and booking.helper_id == helper.pk
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ACCEPTED
    assert Offer.objects.get(pk=rival.pk).status == Offer.Status.WITHDRAWN
    job = response.json()
    assert job["status"] == "confirmed" and job["address"]["street"] == booking.street
    assert job["phone"] == booking.phone and job["visit_code"] is None
    assert job["customer_first_name"] == booking.customer.first_name
    assert "Quellenbrunner" not in response.content.decode()


def test_someone_elses_offer_is_not_found_and_stays_as_it_was(offer: Offer) -> None:
    other = client_of(approved_helper().user)
    for action in ("accept", "decline"):
        response = other.post(API + f"offers/{offer.booking.reference}/{action}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    assert other.post(API + "offers/NOSUCHREF/accept/").status_code == 404
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING
    assert Booking.objects.get(pk=offer.booking_id).status == S.SEARCHING


def test_a_lost_race_is_a_conflict_with_the_services_reason(
    me: APIClient, helper: HelperProfile, offer: Offer
) -> None:
    faster = approved_helper()
    rival = offer_to(offer.booking, faster)
    won = client_of(faster.user).post(API + f"offers/{rival.booking.reference}/accept/")
    assert won.status_code == 200

    response = me.post(API + f"offers/{offer.booking.reference}/accept/")

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "https://mila.ch/problems/taken"
    assert problem["detail"] == "Someone else took this job."
    assert Booking.objects.get(pk=offer.booking_id).helper_id == faster.pk
    assert BookingEvent.objects.filter(booking=offer.booking, to_status=S.CONFIRMED).count() == 1


def test_declining_with_a_reason_and_a_reason_that_does_not_exist(
    me: APIClient, offer: Offer
) -> None:
    url = API + f"offers/{offer.booking.reference}/decline/"
    wrong = me.post(url, {"reason": "bored"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"reason": ["Please choose one of the reasons, or none."]}
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING

    response = me.post(url, {"reason": "too_far"})

    assert response.status_code == 200
    assert response.json() == {"reference": offer.booking.reference, "status": "declined",
                               "decline_reason": "too_far"}  # fmt: skip
    saved = Offer.objects.get(pk=offer.pk)
    assert (saved.status, saved.decline_reason) == (Offer.Status.DECLINED, "too_far")
    again = me.post(url, {})
    assert again.status_code == 409 and again.json()["detail"] == "You have declined this offer."


# --- jobs ------------------------------------------------------------------------------------


def test_my_jobs_upcoming_with_the_address_and_recent_without(
    me: APIClient, helper: HelperProfile
) -> None:
    upcoming = BookingFactory(helper=helper, status=S.CONFIRMED)
    done = BookingFactory(helper=helper, status=S.COMPLETED,
                          starts_at=timezone.now() - timedelta(days=2),
                          ends_at=timezone.now() - timedelta(days=2, hours=-1))  # fmt: skip
    BookingFactory(status=S.CONFIRMED)  # another helper's

    jobs = me.get(API + "jobs/").json()
    assert [job["reference"] for job in jobs["results"]] == [upcoming.reference]
    card = jobs["results"][0]
    assert card["address"]["street"] == upcoming.street and card["phone"] == upcoming.phone
    assert card["payout"] == upcoming.helper_payout
    assert card["en_route_from"] is not None

    recent = me.get(API + "jobs/?period=recent").json()["results"]
    assert [job["reference"] for job in recent] == [done.reference]
    assert recent[0]["address"] is None and recent[0]["phone"] is None
    assert me.get(API + "jobs/?period=someday").status_code == 400


def test_the_jobs_list_takes_the_same_queries_for_5_and_50(
    me: APIClient, helper: HelperProfile
) -> None:
    service = ServiceFactory()
    start = timezone.now() + timedelta(days=1)

    def add(first: int, count: int) -> None:
        for i in range(first, first + count):
            at = start + timedelta(days=i)
            BookingFactory(service=service, helper=helper, status=S.CONFIRMED, starts_at=at,
                           ends_at=at + timedelta(hours=1))  # fmt: skip

    add(0, 5)
    few = count_queries(lambda: me.get(API + "jobs/?page_size=100"))
    add(5, 45)
    many = count_queries(lambda: me.get(API + "jobs/?page_size=100"))
    assert me.get(API + "jobs/?page_size=100").json()["count"] == 50
    assert few == many


def test_a_job_is_mine_alone(me: APIClient, helper: HelperProfile) -> None:
    mine = soon(helper)
    theirs = BookingFactory(status=S.CONFIRMED)
    searching = BookingFactory()
    offer_to(searching, helper)  # offered, not accepted: not a job

    assert me.get(API + f"jobs/{mine.reference}/").status_code == 200
    for booking in (theirs, searching):
        assert me.get(API + f"jobs/{booking.reference}/").status_code == 404
        response = me.post(API + f"jobs/{booking.reference}/on-my-way/", {"eta_minutes": 15})
        assert response.status_code == 404
    assert Booking.objects.get(pk=theirs.pk).status == S.CONFIRMED


REPORT = {
    "worked_minutes": 90,
    "work_done": "Router moved to the hall, repeater set up.",
    "devices": ["Internet-Box 3", "Fritz!Repeater 1200"],
    "recommendations": "Restart monthly.",
}


def test_the_whole_visit_through_the_api(me: APIClient, helper: HelperProfile) -> None:
    job = soon(helper)
    url = API + f"jobs/{job.reference}/"
    assert me.get(url).json()["visit_code"] is None  # not before the helper is on the way

    assert me.post(url + "on-my-way/", {"eta_minutes": 1}).status_code == 400
    response = me.post(url + "on-my-way/", {"eta_minutes": 15})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "en_route"
    assert response.json()["visit_code"] == job.visit_code
    assert response.json()["eta_at"] is not None

    refused = me.post(url + "start/", {"door_checked": False})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "door_checked": ["Please tell the customer the code at the door first."]
    }
    started = me.post(url + "start/", {"door_checked": True})
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    choices = {d["minutes"]: d for d in started.json()["durations"]}
    assert choices[90] == {"minutes": 90, "extra_time": 3950, "total": 11850}

    sneaky = {**REPORT, "price_total": 1, "price_extra": 0, "status": "completed", "helper": 1}
    done = me.post(url + "complete/", sneaky)

    assert done.status_code == 200, done.content
    booking = Booking.objects.get(pk=job.pk)
    assert booking.status == S.COMPLETED
    assert (booking.price_extra, booking.price_total, booking.worked_minutes) == (3950, 11850, 90)
    assert booking.commission == 2370
    report = VisitReport.objects.get(booking=booking)
    assert report.devices == ["Internet-Box 3", "Fritz!Repeater 1200"]
    body = done.json()
    assert body["report"]["work_done"] == REPORT["work_done"]
    assert body["payout"] == 11850 - 2370
    assert body["address"] is None and body["phone"] is None  # the job has ended

    again = me.post(url + "complete/", REPORT)
    assert again.status_code == 409
    assert again.json()["detail"] == "This visit is already completed."
    assert BookingEvent.objects.filter(booking=booking, to_status=S.COMPLETED).count() == 1


def test_a_step_out_of_order_is_refused_by_the_service(
    me: APIClient, helper: HelperProfile
) -> None:
    job = soon(helper)
    response = me.post(API + f"jobs/{job.reference}/start/", {"door_checked": True})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "First say that you are on your way; then the visit can start at the door."
    )
    assert Booking.objects.get(pk=job.pk).status == S.CONFIRMED


def test_a_report_with_mistakes_lists_them_and_changes_nothing(
    me: APIClient, helper: HelperProfile
) -> None:
    job = soon(helper, status=S.IN_PROGRESS)
    report = {"worked_minutes": 75, "work_done": "Fixed.", "devices": ["x"] * 21}
    response = me.post(API + f"jobs/{job.reference}/complete/", report)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["worked_minutes"] == ["Please choose how long the visit took."]
    assert errors["work_done"] == ["Please write a little more (at least 20 characters)."]
    assert errors["devices"] == ["Please list at most 20 devices."]
    booking = Booking.objects.get(pk=job.pk)
    assert (booking.status, booking.price_total) == (S.IN_PROGRESS, job.price_total)
    assert not VisitReport.objects.exists()


# --- availability ----------------------------------------------------------------------------


def windows_of(helper: HelperProfile) -> list[tuple[int, str, str]]:
    return [(w.weekday, f"{w.starts:%H:%M}", f"{w.ends:%H:%M}")
            for w in AvailabilityWindow.objects.filter(helper=helper)]  # fmt: skip


def test_my_times_are_read_and_replaced(me: APIClient, helper: HelperProfile) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=0, starts=time(8), ends=time(12))
    off = TimeOffFactory(helper=helper)
    TimeOffFactory(
        helper=helper,
        first_day=timezone.localdate() - timedelta(days=9),
        last_day=timezone.localdate() - timedelta(days=2),
    )  # fmt: skip (past)

    shown = me.get(API + "availability/").json()
    assert shown["windows"] == [{"weekday": 0, "starts": "08:00", "ends": "12:00"}]
    assert [entry["id"] for entry in shown["time_off"]] == [off.pk]

    response = me.put(API + "availability/", {"windows": [
        {"weekday": 2, "starts": "08:00", "ends": "12:00"},
        {"weekday": 2, "starts": "12:00", "ends": "16:30"},
        {"weekday": 5, "starts": "09:15", "ends": "11:00"},
    ]})  # fmt: skip

    assert response.status_code == 200, response.content
    assert windows_of(helper) == [(2, "08:00", "16:30"), (5, "09:15", "11:00")]  # joined
    assert response.json()["windows"][0] == {"weekday": 2, "starts": "08:00", "ends": "16:30"}


@pytest.mark.parametrize(
    ("windows", "errors"),
    [
        ([{"weekday": 1, "starts": "08:00", "ends": "12:00"},
          {"weekday": 1, "starts": "11:00", "ends": "14:00"}],
         {"windows": ["Two of your times overlap on the same day. Please join or change them."]}),
        ([{"weekday": 1, "starts": "08:00", "ends": "12:00"},
          {"weekday": 3, "starts": "12:00", "ends": "08:10"}],
         {"windows": ["1: ends: Please use quarter hours, e.g. 08:15.",
                      "1: ends: “Until” must be later than “From” on the same day."]}),
        ([{"weekday": 9, "starts": "05:00", "ends": "23:00"}],
         {"windows": ['0: weekday: "9" is not a valid choice.']}),
        ([{"weekday": 4, "starts": "05:00", "ends": "12:00"}],
         {"windows": ["0: starts: Please choose a time between 06:00 and 22:00."]}),
        ([{"weekday": 4, "starts": "14:00", "ends": "12:00"}],
         {"windows": ["0: ends: “Until” must be later than “From” on the same day."]}),
    ],
)  # fmt: skip
def test_times_with_a_mistake_are_a_400_and_nothing_is_saved(
    me: APIClient, helper: HelperProfile, windows: list[Any], errors: dict[str, Any]
) -> None:
    AvailabilityWindowFactory(helper=helper, weekday=0, starts=time(8), ends=time(12))

    response = me.put(API + "availability/", {"windows": windows})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == errors
    assert windows_of(helper) == [(0, "08:00", "12:00")]


def test_time_off_is_added_and_removed(me: APIClient, helper: HelperProfile) -> None:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    past = me.post(API + "availability/time-off/",
                   {"first_day": str(yesterday), "last_day": str(today)})  # fmt: skip
    assert past.status_code == 400
    assert past.json()["errors"] == {"first_day": ["Time off cannot start in the past."]}
    assert not TimeOff.objects.exists()

    added = me.post(API + "availability/time-off/", {"first_day": str(today + timedelta(days=3)),
                    "last_day": str(today + timedelta(days=5)), "note": "Ferien"})  # fmt: skip
    assert added.status_code == 201
    entry = TimeOff.objects.get(helper=helper)
    assert added.json()["id"] == entry.pk

    theirs = TimeOffFactory(helper=approved_helper())
    assert me.delete(API + f"availability/time-off/{theirs.pk}/").status_code == 404
    assert me.delete(API + f"availability/time-off/{entry.pk}/").status_code == 204
    assert list(TimeOff.objects.all()) == [theirs]


# --- earnings --------------------------------------------------------------------------------


def test_earnings_by_month_are_the_ledger(me: APIClient, helper: HelperProfile) -> None:
    now = timezone.localtime()
    last_month = now.replace(day=1) - timedelta(days=3)
    done = {"helper": helper, "status": S.COMPLETED}
    ledger_job(booking=BookingFactory(**done, price_base=7900, price_surcharge=1580), at=now)
    ledger_job(booking=BookingFactory(**done, price_base=7900), at=last_month)
    BookingFactory(helper=helper, status=S.CONFIRMED, price_base=9900)  # not in the ledger
    ledger_job(booking=BookingFactory(status=S.COMPLETED), at=now)  # another helper's

    body = me.get(API + "earnings/").json()

    mine = EarningEntry.objects.filter(helper=helper)
    assert body["total"] == sum(mine.values_list("amount", flat=True)) == 9480 - 1896 + 7900 - 1580
    assert body["visits"] == 2 and body["currency"] == "CHF"
    assert [m["month"] for m in body["months"]] == [f"{now:%Y-%m}", f"{last_month:%Y-%m}"]
    assert body["months"][0] == {"month": f"{now:%Y-%m}", "visits": 1, "visits_amount": 7584,
                                 "fees": 0, "fees_amount": 0, "refunds_amount": 0,
                                 "total": 7584}  # fmt: skip
    assert body["commission_percent"] == 20


def test_the_helper_endpoints_are_documented(api: APIClient) -> None:
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    accept = schema["paths"]["/api/v1/helper/offers/{reference}/accept/"]["post"]
    assert accept["tags"] == ["helper"]
    assert {"401", "403", "404", "409", "429"} <= set(accept["responses"])
    complete = schema["paths"]["/api/v1/helper/jobs/{reference}/complete/"]["post"]
    assert complete["requestBody"]["content"]["application/json"]["examples"]
    put = schema["paths"]["/api/v1/helper/availability/"]["put"]
    assert "400" in put["responses"]
