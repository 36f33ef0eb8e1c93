"""Every admin list costs the same number of queries for a full page as for a few rows, and
opens with each of its filters and a search. A model newly registered on the admin site is
covered here automatically; it only needs a way to build realistic rows in ``ROWS``."""

import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Offer, Service, ServiceCategory, WaitlistEntry
from customers.models import User
from helpers.models import HelperProfile
from notifications.models import Notification
from payments.invoicing import invoice_issue
from payments.ledger import ledger_job
from payments.models import EarningEntry, Invoice, Payment, Refund, StripeEvent
from reviews.models import Review, ReviewEvent
from tests.factories import (
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    ServiceCategoryFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = list(admin.site._registry)
FIRST_ROWS = 5


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


# --- rows: each builder adds one row of its model, with the related rows its list shows -------

BOOKING_STATUSES = ["searching", "confirmed", "in_progress", "completed", "unfulfilled"]


def _booking(n: int) -> Any:
    status = BOOKING_STATUSES[n % len(BOOKING_STATUSES)]
    return BookingFactory(status=status, starts_at=timezone.now() + timedelta(days=n % 9 + 1))


def _offer(n: int) -> Offer:
    now = timezone.now()
    return Offer.objects.create(
        booking=BookingFactory(), helper=HelperProfileFactory(), wave=1 + n % 3,
        score=50 + n % 40, breakdown={"distance_km": 2.5, "radius_km": 15},
        status=Offer.Status.DECLINED if n % 2 else Offer.Status.PENDING,
        decline_reason=Offer.DeclineReason.BUSY if n % 2 else "",
        sent_at=now, expires_at=now + timedelta(minutes=30),
    )  # fmt: skip


def _review(n: int) -> Review:
    booking = BookingFactory(status=Booking.Status.COMPLETED)
    return Review.objects.create(
        booking=booking, author=booking.customer, helper=booking.helper, stars=1 + n % 5,
        comment="Sehr geduldig, das WLAN läuft jetzt im ganzen Haus. " * (1 + n % 3),
        status=Review.Status.FLAGGED if n % 4 == 0 else Review.Status.PUBLISHED,
    )  # fmt: skip


def _review_event(n: int) -> ReviewEvent:
    review = _review(n)
    return ReviewEvent.objects.create(
        review=review, kind=ReviewEvent.Kind.REPORTED, actor=review.helper.user,
        reason="Das stimmt so nicht.",
    )  # fmt: skip


def _waitlist_entry(n: int) -> WaitlistEntry:
    return WaitlistEntry.objects.create(
        email=f"wartend{n}@example.ch", postcode=f"{1700 + n}", country="CH",
        service=ServiceFactory(), language="fr",
    )  # fmt: skip


def _payment(n: int) -> Payment:
    booking = BookingFactory(status=Booking.Status.COMPLETED, payment_method="card")
    return Payment.objects.create(
        booking=booking, method=Payment.Method.CARD, amount=7900, captured=7900 * (n % 2),
        status=Payment.Status.CAPTURED if n % 2 else Payment.Status.AUTHORIZED,
        stripe_intent_id=f"pi_{booking.pk}",
    )  # fmt: skip


def _refund(n: int) -> Refund:
    payment = _payment(1)
    return Refund.objects.create(
        payment=payment, amount=100 + n, reason="Kulanz", actor=UserFactory(is_staff=True),
        status=Refund.Status.SUCCEEDED, idempotency_key=f"booking:{payment.booking_id}:refund:0",
    )  # fmt: skip


def _invoice(n: int) -> Invoice | None:
    booking = BookingFactory(status=Booking.Status.COMPLETED)
    return invoice_issue(booking=booking, kind=Invoice.Kind.VISIT,
                         lines=[{"code": "base", "amount": 7900 + n, "quantity": 1}])  # fmt: skip


def _earning(n: int) -> EarningEntry | None:
    return ledger_job(booking=BookingFactory(status=Booking.Status.COMPLETED))


ROWS: dict[type[Model], Callable[[int], Any]] = {
    Group: lambda n: Group.objects.create(name=f"Team {n}"),
    EmailAddress: lambda n: UserFactory(),  # each user has their primary address
    Authenticator: lambda n: UserFactory(totp=True),
    User: lambda n: UserFactory(),
    HelperProfile: lambda n: HelperProfileFactory(
        status=list(HelperProfile.Status)[n % len(HelperProfile.Status)],
        skills=[ServiceCategoryFactory()],
    ),
    ServiceCategory: lambda n: ServiceCategoryFactory(),
    Service: lambda n: ServiceFactory(),  # each in a category of its own
    WaitlistEntry: _waitlist_entry,
    Offer: _offer,
    Booking: _booking,
    Review: _review,
    ReviewEvent: _review_event,
    Notification: lambda n: NotificationFactory(),
    Payment: _payment,
    Refund: _refund,
    Invoice: _invoice,
    StripeEvent: lambda n: StripeEvent.objects.create(
        id=f"evt_{n}", type="payment_intent.succeeded", intent_id=f"pi_{n}", payload={}
    ),
    EarningEntry: _earning,
    UserSession: lambda n: UserSession.objects.create(
        user=UserFactory(), ip="198.51.100.1", session_key=f"session-{n}", user_agent="MilaApp/1.0"
    ),
}


def add_rows(model: type[Model], *, count: int = 0, up_to: int = 0) -> None:
    """Adds ``count`` rows of the model, or as many as it takes to have ``up_to`` in all."""
    if model not in ROWS:
        pytest.fail(f"no row builder for {_label(model)}: add one to ROWS in {__name__}")
    build, n = ROWS[model], model._default_manager.count()
    target = up_to or n + count
    while model._default_manager.count() < target:
        build(n)
        n += 1


# --- opening the list ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client: Any) -> Any:
    """A superuser with an authenticator app, so the admin lets them in."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, preferred_language="en"))
    return client


def changelist_url(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def open_list(client: Any, url: str, params: dict[str, str] | None = None) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == 200, f"{url} {params}: {response.status_code}"
    return response


def query_shape(sql: str) -> str:
    """The query without its values: an N+1 runs one shape once per row."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def counted(client: Any, model: type[Model]) -> tuple[list[str], Any]:
    with CaptureQueriesContext(connection) as queries:
        response = open_list(client, changelist_url(model))
    return [query["sql"] for query in queries.captured_queries], response.context["cl"]


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_changelist_queries_do_not_grow_with_the_rows(
    staff_client: Any, model: type[Model]
) -> None:
    per_page = admin.site._registry[model].list_per_page
    add_rows(model, count=FIRST_ROWS)
    open_list(staff_client, changelist_url(model))  # once, so caches are warm for both counts
    few, cl = counted(staff_client, model)
    first_rows = cl.result_count
    assert FIRST_ROWS <= first_rows < per_page
    add_rows(model, up_to=per_page)
    full, cl = counted(staff_client, model)
    assert len(cl.result_list) == cl.result_count == per_page  # one full page, every row shown
    repeated, times = Counter(map(query_shape, full)).most_common(1)[0]
    assert len(full) == len(few), (
        f"{len(few)} queries for {first_rows} rows, {len(full)} for {per_page}; "
        f"this one ran {times} times:\n{repeated}"
    )


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_changelist_opens_with_each_filter_and_a_search(
    staff_client: Any, model: type[Model]
) -> None:
    add_rows(model, count=3)
    url = changelist_url(model)
    cl = open_list(staff_client, url, {"q": "example"}).context["cl"]
    for spec in cl.filter_specs:
        chosen = next((c for c in spec.choices(cl) if not c["selected"]), None)
        if chosen is not None:  # e.g. a filter on a relation nobody uses yet has no choice
            open_list(staff_client, url + chosen["query_string"])
