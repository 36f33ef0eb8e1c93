"""Who may be offered a booking: each rule of the candidate query, and the query against the
readable reference (helpers_available + the exact distance + the pure score)."""

import math
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bookings.matching.candidates import (
    MIN_ROWS,
    Search,
    best_candidates,
    candidates,
    platform_rating_mean,
)
from bookings.matching.scoring import ScoringPolicy, score
from bookings.matching.slots import slots_rebuild_all, slots_refresh
from bookings.models import Booking, HelperSlot, Offer
from helpers.availability import helpers_available
from helpers.models import HelperProfile
from mila.lib import geo
from tests.bookings.conftest import HOME, KM_PER_DEGREE, ZURICH, north_of_home
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceCategoryFactory,
    TimeOffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def search_for(booking: Booking, **changes: Any) -> Search:
    fields = {
        "booking": booking, "start": booking.starts_at, "end": booking.ends_at, "extra_km": 0,
        "now": timezone.now(),
    }  # fmt: skip
    return Search(**{**fields, **changes})


def found(booking: Booking, **changes: Any) -> set[int]:
    return {facts.helper_id for facts in candidates(search_for(booking, **changes))}


# --- the rules, one by one -----------------------------------------------------------------------


def test_an_approved_helper_with_the_skill_and_the_time_is_a_candidate(booking, make_helper):
    helper = make_helper()
    assert found(booking) == {helper.pk}


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_only_approved_helpers(booking, make_helper, status: str) -> None:
    make_helper(status=status)
    assert found(booking) == set()


def test_suspending_takes_a_helper_out_at_once(booking, make_helper) -> None:
    from helpers.services import helper_decide

    helper = make_helper()
    helper_decide(profile=helper, to="suspended", actor=UserFactory(is_staff=True), reason="x")
    assert found(booking) == set()


def test_the_service_category_is_needed_as_a_skill(booking, make_helper) -> None:
    make_helper(skills=[ServiceCategoryFactory()])
    with_it = make_helper()
    assert found(booking) == {with_it.pk}


def test_a_pro_booking_goes_to_pros_only(service, make_helper) -> None:
    friend, pro = make_helper(tier="friend"), make_helper(tier="pro")
    assert found(BookingFactory(service=service, tier="friend")) == {friend.pk, pro.pk}
    assert found(BookingFactory(service=service, tier="pro")) == {pro.pk}


@pytest.mark.parametrize(
    ("km", "radius", "extra", "expected"),
    [
        pytest.param(9.9, 10, 0, True, id="just inside the radius"),
        pytest.param(10.1, 10, 0, False, id="just outside the radius"),
        pytest.param(10.1, 10, 1, True, id="outside, but the wave asks 1 km further"),
        pytest.param(12.5, 10, 3, True, id="3 km extra reaches 12.5 km"),
        pytest.param(49.5, 50, 0, True, id="the widest radius"),
        pytest.param(3.0, 2, 0, False, id="a small radius"),
    ],
)
def test_the_helpers_own_radius_reaches_the_visit(
    booking, make_helper, km: float, radius: int, extra: int, expected: bool
) -> None:
    helper = make_helper(km, radius_km=radius)
    assert (helper.pk in found(booking, extra_km=extra)) is expected


def test_distance_is_measured_east_west_too(booking, make_helper) -> None:
    """A degree of longitude is shorter than one of latitude: 9.9 km east is inside 10 km."""
    inside, outside = make_helper(radius_km=10), make_helper(radius_km=10)
    for helper, km in ((inside, 9.9), (outside, 10.1)):
        helper.lat = HOME[0]
        helper.lng = HOME[1] + km / (KM_PER_DEGREE * math.cos(math.radians(HOME[0])))
        helper.save()
    assert geo.haversine_km(*HOME, inside.lat, inside.lng) == pytest.approx(9.9, abs=0.01)
    assert found(booking) == {inside.pk}


@pytest.mark.parametrize(("km", "expected"), [(9.95, True), (10.05, False)])
def test_on_the_diagonal_the_exact_distance_decides(
    booking, make_helper, km: float, expected: bool
) -> None:
    """North-east the radius-class box reaches further than the circle: only the exact
    distance keeps out a helper 10.05 km away with a 10 km radius."""
    helper = make_helper(radius_km=10)
    step = km / math.sqrt(2)
    helper.lat = HOME[0] + step / KM_PER_DEGREE
    helper.lng = HOME[1] + step / (KM_PER_DEGREE * math.cos(math.radians(HOME[0])))
    helper.save()
    assert geo.haversine_km(*HOME, helper.lat, helper.lng) == pytest.approx(km, abs=0.01)
    assert (helper.pk in found(booking)) is expected


def test_the_visit_must_lie_inside_a_weekly_window(booking, make_helper) -> None:
    local = booking.starts_at.astimezone(ZURICH)
    weekday = local.weekday()
    fits = make_helper(windows=False)
    AvailabilityWindowFactory(helper=fits, weekday=weekday, starts=time(10), ends=time(11))
    too_short = make_helper(windows=False)
    AvailabilityWindowFactory(helper=too_short, weekday=weekday, starts=time(10), ends=time(10, 45))
    other_day = make_helper(windows=False)
    AvailabilityWindowFactory(helper=other_day, weekday=(weekday + 1) % 7, starts=time(7),
                              ends=time(21))  # fmt: skip
    assert found(booking) == {fits.pk}


def test_time_off_that_day(booking, make_helper) -> None:
    day = booking.starts_at.astimezone(ZURICH).date()
    away = make_helper()
    TimeOffFactory(helper=away, first_day=day, last_day=day)
    back = make_helper()
    TimeOffFactory(helper=back, first_day=day - timedelta(days=5), last_day=day - timedelta(1))
    assert found(booking) == {back.pk}


@pytest.mark.parametrize(
    ("status", "offset_minutes", "expected"),
    [
        pytest.param("confirmed", 30, False, id="confirmed, overlapping"),
        pytest.param("en_route", -30, False, id="en route, overlapping"),
        pytest.param("in_progress", 0, False, id="in progress, same time"),
        pytest.param("completed", 0, True, id="completed does not block"),
        pytest.param("confirmed", -60, True, id="ends as the visit starts"),
        pytest.param("confirmed", 60, True, id="starts as the visit ends"),
    ],
)
def test_other_jobs_at_that_time(
    booking, make_helper, status: str, offset_minutes: int, expected: bool
) -> None:
    helper = make_helper(max_jobs_per_day=5)
    start = booking.starts_at + timedelta(minutes=offset_minutes)
    BookingFactory(
        status=status, helper=helper, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert (helper.pk in found(booking)) is expected


@pytest.mark.parametrize(("maximum", "expected"), [(3, True), (2, False), (1, False)])
def test_the_daily_maximum(booking, make_helper, maximum: int, expected: bool) -> None:
    """Jobs that day count, the ones already done too; a cancelled one does not."""
    helper = make_helper(max_jobs_per_day=maximum)
    earlier = booking.starts_at - timedelta(hours=2)
    BookingFactory(status="confirmed", helper=helper, starts_at=earlier,
                   ends_at=earlier + timedelta(hours=1))  # fmt: skip
    BookingFactory(status="completed", helper=helper, starts_at=earlier - timedelta(hours=2),
                   ends_at=earlier - timedelta(hours=1))  # fmt: skip
    BookingFactory(status="cancelled", helper=helper, starts_at=earlier - timedelta(hours=1))
    assert (helper.pk in found(booking)) is expected


def test_asked_in_this_search_but_not_in_an_earlier_one(booking, make_helper) -> None:
    asked_now, asked_before, never = make_helper(), make_helper(), make_helper()
    now = timezone.now()
    Booking.objects.filter(pk=booking.pk).update(searching_at=now - timedelta(minutes=10))
    booking.refresh_from_db()
    for helper, sent in ((asked_now, now), (asked_before, now - timedelta(days=1))):
        Offer.objects.create(booking=booking, helper=helper, wave=1, score=1, sent_at=sent,
                             expires_at=sent + timedelta(hours=1))  # fmt: skip
    assert found(booking) == {asked_before.pk, never.pk}
    assert found(booking, include_asked=True) == {asked_now.pk, asked_before.pk, never.pk}


def test_never_the_customer_themself(service, make_helper) -> None:
    helper = make_helper()
    assert found(BookingFactory(service=service, customer=helper.user)) == set()


def test_a_visit_across_midnight_has_nobody(booking, make_helper) -> None:
    make_helper()
    late = datetime.combine(booking.starts_at.astimezone(ZURICH).date(), time(23, 30),
                            tzinfo=ZURICH)  # fmt: skip
    assert found(booking, start=late, end=late + timedelta(hours=1)) == set()


def test_the_facts_come_back_with_the_candidate(service, booking, make_helper) -> None:
    helper = make_helper(2.0, radius_km=15, languages=["fr", "de"], acceptance_rate=0.8,
                         rating_average=Decimal("4.60"), rating_count=7)  # fmt: skip
    for days in (1, 20):  # one recent job, one older: only the first counts as recent
        when = timezone.now() - timedelta(days=days)
        BookingFactory(service=service, helper=helper, status="completed", starts_at=when,
                       confirmed_at=when)  # fmt: skip
    BookingFactory(helper=helper, status="completed")  # another category, taken today
    slots_refresh([helper.pk])  # the visits were written directly, not completed by a service
    facts = candidates(search_for(booking))
    assert len(facts) == 1
    got = facts[0]
    assert got.distance_km == pytest.approx(2.0, abs=0.01)
    assert (got.radius_km, got.rating_average, got.rating_count) == (15, 4.6, 7)
    assert (got.acceptance_rate, got.languages) == (0.8, ("fr", "de"))
    assert (got.category_jobs, got.recent_jobs) == (2, 2)


def test_best_candidates_are_the_top_k_by_the_full_score(booking, make_helper) -> None:
    helpers = [make_helper(km) for km in (0.5, 1, 2, 4, 8, 16)]
    best = best_candidates(search_for(booking), k=3)
    assert [s.facts.helper_id for s in best] == [h.pk for h in helpers[:3]]


def _busy_lately(helper: HelperProfile, service: Any) -> None:
    when = timezone.now() - timedelta(days=2)
    BookingFactory(service=service, helper=helper, status="completed",
                   starts_at=when - timedelta(days=1), confirmed_at=when)  # fmt: skip


def test_a_helper_far_down_the_first_rows_still_wins_on_fairness(
    booking, make_helper, service, settings, django_assert_num_queries: Callable
) -> None:
    """The database walks the helpers in the order of their score without recent jobs and
    stops after a few rows; a helper below them who took no job lately can still be the best,
    so a second look fetches everyone whose bound reaches the k-th score."""
    settings.MATCHING_FAIRNESS_JOBS = 1  # one recent job takes the whole boost
    near = [make_helper(1 + i / 100) for i in range(MIN_ROWS + 1)]  # bound order: by distance
    for helper in near:
        _busy_lately(helper, service)
    fresh = make_helper(3.0)  # 6.25 points less for the distance, 15 more for fairness
    platform_rating_mean()
    with django_assert_num_queries(3):  # customer a helper? the first rows, the second look
        chosen = best_candidates(search_for(booking), k=5)
    assert [s.facts.helper_id for s in chosen] == [fresh.pk] + [h.pk for h in near[:4]]


def test_no_second_look_when_nobody_below_can_reach_the_kth_score(
    booking, make_helper, django_assert_num_queries: Callable
) -> None:
    helpers = [make_helper(1 + i / 100) for i in range(MIN_ROWS + 1)]
    platform_rating_mean()
    with django_assert_num_queries(2):
        chosen = best_candidates(search_for(booking), k=5)
    assert [s.facts.helper_id for s in chosen] == [h.pk for h in helpers[:5]]


def test_helpers_in_many_windows_around_the_visit_do_not_hide_the_others(
    booking, make_helper
) -> None:
    """Four helpers with five overlapping windows each fill the first 20 rows; the fifth
    helper, further away, is still found."""
    weekday = booking.starts_at.astimezone(ZURICH).weekday()
    crowded = [make_helper(1 + i / 100, windows=False) for i in range(4)]
    for helper in crowded:
        for opens in (time(7), time(8), time(9), time(9, 30), time(10)):
            AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=opens,
                                      ends=time(12))  # fmt: skip
    slots_refresh([helper.pk for helper in crowded])
    further = make_helper(5)
    chosen = best_candidates(search_for(booking), k=5)
    assert [s.facts.helper_id for s in chosen] == [h.pk for h in crowded] + [further.pk]


def test_two_queries_whatever_the_number_of_helpers(
    booking, make_helper, django_assert_num_queries: Callable
) -> None:
    for km in range(1, 12):
        make_helper(km * 0.7)
    platform_rating_mean()  # cached, as it is for every wave after the first
    with django_assert_num_queries(2):  # is the customer a helper? then the search itself
        assert len(candidates(search_for(booking))) == 11


# --- against the reference -----------------------------------------------------------------------


def _random_world(rng: random.Random, service: Any, day: date) -> None:
    """Helpers around Zürich with random radii, times, skills, tiers, time off and jobs."""
    other = ServiceCategoryFactory()
    for _ in range(60):
        lat = HOME[0] + rng.uniform(-0.35, 0.35)
        lng = HOME[1] + rng.uniform(-0.5, 0.5)
        helper = HelperProfileFactory(
            lat=lat, lng=lng, radius_km=rng.choice([3, 5, 8, 10, 15, 20, 30, 50]),
            tier=rng.choice(["friend", "pro"]), max_jobs_per_day=rng.choice([1, 2, 3]),
            status=rng.choice(["approved"] * 5 + ["suspended"]),
            languages=rng.sample(["de", "fr", "it", "en"], k=rng.randint(1, 2)),
            rating_average=Decimal(str(round(rng.uniform(3, 5), 2))),
            rating_count=rng.choice([0, 1, 5, 40]),
            acceptance_rate=rng.choice([None, 0.3, 0.9]),
            skills=rng.sample([service.category, other], k=rng.randint(1, 2)),
        )  # fmt: skip
        for weekday in rng.sample(range(7), k=rng.randint(1, 5)):
            starts = time(rng.choice([7, 8, 9, 10, 13]))
            AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=starts,
                                      ends=time(starts.hour + rng.choice([1, 3, 5])))  # fmt: skip
        if rng.random() < 0.15:
            TimeOffFactory(helper=helper, first_day=day, last_day=day)
        if rng.random() < 0.3:
            start = datetime.combine(day, time(rng.choice([8, 10, 14])), tzinfo=ZURICH)
            BookingFactory(status="confirmed", helper=helper, starts_at=start)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_query_agrees_with_the_readable_rules(service, seed: int) -> None:
    rng = random.Random(seed)
    customer = UserFactory(preferred_language=rng.choice(["de", "fr"]))
    # Always a Monday, so the seeded world is the same whatever day the suite runs on.
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(0 - day.weekday()) % 7)
    start = datetime.combine(day, time(10), tzinfo=ZURICH)
    _random_world(rng, service, start.date())
    found: set[int] = set()
    for tier in ("friend", "pro"):
        booking = BookingFactory(service=service, tier=tier, customer=customer, starts_at=start,
                                 ends_at=start + timedelta(hours=1))  # fmt: skip
        for extra in (0, 6):
            search = search_for(booking, extra_km=extra)
            expected = {
                h.pk
                for h in helpers_available(start=booking.starts_at, end=booking.ends_at)
                if service.category in h.skills.all()
                and (tier == "friend" or h.tier == "pro")
                and geo.haversine_km(*HOME, h.lat, h.lng) <= h.radius_km + extra
            }
            assert {f.helper_id for f in candidates(search)} == expected
            found |= expected
    assert found, "the random world should have candidates"


def test_the_database_scores_like_the_pure_function(service) -> None:
    rng = random.Random(7)
    # Always a Monday, so the seeded world is the same whatever day the suite runs on.
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(0 - day.weekday()) % 7)
    start = datetime.combine(day, time(10), tzinfo=ZURICH)
    _random_world(rng, service, start.date())
    for helper in HelperProfile.objects.approved()[:20]:  # some history for the counted parts
        BookingFactory(service=service, helper=helper, status="completed",
                       confirmed_at=timezone.now() - timedelta(days=2),
                       starts_at=start - timedelta(days=rng.randint(1, 9)))  # fmt: skip
    booking = BookingFactory(service=service, starts_at=start, ends_at=start + timedelta(hours=1))
    search = search_for(booking, extra_km=6)
    from bookings.matching import candidates as module

    rows = module._query(search, None)
    assert rows
    policy, mean = ScoringPolicy.from_settings(), platform_rating_mean()
    language = booking.customer.preferred_language
    for row in rows:
        pure = score(module._facts(row), customer_language=language, prior_mean=mean,
                     policy=policy)  # fmt: skip
        assert row[-1] == pytest.approx(pure.total, abs=1e-9)
    totals = [row[-1] for row in rows]
    assert totals == sorted(totals, reverse=True)


# --- the read model ------------------------------------------------------------------------------


def test_windows_that_start_together_make_one_slot_as_long_as_the_longest(
    booking, make_helper
) -> None:
    """Only written past the forms (they merge overlapping windows), but a rebuild must not
    fail on them: the helper's every later change would."""
    helper = make_helper(windows=False)
    weekday = booking.starts_at.astimezone(ZURICH).weekday()
    for closes in (time(10, 30), time(12)):
        AvailabilityWindowFactory(helper=helper, weekday=weekday, starts=time(9), ends=closes)
    slots_refresh([helper.pk])
    slots = HelperSlot.objects.filter(helper=helper, weekday=weekday)
    assert [(s.starts, s.ends) for s in slots] == [(time(9), time(12))]
    assert found(booking) == {helper.pk}  # 10:00–11:00 fits the longer one


def test_slots_follow_the_helper(booking, make_helper, service) -> None:
    from helpers.availability import Window
    from helpers.services import availability_set_windows

    helper = make_helper()
    assert HelperSlot.objects.filter(helper=helper).count() == 7  # one skill x seven windows
    helper.skills.add(ServiceCategoryFactory())
    assert HelperSlot.objects.filter(helper=helper).count() == 14
    availability_set_windows(profile=helper, windows=[Window(0, time(8), time(12))])
    assert HelperSlot.objects.filter(helper=helper).count() == 2
    helper.radius_km = 3
    helper.save()
    assert set(HelperSlot.objects.filter(helper=helper).values_list("radius_km", "reach_km")) == {
        (3, 5)
    }
    helper.skills.clear()
    assert not HelperSlot.objects.filter(helper=helper).exists()


def test_a_completed_visit_counts_as_experience(service, booking, make_helper) -> None:
    from bookings.services import booking_transition

    helper = make_helper()
    visit = BookingFactory(service=service, helper=helper, status="in_progress",
                           starts_at=booking.starts_at - timedelta(days=1))  # fmt: skip
    booking_transition(booking=visit, to="completed", actor=helper.user, role="helper")
    assert candidates(search_for(booking))[0].category_jobs == 1


def test_rebuilding_all_slots_gives_the_same_rows(make_helper) -> None:
    for km in (1, 2, 3):
        make_helper(km)
    before = sorted(HelperSlot.objects.values_list("helper", "category", "weekday", "starts"))
    assert slots_rebuild_all() == len(before) == 21
    assert sorted(HelperSlot.objects.values_list("helper", "category", "weekday", "starts")) == (
        before
    )


def test_north_of_home_is_that_far() -> None:
    assert geo.haversine_km(*HOME, *north_of_home(7.5)) == pytest.approx(7.5, abs=1e-6)
