"""Payments (DESIGN §7; make bench): Stripe webhook deliveries, the invoice PDF with its Swiss
QR-bill, issuing an invoice with its e-mail, and the helpers' earnings (data, payout export,
page) with few and with many ledger entries.

Runs against a throw-away SQLite database with Celery eager (the embedded mode), so the work a
commit enqueues (matching, e-mails with their PDF) is part of what is timed. Stripe is never
called: the PaymentIntent the webhook re-fetches comes from a local stand-in. Prints the median
and p95 of each, its SQL queries, and ratios where they show how it scales.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import partial
from pathlib import Path
from typing import Any, cast
from unittest import mock
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")
TMP = Path(tempfile.mkdtemp(prefix="mila-bench-payments-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)  # eager Celery, local cache
os.environ["MILA_ENV_FILE"] = "/nonexistent"  # a developer's .env must not switch modes
os.environ["STRIPE_SECRET_KEY"] = ""  # nothing may reach Stripe
os.environ["STRIPE_API_BASE"] = ""
WEBHOOK_SECRET = "whsec_mila_bench"
os.environ["STRIPE_WEBHOOK_SECRET"] = WEBHOOK_SECRET  # read by mila/settings.py
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import stripe  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)
from django.utils import timezone  # noqa: E402

from bookings.models import Booking, Offer, Service  # noqa: E402
from customers.models import User  # noqa: E402
from helpers.models import HelperProfile  # noqa: E402
from payments import stripe_api  # noqa: E402
from payments.earnings import helper_earnings_by_month, payouts_for_month  # noqa: E402
from payments.invoice_pdf import invoice_pdf  # noqa: E402
from payments.invoicing import invoice_issue  # noqa: E402
from payments.models import EarningEntry, Invoice, Payment  # noqa: E402
from payments.stripe_api import IntentState  # noqa: E402
from tests.factories import (  # noqa: E402
    AvailabilityWindowFactory,
    BookingFactory,
    HelperProfileFactory,
    ServiceFactory,
    UserFactory,
)

WEBHOOK_URL = "/payments/stripe/webhook/"
EARNINGS_URL = "/helper/earnings/"
TZ = ZoneInfo(settings.TIME_ZONE)
VISIT_LINES = [{"code": "base", "amount": 7900, "quantity": 1}]
WEBHOOK_EVENTS = 30
INVOICES = 15
ENTRIES = (10, 500)
PAYOUT_HELPERS = (10, 300)
ENTRIES_PER_PAYOUT_HELPER = 3
# Months the payout export reads: nothing else has entries in them.
PAYOUT_MONTHS = {PAYOUT_HELPERS[0]: date(2025, 3, 1), PAYOUT_HELPERS[1]: date(2025, 4, 1)}
EARNINGS_FROM = datetime(2023, 1, 15, 12, tzinfo=TZ)  # the page's helpers: 2023–2024
EARNINGS_MONTHS = 24
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Measuring -----------------------------------------------------------------------------------
class Timing:
    def __init__(self, times: list[float], queries: list[int]) -> None:
        self.times = times
        self.queries = queries

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def query_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return f"{low} queries" if low == high else f"{low}–{high} queries"

    def line(self, label: str, extra: str = "") -> str:
        text = (
            f"payments: {label:<44} {self.median:8.2f} ms median {self.p95:8.2f} ms p95, "
            f"{self.query_text}"
        )
        return f"{text}, {extra}" if extra else text


def timed(runs: int, action: Callable[[int], Any], *, warm_up: int = 1) -> Timing:
    """Run ``action(i)`` ``runs`` times (after ``warm_up`` untimed runs with negative i)."""
    for i in range(warm_up):
        action(-1 - i)
    times, queries = [], []
    for i in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action(i)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    return Timing(times, queries)


def each(call: Callable[[], Any]) -> Callable[[int], Any]:
    """An action for ``timed`` that does the same every run."""
    return lambda _run: call()


def ratio(label: str, many: Timing, few: Timing) -> None:
    extra = max(many.queries) - max(few.queries)
    print(f"payments: {label:<44} {many.median / few.median:5.2f} x time, {extra:+d} queries")


# --- Data ----------------------------------------------------------------------------------------
def service() -> Service:
    return cast(Service, ServiceFactory())


def helper(name: str) -> HelperProfile:
    return cast(HelperProfile, HelperProfileFactory(user__last_name=name))


def customer() -> User:
    return cast(User, UserFactory())


def bookings_for(
    helpers: list[HelperProfile], each: int, svc: Service, who: User
) -> dict[int, list[Booking]]:
    """``each`` completed bookings per helper, written in bulk."""
    rows = [
        BookingFactory.build(status="completed", helper=h, service=svc, customer=who)
        for h in helpers
        for _ in range(each)
    ]
    Booking.objects.bulk_create(rows, batch_size=500)
    by_helper: dict[int, list[Booking]] = {h.pk: [] for h in helpers}
    for booking in rows:
        assert booking.helper_id is not None
        by_helper[booking.helper_id].append(booking)
    return by_helper


def entry(booking: Booking, kind: str, at: datetime, gross: int = 7900) -> EarningEntry:
    commission = gross // 5
    assert booking.helper_id is not None
    return EarningEntry(
        helper_id=booking.helper_id, booking=booking, kind=kind, gross=gross,
        commission=commission, amount=gross - commission, at=at,
    )  # fmt: skip


def ledger_for(profile: HelperProfile, total: int, svc: Service, who: User) -> None:
    """``total`` entries over EARNINGS_MONTHS months: visits, every seventh a fee."""
    bookings = bookings_for([profile], total, svc, who)[profile.pk]
    rows = []
    for n, booking in enumerate(bookings):
        at = EARNINGS_FROM + timedelta(days=30.4 * (n % EARNINGS_MONTHS), hours=n % 7)
        kind = EarningEntry.Kind.CANCELLATION_FEE if n % 7 == 6 else EarningEntry.Kind.JOB
        rows.append(entry(booking, kind, at))
    EarningEntry.objects.bulk_create(rows, batch_size=500)


# --- 1. Webhook ----------------------------------------------------------------------------------
def event_body(event_id: str, intent_id: str) -> str:
    return json.dumps({
        "id": event_id, "object": "event", "type": "payment_intent.amount_capturable_updated",
        "created": int(time.time()),
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    })  # fmt: skip


def intent_now(intent_id: str) -> IntentState:
    """What the stand-in for Stripe says: the card hold came through."""
    return IntentState(
        id=intent_id, status="requires_capture", amount=12000, amount_capturable=12000,
        amount_received=0, currency="CHF", reference="", client_secret="", error="",
        redirect_url="",
    )  # fmt: skip


def no_network(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("bench_payments: the Stripe API must not be called")


def available_helper(svc: Service) -> HelperProfile:
    """An approved helper free every day 07:00–21:00 with the service's skill, so a booking
    whose card hold came through finds someone to ask (and stays searching)."""
    profile = cast(
        HelperProfile,
        HelperProfileFactory(skills=[svc.category], radius_km=50, max_jobs_per_day=6),
    )
    for weekday in range(7):
        AvailabilityWindowFactory(helper=profile, weekday=weekday, starts=clock(7), ends=clock(21))
    return profile


def bench_webhook(svc: Service, who: User) -> None:
    client = Client()
    available_helper(svc)
    intents = []
    for n in range(-1, WEBHOOK_EVENTS):
        booking = cast(
            Booking,
            BookingFactory(status="requested", payment_method="card", service=svc, customer=who),
        )
        intent_id = f"pi_bench_{n + 1}"
        Payment.objects.create(booking=booking, method=Payment.Method.CARD, amount=12000,
                               stripe_intent_id=intent_id)  # fmt: skip
        intents.append(intent_id)
    bodies = [event_body(f"evt_bench_{n}", intent) for n, intent in enumerate(intents)]
    asked: list[str] = []

    def retrieve(intent_id: str) -> IntentState:
        asked.append(intent_id)
        return intent_now(intent_id)

    def deliver(i: int) -> None:
        body = bodies[i + 1]  # warm-up run i=-1 is the first body
        header = stripe.WebhookSignature.generate_signature_header(
            body, WEBHOOK_SECRET, timestamp=int(time.time())
        )
        response = client.post(WEBHOOK_URL, data=body, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
        assert response.status_code == 200, response.status_code

    mail.outbox.clear()
    with mock.patch.object(stripe_api, "intent_retrieve", retrieve):
        first = timed(WEBHOOK_EVENTS, deliver)
        fetched_first = len(asked)
        mails = len(mail.outbox)
        second = timed(WEBHOOK_EVENTS, deliver)
        fetched_again = len(asked) - fetched_first
    authorized = Payment.objects.filter(
        stripe_intent_id__in=intents, status=Payment.Status.AUTHORIZED
    ).count()
    searching = Booking.objects.filter(
        payments__stripe_intent_id__in=intents, status=Booking.Status.SEARCHING
    ).count()
    assert authorized == searching == len(intents), (authorized, searching)
    offers = Offer.objects.filter(booking__payments__stripe_intent_id__in=intents).count()
    print(first.line("webhook: first delivery", f"{1000 / first.median:6.0f} events/s"))
    print(second.line("webhook: duplicate delivery", f"{1000 / second.median:6.0f} events/s"))
    deliveries = len(intents)  # the first deliveries, with the warm-up
    print(
        f"payments: {'webhook: duplicate vs first':<44} {second.median / first.median:5.2f} x "
        f"time; PaymentIntent re-fetched {fetched_first / deliveries:.0f}x per first delivery, "
        f"{fetched_again}x for all duplicates"
    )
    print(
        f"payments: {'webhook: each first delivery also':<44} sends {mails / deliveries:.0f} "
        f"e-mails and {offers / deliveries:.0f} offer (eager Celery: matching and e-mails inline)"
    )


# --- 2./3. Invoices ------------------------------------------------------------------------------
def bench_invoice_pdf(svc: Service, who: User) -> None:
    booking = cast(Booking, BookingFactory(status="completed", service=svc, customer=who))
    issued = invoice_issue(booking=booking, kind=Invoice.Kind.VISIT, lines=VISIT_LINES)
    assert issued is not None
    invoice = Invoice.objects.select_related("booking__service", "booking__customer").get(
        pk=issued.pk
    )
    sizes: list[int] = []
    rendering = timed(20, lambda i: sizes.append(len(invoice_pdf(invoice, language="de"))))
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID, paid_at=timezone.now())
    invoice.refresh_from_db()
    paid_sizes: list[int] = []
    paid = timed(20, lambda i: paid_sizes.append(len(invoice_pdf(invoice, language="de"))))
    print(rendering.line("invoice PDF, open (with QR-bill)", f"{sizes[-1] / 1024:6.1f} KB"))
    print(paid.line("invoice PDF, paid (no payment part)", f"{paid_sizes[-1] / 1024:6.1f} KB"))
    print(
        f"payments: {'invoice PDF: QR-bill part costs':<44} "
        f"{rendering.median - paid.median:8.2f} ms ({rendering.median / paid.median:4.1f} x)"
    )


def bench_invoice_issue(svc: Service, who: User) -> None:
    bookings = [
        cast(Booking, BookingFactory(status="completed", service=svc, customer=who))
        for _ in range(INVOICES + 1)
    ]
    sent: list[int] = []

    def issue(i: int) -> None:
        before = len(mail.outbox)
        invoice = invoice_issue(booking=bookings[i + 1], kind=Invoice.Kind.VISIT,
                                lines=VISIT_LINES)  # fmt: skip
        assert invoice is not None
        sent.append(len(mail.outbox) - before)

    mail.outbox.clear()
    issuing = timed(INVOICES, issue)
    with_pdf = [m for m in mail.outbox if any(str(a[0]).endswith(".pdf") for a in m.attachments)]
    print(
        issuing.line(
            "invoice_issue (incl. e-mail with PDF)",
            f"{statistics.median(sent):.0f} e-mail per invoice, sent synchronously "
            f"({len(with_pdf)}/{len(mail.outbox)} with a PDF)",
        )
    )


# --- 4./5. Earnings ------------------------------------------------------------------------------
def bench_earnings(svc: Service, who: User) -> None:
    profiles = {total: helper(f"Ledger{total}") for total in ENTRIES}
    for total, profile in profiles.items():
        ledger_for(profile, total, svc, who)
    data = {}
    for total, profile in profiles.items():
        summary = helper_earnings_by_month(profile)
        assert sum(m.visits + m.fees for m in summary.months) == total
        data[total] = timed(50, each(partial(helper_earnings_by_month, profile)))
        print(
            data[total].line(
                f"helper_earnings_by_month, {total:>3} entries", f"{len(summary.months)} months"
            )
        )
    ratio(f"helper_earnings_by_month {ENTRIES[1]} vs {ENTRIES[0]}", data[ENTRIES[1]],
          data[ENTRIES[0]])  # fmt: skip

    pages = {}
    for total, profile in profiles.items():
        client = Client()
        client.force_login(profile.user)

        def get(i: int, c: Client = client) -> None:
            response = c.get(EARNINGS_URL)
            assert response.status_code == 200, response.status_code

        pages[total] = timed(30, get, warm_up=2)
        print(pages[total].line(f"GET {EARNINGS_URL}, {total:>3} entries"))
    ratio(f"{EARNINGS_URL} {ENTRIES[1]} vs {ENTRIES[0]}", pages[ENTRIES[1]], pages[ENTRIES[0]])


def bench_payouts(svc: Service, who: User) -> None:
    payouts = {}
    for count, month in PAYOUT_MONTHS.items():
        helpers = users_and_helpers(count, f"Payout{count}")
        bookings = bookings_for(helpers, ENTRIES_PER_PAYOUT_HELPER, svc, who)
        at = datetime(month.year, month.month, 10, 12, tzinfo=TZ)
        rows = [
            entry(booking, EarningEntry.Kind.JOB, at + timedelta(days=n))
            for own in bookings.values()
            for n, booking in enumerate(own)
        ]
        EarningEntry.objects.bulk_create(rows, batch_size=500)
        assert len(payouts_for_month(month)) == count
        payouts[count] = timed(30, each(partial(payouts_for_month, month)))
        print(payouts[count].line(f"payouts_for_month, {count:>3} helpers"))
    ratio(
        f"payouts_for_month {PAYOUT_HELPERS[1]} vs {PAYOUT_HELPERS[0]} helpers",
        payouts[PAYOUT_HELPERS[1]],
        payouts[PAYOUT_HELPERS[0]],
    )


def users_and_helpers(count: int, name: str) -> list[HelperProfile]:
    """Helpers in bulk (the factories' values, without saving one by one)."""
    users = [UserFactory.build(last_name=f"{name}-{n:03d}") for n in range(count)]
    User.objects.bulk_create(users, batch_size=500)
    profiles = [HelperProfileFactory.build(user=u) for u in users]
    HelperProfile.objects.bulk_create(profiles, batch_size=500)
    return profiles


# --- Main ----------------------------------------------------------------------------------------
def main() -> None:
    started = time.perf_counter()
    # Every call to Stripe goes through stripe_api.client(): none may happen here.
    try:
        mock.patch.object(stripe_api, "client", no_network).start()
        # Users are made by the hundred: a fast hasher, as the tests use.
        override_settings(PASSWORD_HASHERS=FAST_HASHERS).enable()
        setup_test_environment()
        call_command("migrate", verbosity=0)
        svc = service()
        who = customer()
        bench_webhook(svc, who)
        bench_invoice_pdf(svc, who)
        bench_invoice_issue(svc, who)
        bench_earnings(svc, who)
        bench_payouts(svc, who)
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"payments: done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
