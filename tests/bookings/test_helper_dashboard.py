"""The helper's dashboard: offers to accept or decline (with and without JavaScript), the jobs
they took, the polling, and who may see what."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings.matching.dispatch import matching_advance
from bookings.models import Booking, Offer
from mila.lib.money import format_chf
from payments.ledger import ledger_job
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("bookings:helper_dashboard")
WORK = reverse("bookings:helper_work")
HTMX = {"HTTP_HX_REQUEST": "true"}


def accept_url(booking: Booking) -> str:
    return reverse("bookings:offer_accept", args=[booking.reference])


def decline_url(booking: Booking) -> str:
    return reverse("bookings:offer_decline", args=[booking.reference])


@pytest.fixture
def helper(make_helper) -> Any:
    """A German-speaking helper who reads Mila in English (the texts below are the source)."""
    helper = make_helper(2.1, languages=["de", "en"])
    helper.user.preferred_language = "en"
    helper.user.save()
    return helper


@pytest.fixture
def offer(booking, helper) -> Offer:
    matching_advance(booking_id=booking.pk)
    return Offer.objects.get(booking=booking, helper=helper)


@pytest.fixture
def as_helper(client, helper) -> Any:
    client.force_login(helper.user)
    return client


def page(client: Any, url: str = DASHBOARD) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- what an offer shows -------------------------------------------------------------------------


def test_an_offer_shows_what_to_decide_on_but_not_the_address(as_helper, booking, offer) -> None:
    body = page(as_helper)
    card = body[body.index(f'id="offer-{booking.reference}"') :]
    card = card[: card.index("</li>")]
    assert booking.service.name_en in card
    assert "8001 Zürich" in card
    assert re.search(r"2[.,]1 km", card)
    assert format_chf(booking.helper_payout) in card  # what they earn, after the commission
    assert timezone.localtime(offer.expires_at).strftime("%H:%M") in card
    assert booking.service.category.name_en in card and "you speak German" in card  # why
    assert f'data-countdown="{timezone.localtime(offer.expires_at).isoformat()}"' in card
    for private in (booking.street, booking.customer.last_name, booking.problem, "+41791234567"):
        assert private not in body
    assert 'src="/static/js/countdown.js"' in body


def test_an_offer_a_bit_outside_the_area_says_so(client, booking, make_helper) -> None:
    helper = make_helper(12, radius_km=10)
    helper.user.preferred_language = "en"
    helper.user.save()
    matching_advance(booking_id=booking.pk)
    client.force_login(helper.user)
    assert "a bit outside your area" in page(client)


def test_no_offers_gives_a_friendly_empty_state(as_helper) -> None:
    assert "No offers right now." in page(as_helper)


def test_a_paused_helper_sees_no_offers(as_helper, helper, offer) -> None:
    from helpers.models import HelperProfile

    HelperProfile.objects.filter(pk=helper.pk).update(status="suspended")
    body = page(as_helper)
    assert "No offers while your account is paused." in body
    assert accept_url(offer.booking) not in body


def test_an_expired_offer_is_no_longer_shown(as_helper, offer) -> None:
    Offer.objects.filter(pk=offer.pk).update(
        sent_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now()
    )
    assert accept_url(offer.booking) not in page(as_helper)  # even before the sweep ran


# --- accept and decline --------------------------------------------------------------------------


def test_accept_without_javascript(as_helper, booking, offer, helper) -> None:
    response = as_helper.post(accept_url(booking))
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (Booking.Status.CONFIRMED, helper)
    body = page(as_helper)
    assert "The job is yours!" in body
    job = body[body.index(f'id="job-{booking.reference}"') :]
    assert booking.street in job and booking.customer.first_name in job
    assert f'href="tel:{booking.phone}"' in job
    assert booking.problem in job


def test_accept_with_htmx_answers_with_the_new_list(as_helper, booking, offer) -> None:
    response = as_helper.post(accept_url(booking), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="work"')
    assert "The job is yours!" in body and booking.street in body
    assert accept_url(booking) not in body


def test_someone_else_was_faster(client, booking, helper, make_helper) -> None:
    other = make_helper(2.5)
    matching_advance(booking_id=booking.pk)  # both are in the first wave
    faster = Client()
    faster.force_login(other.user)
    assert faster.post(accept_url(booking)).status_code == 302
    client.force_login(helper.user)
    response = client.post(accept_url(booking), follow=True)
    assert response.status_code == 200
    assert "Someone else took this job." in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["info"]


def test_a_second_click_on_accept_changes_nothing(as_helper, booking, offer) -> None:
    as_helper.post(accept_url(booking))
    response = as_helper.post(accept_url(booking), follow=True)
    assert "You have already accepted this job." in response.content.decode()
    assert booking.events.filter(to_status="confirmed").count() == 1


def test_decline_with_a_reason(as_helper, booking, offer) -> None:
    response = as_helper.post(decline_url(booking), {"reason": "too_far"}, **HTMX)
    assert response.status_code == 200
    assert "Thank you for letting us know." in response.content.decode()
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "too_far")


def test_decline_with_a_made_up_reason_is_refused(as_helper, booking, offer) -> None:
    response = as_helper.post(decline_url(booking), {"reason": "<script>"}, follow=True)
    assert "Please choose one of the reasons, or none." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_a_tampered_form_cannot_accept_for_someone_else(
    as_helper, booking, offer, make_helper
) -> None:
    other = make_helper(3)
    matching_advance(booking_id=booking.pk)
    as_helper.post(accept_url(booking), {"helper": other.pk, "helper_id": other.pk})
    booking.refresh_from_db()
    assert booking.helper == offer.helper  # the logged-in helper, whatever the form says


@pytest.mark.parametrize("url", [accept_url, decline_url])
def test_only_post(as_helper, booking, offer, url: Callable) -> None:
    assert as_helper.get(url(booking)).status_code == 405


# --- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [accept_url, decline_url])
def test_without_an_offer_for_the_booking_it_is_a_404(client, service, make_helper, url) -> None:
    booking = BookingFactory(service=service)
    matching_advance(booking_id=booking.pk)  # offered to nobody: there are no helpers yet
    stranger = make_helper()
    client.force_login(stranger.user)
    assert client.post(url(booking)).status_code == 404
    assert client.post(url(BookingFactory())).status_code == 404


@pytest.mark.parametrize("url", [accept_url, decline_url])
def test_a_customer_without_a_helper_profile_gets_a_404(client, booking, offer, url) -> None:
    client.force_login(booking.customer)
    assert client.post(url(booking)).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, booking, offer) -> None:
    for response in (client.get(DASHBOARD), client.get(WORK), client.post(accept_url(booking))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_work_part_is_a_404_for_someone_who_is_not_a_helper(client) -> None:
    client.force_login(UserFactory())
    assert client.get(WORK).status_code == 404


# --- polling -------------------------------------------------------------------------------------


def test_the_poll_answers_nothing_new_until_something_is_new(as_helper, booking, service) -> None:
    found = re.search(r"helper/work/\?v=(\w+)", page(as_helper))
    assert found
    version = found.group(1)
    assert as_helper.get(WORK, {"v": version}, **HTMX).status_code == 204
    matching_advance(booking_id=booking.pk)  # a new offer arrives
    response = as_helper.get(WORK, {"v": version}, **HTMX)
    assert response.status_code == 200
    assert accept_url(booking) in response.content.decode()
    assert 'hx-trigger="every 10s"' in response.content.decode()


# --- cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_queries_do_not_grow_with_offers_and_jobs(
    client, service, helper, count: int, django_assert_max_num_queries: Callable
) -> None:
    from helpers.models import HelperProfile

    HelperProfile.objects.filter(pk=helper.pk).update(max_jobs_per_day=10)
    start = timezone.now() + timedelta(days=2)
    for i in range(count):
        open_one = BookingFactory(service=service, starts_at=start + timedelta(days=i))
        Offer.objects.create(booking=open_one, helper=helper, wave=1, score=50,
                             breakdown={"distance_km": 1.0},
                             expires_at=timezone.now() + timedelta(hours=1))  # fmt: skip
        BookingFactory(service=service, status="confirmed", helper=helper,
                       starts_at=start + timedelta(days=i, hours=3))  # fmt: skip
    client.force_login(helper.user)
    with django_assert_max_num_queries(12):
        body = page(client)
    assert body.count('class="offer-card') == count
    assert body.count('class="job-card"') == count


def test_earnings_are_the_ledger_this_month_and_in_all(as_helper, helper, settings) -> None:
    """Total less commission per completed visit (the ledger's entries, payments.ledger);
    this month's apart; a free follow-up the helper does for their own visit earns nothing
    (FOLLOW_UP_PAYOUT "others"); a booking not completed is not in the ledger."""
    settings.FOLLOW_UP_PAYOUT = "others"
    now = timezone.localtime()
    last_month = now.replace(day=1) - timedelta(days=3)
    done = {"helper": helper, "status": Booking.Status.COMPLETED}
    ledger_job(booking=BookingFactory(**done, price_base=7900, price_surcharge=1580), at=now)
    earlier = BookingFactory(**done, price_base=7900)
    ledger_job(booking=earlier, at=last_month)
    follow_up = BookingFactory(**done, price_base=0, follow_up_of=earlier,
                               preferred_helper=helper, follow_up_payout=0)  # fmt: skip
    assert ledger_job(booking=follow_up, at=now) is None
    BookingFactory(helper=helper, status=Booking.Status.CONFIRMED, price_base=9900)
    body = page(as_helper)
    earnings = body[body.index('id="earnings"') :]
    assert "Your earnings appear here" not in earnings
    assert format_chf(9480 - 1896) in earnings  # this month: one paid visit
    assert format_chf(9480 - 1896 + 7900 - 1580) in earnings  # since the start
    assert "(1 visit)" in earnings and "(2 visits)" in earnings
    assert reverse("bookings:helper_earnings") in earnings


def test_before_the_first_visit_earnings_say_when_they_appear(as_helper) -> None:
    body = page(as_helper)
    assert "Your earnings appear here after your first visit." in body
