"""Every rule of writing, changing, answering, reporting and moderating a review, and the
helper's aggregates after each change (always equal to a recompute from scratch)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import HelperSlot
from helpers.models import HelperProfile
from notifications.models import Notification
from reviews.models import Review, ReviewEvent
from reviews.services import (
    ReviewError,
    review_create,
    review_edit,
    review_hide,
    review_reply,
    review_report,
    review_restore,
)
from tests.factories import (
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    UserFactory,
)
from tests.reviews.conftest import assert_no_drift, completed

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def staff(db: None) -> Any:
    return UserFactory(is_staff=True, is_superuser=True)


def helper_of(booking: Any) -> HelperProfile:
    return HelperProfile.objects.get(pk=booking.helper_id)


def rate(booking: Any, stars: Any = 5, comment: str = "", **kwargs: Any) -> Review:
    return review_create(booking=booking, user=booking.customer, stars=stars, comment=comment,
                         **kwargs)  # fmt: skip


def test_the_customer_rates_a_completed_visit(booking: Any) -> None:
    review = rate(booking, 4, "  Sehr geduldig.  ")
    assert (review.stars, review.comment, review.status) == (4, "Sehr geduldig.", "published")
    helper = helper_of(booking)
    assert (helper.rating_count, helper.rating_average) == (1, Decimal("4.00"))
    assert helper.rating_distribution == [0, 0, 0, 1, 0]
    assert helper.category_ratings == {str(booking.service.category_id): [4, 1]}
    assert list(review.events.values_list("kind", "actor")) == [("created", booking.customer_id)]
    assert_no_drift()


@pytest.mark.parametrize("status", ["confirmed", "en_route", "in_progress"])
def test_only_a_completed_visit_can_be_rated(db: None, status: str) -> None:
    booking = BookingFactory(status=status)
    with pytest.raises(ReviewError, match="once it is completed"):
        rate(booking)
    assert Review.objects.count() == 0


@pytest.mark.parametrize("status", ["searching", "cancelled", "unfulfilled"])
def test_a_visit_nobody_did_cannot_be_rated(db: None, status: str) -> None:
    with pytest.raises(ReviewError):
        rate(BookingFactory(status=status))
    assert Review.objects.count() == 0


def test_someone_else_cannot_rate_the_visit(booking: Any) -> None:
    with pytest.raises(ReviewError) as error:
        review_create(booking=booking, user=UserFactory(), stars=5)
    assert error.value.code == "refused"
    assert Review.objects.count() == 0


def test_a_visit_is_rated_once(booking: Any) -> None:
    rate(booking, 5)
    with pytest.raises(ReviewError, match="already rated") as error:
        rate(booking, 1)
    assert error.value.code == "already"
    assert helper_of(booking).rating_count == 1


def test_the_database_refuses_a_second_review_of_a_booking(booking: Any) -> None:
    review = rate(booking)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(booking=booking, author=review.author, helper=review.helper,
                              stars=3)  # fmt: skip


def test_a_visit_can_be_rated_for_30_days(booking: Any) -> None:
    late = booking.completed_at + timedelta(days=30, minutes=1)
    with pytest.raises(ReviewError, match="30 days"):
        rate(booking, now=late)
    rate(booking, now=booking.completed_at + timedelta(days=29, hours=23))


@pytest.mark.parametrize("stars", [0, 6, -1, "x", "", None, "4.5", "3.0", True])
def test_stars_outside_1_to_5_are_refused(booking: Any, stars: Any) -> None:
    with pytest.raises(ReviewError, match="1 to 5 stars"):
        rate(booking, stars)
    assert Review.objects.count() == 0
    assert helper_of(booking).rating_count == 0


def test_the_database_refuses_stars_outside_1_to_5(booking: Any) -> None:
    for stars in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(booking=booking, author=booking.customer,
                                  helper=booking.helper, stars=stars)  # fmt: skip


def test_a_helper_cannot_rate_their_own_job_from_their_account(db: None) -> None:
    helper = HelperProfileFactory()
    booking = completed(customer=helper.user, helper=helper)
    with pytest.raises(ReviewError, match="you did yourself"):
        rate(booking)
    assert Review.objects.count() == 0


def test_a_helper_cannot_rate_their_own_job_through_a_second_account(booking: Any) -> None:
    """The second account is not the booking's customer: refused like anyone else."""
    second_account = UserFactory(first_name=booking.helper.user.first_name)
    with pytest.raises(ReviewError):
        review_create(booking=booking, user=second_account, stars=5)
    with pytest.raises(ReviewError):
        review_create(booking=booking, user=booking.helper.user, stars=5)
    assert Review.objects.count() == 0


def test_a_comment_of_10000_characters_is_refused(booking: Any) -> None:
    with pytest.raises(ReviewError, match="2000 characters"):
        rate(booking, 5, "x" * 10_000)
    assert Review.objects.count() == 0
    rate(booking, 5, "x" * 2000)


def test_the_author_may_change_the_review_for_48_hours(booking: Any) -> None:
    review = rate(booking, 2, "Zu spät.")
    review = review_edit(review=review, user=booking.customer, stars=4, comment="Doch gut.")
    helper = helper_of(booking)
    assert (review.stars, review.comment, review.edited_at is not None) == (4, "Doch gut.", True)
    assert (helper.rating_count, helper.rating_average) == (1, Decimal("4.00"))
    assert helper.rating_distribution == [0, 0, 0, 1, 0]
    assert_no_drift()
    with pytest.raises(ReviewError, match="48 hours"):
        review_edit(review=review, user=booking.customer, stars=5,
                    now=review.created_at + timedelta(hours=48, minutes=1))  # fmt: skip
    with pytest.raises(ReviewError):
        review_edit(review=review, user=booking.helper.user, stars=5)
    assert Review.objects.get().stars == 4


def test_the_helper_replies_once(booking: Any) -> None:
    review = rate(booking, 3)
    with pytest.raises(ReviewError):
        review_reply(review=review, user=booking.customer, text="Ich antworte mir.")
    with pytest.raises(ReviewError, match="write your reply"):
        review_reply(review=review, user=booking.helper.user, text="   ")
    with pytest.raises(ReviewError, match="1000 characters"):
        review_reply(review=review, user=booking.helper.user, text="y" * 1001)
    review = review_reply(review=review, user=booking.helper.user, text="Danke!")
    assert (review.reply, review.replied_at is not None) == ("Danke!", True)
    with pytest.raises(ReviewError, match="already replied") as error:
        review_reply(review=review, user=booking.helper.user, text="Noch einmal.")
    assert error.value.code == "already"
    assert Review.objects.get().reply == "Danke!"


def test_the_helper_reports_a_review_it_stays_visible_and_counted(booking: Any, staff: Any) -> None:
    review = rate(booking, 1, "Unverschämt!")
    with pytest.raises(ReviewError, match="say what is wrong"):
        review_report(review=review, user=booking.helper.user, reason="")
    review = review_report(review=review, user=booking.helper.user, reason="Beleidigend.")
    assert review.status == "flagged"
    assert Review.objects.visible().count() == 1
    assert helper_of(booking).rating_count == 1
    assert Notification.objects.filter(kind=Kind.STAFF_REVIEW_FLAGGED, recipient=staff).exists()
    event = review.events.get(kind="reported")
    assert (event.actor, event.reason) == (booking.helper.user, "Beleidigend.")


def test_nobody_reports_their_own_review_or_one_of_another_visit(booking: Any) -> None:
    review = rate(booking)
    with pytest.raises(ReviewError, match="your own review"):
        review_report(review=review, user=booking.customer, reason="Aus Versehen.")
    with pytest.raises(ReviewError):
        review_report(review=review, user=UserFactory(), reason="Spam.")
    assert Review.objects.get().status == "published"


def test_staff_hide_with_a_reason_the_review_leaves_the_aggregates(
    booking: Any, staff: Any
) -> None:
    other = completed(helper=booking.helper)
    rate(other, 5)
    review = rate(booking, 1, "Beleidigung")
    assert helper_of(booking).rating_average == Decimal("3.00")
    with pytest.raises(ReviewError, match="reason"):
        review_hide(review=review, user=staff, reason="  ")
    assert Review.objects.get(pk=review.pk).status == "published"
    review = review_hide(review=review, user=staff, reason="Beleidigend")
    helper = helper_of(booking)
    assert (review.status, helper.rating_count, helper.rating_average) == ("hidden", 1, 5)
    assert Review.objects.visible().filter(pk=review.pk).count() == 0
    told = Notification.objects.filter(kind=Kind.REVIEW_HIDDEN)
    assert set(told.values_list("recipient", flat=True)) == {
        booking.customer_id,
        booking.helper.user_id,
    }
    assert told.get(recipient=booking.customer).context["reason"] == "Beleidigend"
    assert_no_drift()

    review = review_restore(review=review, user=staff)
    helper = helper_of(booking)
    assert (review.status, helper.rating_count, helper.rating_average) == ("published", 2, 3)
    assert Notification.objects.filter(kind=Kind.REVIEW_RESTORED).count() == 2
    assert list(review.events.values_list("kind", flat=True)) == ["created", "hidden", "restored"]
    assert review.events.get(kind="hidden").actor == staff
    assert_no_drift()


def test_only_staff_who_may_change_reviews_moderate(booking: Any) -> None:
    review = rate(booking)
    for user in (booking.customer, booking.helper.user, UserFactory(is_staff=True)):
        with pytest.raises(ReviewError, match="Mila team"):
            review_hide(review=review, user=user, reason="Nein")
    assert Review.objects.get().status == "published"


def test_a_hidden_review_cannot_be_changed_or_hidden_twice(booking: Any, staff: Any) -> None:
    review = rate(booking)
    review_hide(review=review, user=staff, reason="Spam")
    with pytest.raises(ReviewError, match="hidden"):
        review_edit(review=review, user=booking.customer, stars=1)
    with pytest.raises(ReviewError, match="already hidden"):
        review_hide(review=review, user=staff, reason="Spam")


def test_the_scenario_of_creates_edits_hides_restores_leaves_no_drift(staff: Any, db: None) -> None:
    helpers = [HelperProfileFactory(), HelperProfileFactory()]
    reviews = []
    for number in range(8):
        booking = completed(helper=helpers[number % 2])
        reviews.append(rate(booking, number % 5 + 1, f"Besuch {number}"))
        assert_no_drift()
    review_edit(review=reviews[0], user=reviews[0].author, stars=5)
    assert_no_drift()
    review_hide(review=reviews[1], user=staff, reason="Spam")
    review_hide(review=reviews[2], user=staff, reason="Spam")
    assert_no_drift()
    review_restore(review=reviews[1], user=staff)
    review_report(review=reviews[3], user=reviews[3].helper.user, reason="Falsch")
    review_restore(review=reviews[3], user=staff)  # reported, then kept: counted all along
    assert_no_drift()
    counted = Review.objects.counted()
    for helper in helpers:
        helper.refresh_from_db()
        mine = [r.stars for r in counted.filter(helper=helper)]
        assert helper.rating_count == len(mine)
        assert helper.rating_average == Decimal(sum(mine) / len(mine)).quantize(Decimal("0.01"))


def test_recompute_corrects_a_drifted_helper(booking: Any) -> None:
    from reviews.ratings import ratings_recompute

    rate(booking, 5)
    HelperProfile.objects.filter(pk=booking.helper_id).update(rating_count=7)
    result = ratings_recompute(fix=True)
    assert result.drifted == [booking.helper_id]
    assert helper_of(booking).rating_count == 1
    assert_no_drift()


def test_matching_slots_follow_the_rating_in_the_same_transaction(booking: Any) -> None:
    AvailabilityWindowFactory(helper=booking.helper)
    booking.helper.skills.add(booking.service.category)
    rate(booking, 4)
    slots = HelperSlot.objects.filter(helper=booking.helper)
    assert slots.exists()
    assert set(slots.values_list("rating_count", "rating_average")) == {(1, Decimal("4.00"))}


def test_a_rating_change_forgets_the_cached_platform_mean(booking: Any) -> None:
    from django.core.cache import cache

    from bookings.matching.candidates import RATING_MEAN_CACHE_KEY, platform_rating_mean

    platform_rating_mean()
    assert cache.get(RATING_MEAN_CACHE_KEY) is not None
    rate(booking, 1)
    assert cache.get(RATING_MEAN_CACHE_KEY) is None


def test_completing_a_visit_asks_the_customer_to_rate_it(db: None) -> None:
    from bookings.services.visit import VisitReportInput, visit_complete

    start = timezone.now() - timedelta(hours=1)
    booking = BookingFactory(
        status="in_progress", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    visit_complete(booking=booking, user=booking.helper.user, worked_minutes=60,
                   report=VisitReportInput("Router neu gestartet und eingerichtet."))  # fmt: skip
    asked = Notification.objects.get(kind=Kind.REVIEW_REQUEST)
    assert asked.recipient == booking.customer
    assert asked.context["review_days"] == 30


def test_every_step_is_in_the_log(booking: Any, staff: Any) -> None:
    review = rate(booking, 2)
    review_edit(review=review, user=booking.customer, stars=3)
    review_reply(review=review, user=booking.helper.user, text="Danke")
    review_report(review=review, user=booking.helper.user, reason="Unfair")
    review_hide(review=review, user=staff, reason="Unfair")
    review_restore(review=review, user=staff, reason="Doch fair")
    kinds = list(ReviewEvent.objects.filter(review=review).values_list("kind", flat=True))
    assert kinds == ["created", "edited", "replied", "reported", "hidden", "restored"]


def test_the_recompute_command_reports_drift_and_exits_1_with_check(booking: Any) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    rate(booking, 4)
    out = StringIO()
    call_command("recompute_ratings", "--check", stdout=out)
    assert "drifted: 0" in out.getvalue()
    HelperProfile.objects.filter(pk=booking.helper_id).update(rating_distribution=[9, 0, 0, 0, 0])
    with pytest.raises(CommandError) as error:
        call_command("recompute_ratings", "--check", stdout=StringIO())
    assert error.value.returncode == 1
    call_command("recompute_ratings", stdout=out)
    assert "corrected" in out.getvalue()
    assert_no_drift()


def test_the_demo_reviews_leave_no_drift(db: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Review.objects.count() >= 8
    assert Review.objects.filter(status="flagged").count() == 1
    assert Review.objects.filter(stars__lte=3).exists()
    assert_no_drift()
