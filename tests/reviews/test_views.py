"""The review pages: the customer rates from the booking page, the helper replies or reports
from the job page, the public profile shows the reviews, staff moderate in the admin; bad
input shows a message and saves nothing; a comment's HTML is escaped everywhere."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from helpers.models import HelperProfile
from reviews.models import Review
from reviews.selectors import category_ratings
from reviews.services import review_create, review_hide
from tests.factories import ServiceCategoryFactory, ServiceFactory
from tests.mila.test_html_valid import problems_in
from tests.reviews.conftest import assert_no_drift, completed, en_helper, en_user

pytestmark = pytest.mark.django_db
HTML = '<script>alert("x")</script><b>fett</b>'


def review_url(booking: Any) -> str:
    return reverse("reviews:review", args=[booking.reference])


def detail(booking: Any) -> str:
    return reverse("bookings:detail", args=[booking.reference])


def public(helper: HelperProfile) -> str:
    return reverse("helpers:public", args=[helper.public_id])


def rate(helper: HelperProfile, category: Any, *stars: int) -> list[Review]:
    """One visit in ``category`` rated by a customer per number of stars."""
    reviews = []
    for value in stars:
        b = completed(helper=helper, service=ServiceFactory(category=category))
        reviews.append(review_create(booking=b, user=b.customer, stars=value))
    return reviews


def category_lines(page: str) -> list[str]:
    """The per-category list's entries as read aloud: their text without tags or the
    hidden star glyph."""
    if 'id="category-ratings-title"' not in page:
        return []
    listing = page.split('aria-labelledby="category-ratings-title">')[1].split("</ul>")[0]
    items = re.findall(r"<li>(.*?)</li>", listing, flags=re.S)
    visible = (re.sub(r'<span class="star" aria-hidden="true">★</span>', "", i) for i in items)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in visible]


def test_the_booking_page_asks_to_rate_with_a_radio_group(client: Any, booking: Any) -> None:
    client.force_login(booking.customer)
    page = client.get(detail(booking)).content.decode()
    assert "How was your visit with Lena?" in page
    assert '<fieldset class="star-input"' in page and "<legend>" in page
    assert page.count('type="radio" name="stars"') == 5
    assert "<script>" not in page.split("</head>")[1] or "nonce" in page  # no inline handlers
    assert 'style="' not in page.split('class="star-input"')[1].split("</fieldset>")[0]


def test_rating_from_the_booking_page(client: Any, booking: Any) -> None:
    client.force_login(booking.customer)
    response = client.post(review_url(booking), {"stars": "5", "comment": "Super"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.stars, review.comment, review.author) == (5, "Super", booking.customer)
    page = client.get(detail(booking)).content.decode()
    assert "Your review" in page and "Change my review" in page
    assert "How was your visit" not in page
    response = client.post(review_url(booking), {"stars": "3", "comment": "Doch nur okay"})
    assert Review.objects.get().stars == 3
    assert_no_drift()


@pytest.mark.parametrize("stars", ["0", "6", "x", "", "-1", "5; DROP TABLE"])
def test_a_tampered_star_value_is_refused(client: Any, booking: Any, stars: str) -> None:
    client.force_login(booking.customer)
    response = client.post(review_url(booking), {"stars": stars, "comment": "Hm"})
    assert response.status_code == 400
    assert "Please choose 1 to 5 stars." in response.content.decode()
    assert Review.objects.count() == 0


def test_a_10000_character_comment_is_refused(client: Any, booking: Any) -> None:
    client.force_login(booking.customer)
    response = client.post(review_url(booking), {"stars": "5", "comment": "x" * 10_000})
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    assert Review.objects.count() == 0


def test_someone_elses_booking_is_a_404(client: Any, booking: Any) -> None:
    client.force_login(en_user())
    assert client.post(review_url(booking), {"stars": "5"}).status_code == 404
    assert client.get(review_url(booking)).status_code == 404
    assert Review.objects.count() == 0


def test_the_helper_through_their_own_account_cannot_rate(client: Any, booking: Any) -> None:
    client.force_login(booking.helper.user)
    assert client.post(review_url(booking), {"stars": "5"}).status_code == 404
    assert Review.objects.count() == 0


def test_a_visit_not_completed_cannot_be_rated(client: Any, db: None) -> None:
    from tests.factories import BookingFactory

    booking = BookingFactory(status="confirmed", customer=en_user())
    client.force_login(booking.customer)
    response = client.post(review_url(booking), {"stars": "5"}, follow=True)
    assert "You can rate a visit once it is completed." in response.content.decode()
    assert Review.objects.count() == 0
    assert "How was your visit" not in client.get(detail(booking)).content.decode()


def test_rating_twice_is_refused(client: Any, booking: Any) -> None:
    review_create(booking=booking, user=booking.customer, stars=4)
    Review.objects.update(created_at=Review.objects.get().created_at.replace(year=2020))
    client.force_login(booking.customer)
    response = client.post(review_url(booking), {"stars": "1"}, follow=True)
    assert "48 hours" in response.content.decode()
    assert Review.objects.get().stars == 4


def test_html_in_a_comment_is_escaped_on_every_page(booking: Any) -> None:
    from django.test import Client

    client, staff_client = Client(), Client()
    staff_client.force_login(en_user(is_staff=True, is_superuser=True))
    review = review_create(booking=booking, user=booking.customer, stars=2, comment=HTML)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;fett&lt;/b&gt;"
    client.force_login(booking.customer)
    pages = [client.get(detail(booking)).content.decode()]
    client.force_login(booking.helper.user)
    pages.append(
        client.get(reverse("bookings:helper_job", args=[booking.reference])).content.decode()
    )
    pages.append(client.get(public(booking.helper)).content.decode())
    pages.append(staff_client.get(reverse("admin:reviews_review_changelist")).content.decode())
    pages.append(
        staff_client.get(reverse("admin:reviews_review_change", args=[review.pk])).content.decode()
    )
    for page in pages:
        assert HTML not in page
        assert '<script>alert("x")' not in page
        assert "&lt;script&gt;" in page or escaped in page


def test_the_helper_replies_once_and_reports_from_the_job_page(client: Any, booking: Any) -> None:
    review = review_create(booking=booking, user=booking.customer, stars=1, comment="Schlecht")
    client.force_login(booking.helper.user)
    job = reverse("bookings:helper_job", args=[booking.reference])
    page = client.get(job).content.decode()
    assert "The customer&#x27;s review" in page or "The customer's review" in page
    client.post(reverse("reviews:reply", args=[booking.reference]), {"text": "Danke"})
    response = client.post(reverse("reviews:reply", args=[booking.reference]),
                           {"text": "Zweimal"}, follow=True)  # fmt: skip
    assert "You have already replied to this review." in response.content.decode()
    review.refresh_from_db()
    assert review.reply == "Danke"
    client.post(reverse("reviews:report", args=[booking.reference]), {"reason": "Unwahr"})
    review.refresh_from_db()
    assert review.status == "flagged"
    other = en_user()
    client.force_login(other)
    assert client.post(reverse("reviews:reply", args=[booking.reference]),
                       {"text": "x"}).status_code == 404  # fmt: skip


def test_the_public_profile_shows_average_distribution_and_reviews(client: Any, db: None) -> None:
    helper = en_helper(user__first_name="Lena")
    for stars in (5, 4):
        b = completed(helper=helper, customer=en_user(first_name="Anna", last_name="Muster"))
        review_create(booking=b, user=b.customer, stars=stars, comment=f"{stars} Sterne")
    page = client.get(public(helper)).content.decode()
    assert "4.5" in page and "of 5 stars from 2 ratings" in page
    assert page.count('<meter class="rating-bar"') == 5
    assert "Anna M." in page and "Muster" not in page
    assert "5 Sterne" in page and "4 Sterne" in page


def test_the_public_profile_shows_the_average_per_category(client: Any, db: None) -> None:
    helper = en_helper()
    network = ServiceCategoryFactory(name_en="Wi-Fi & internet")
    computers = ServiceCategoryFactory(name_en="Computers")
    rate(helper, network, 2)
    rate(helper, computers, 5, 4, 4)
    page = client.get(public(helper)).content.decode()
    assert "of 5 stars from 4 ratings" in page
    assert category_lines(page) == [
        "Computers 4.3 (3 ratings)",  # most ratings first, though created later
        "Wi-Fi &amp; internet 2.0 (1 rating)",
    ]
    assert problems_in(page) == []


def test_a_hidden_review_leaves_its_categorys_average(client: Any, db: None) -> None:
    helper, staff = en_helper(), en_user(is_staff=True, is_superuser=True)
    network = ServiceCategoryFactory(name_en="Wi-Fi & internet")
    computers = ServiceCategoryFactory(name_en="Computers")
    _fair, unfair = rate(helper, network, 5, 1)
    (only,) = rate(helper, computers, 3)
    assert category_lines(client.get(public(helper)).content.decode()) == [
        "Wi-Fi &amp; internet 3.0 (2 ratings)",
        "Computers 3.0 (1 rating)",
    ]
    review_hide(review=unfair, user=staff, reason="Beleidigend")
    review_hide(review=only, user=staff, reason="Falsche Person")
    page = client.get(public(helper)).content.decode()
    assert category_lines(page) == ["Wi-Fi &amp; internet 5.0 (1 rating)"]
    assert "Computers" not in page
    assert_no_drift()


def test_the_german_profile_names_categories_in_german_with_a_decimal_comma(
    client: Any, db: None
) -> None:
    helper = en_helper()
    category = ServiceCategoryFactory(name_de="WLAN & Internet", name_en="Wi-Fi & internet")
    rate(helper, category, 5, 4)
    page = client.get(public(helper), headers={"accept-language": "de"}).content.decode()
    assert '<span class="rating-big">4,5</span>' in page  # the overall average's comma …
    assert category_lines(page) == ["WLAN &amp; Internet 4,5 (2 Bewertungen)"]  # … reused
    assert "Wi-Fi" not in page


def test_without_ratings_there_is_no_category_list_and_no_query_for_it(
    client: Any, db: None, django_assert_num_queries: Any
) -> None:
    helper = en_helper()
    with django_assert_num_queries(0):
        assert category_ratings(helper) == []
    page = client.get(public(helper)).content.decode()
    assert category_lines(page) == [] and "No reviews yet." in page


def test_the_public_profile_paginates_with_constant_queries(
    client: Any, db: None, django_assert_num_queries: Any, settings: Any
) -> None:
    settings.REVIEW_PAGE_SIZE = 200
    helper = en_helper()

    def add(count: int) -> None:
        for _ in range(count):
            b = completed(helper=helper)
            review_create(booking=b, user=b.customer, stars=5, comment="Gut")

    add(5)
    client.get(public(helper))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        client.get(public(helper))
    add(95)
    with CaptureQueriesContext(connection) as hundred:
        page = client.get(public(helper)).content.decode()
    assert page.count('class="review"') == 100
    assert len(category_lines(page)) == 100  # each visit in a category of its own
    assert len(hundred) == len(five)


def test_hidden_reviews_are_not_on_the_profile(client: Any, booking: Any) -> None:
    staff = en_user(is_staff=True, is_superuser=True)
    review = review_create(booking=booking, user=booking.customer, stars=1, comment="Gemein")
    review_hide(review=review, user=staff, reason="Beleidigend")
    page = client.get(public(booking.helper)).content.decode()
    assert "Gemein" not in page and "No reviews yet." in page


def test_the_home_page_shows_the_platform_average(client: Any, booking: Any) -> None:
    cache.clear()
    assert "of 5 from" not in client.get("/").content.decode()
    review_create(booking=booking, user=booking.customer, stars=4)
    other = completed(helper=en_helper())
    review_create(booking=other, user=other.customer, stars=5)
    assert "4.5 of 5 from 2 ratings" in client.get("/").content.decode()


def test_staff_hide_in_the_admin_with_a_reason(staff_client: Any, booking: Any) -> None:
    review = review_create(booking=booking, user=booking.customer, stars=1)
    url = reverse("admin:reviews_review_changelist")
    data = {"action": "hide", "_selected_action": [review.pk]}
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "Reason" in response.content.decode()
    response = staff_client.post(url, {**data, "confirm": "1", "reason": ""})
    assert Review.objects.get().status == "published"
    staff_client.post(url, {**data, "confirm": "1", "reason": "Beleidigend"})
    assert Review.objects.get().status == "hidden"
    assert HelperProfile.objects.get(pk=booking.helper_id).rating_count == 0
    staff_client.post(url, {"action": "restore", "_selected_action": [review.pk]})
    assert Review.objects.get().status == "published"
    assert HelperProfile.objects.get(pk=booking.helper_id).rating_average == Decimal("1.00")


def test_staff_without_the_review_permission_cannot_hide(client: Any, booking: Any) -> None:
    from django.contrib.auth.models import Permission

    review = review_create(booking=booking, user=booking.customer, stars=1)
    viewer = en_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_review"))
    client.force_login(viewer)
    url = reverse("admin:reviews_review_changelist")
    response = client.post(url, {"action": "hide", "_selected_action": [review.pk],
                                 "confirm": "1", "reason": "x"})  # fmt: skip
    assert response.status_code in (302, 403)
    assert Review.objects.get().status == "published"
