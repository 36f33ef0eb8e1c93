"""The platform's invariants (DESIGN §11), checked against the database: no booking with two
helpers, no helper with overlapping jobs, every notification delivered exactly once, no
booking stuck looking for a helper with nobody asked.

Each check is a few ORM queries and returns the rows that break it, each with a reason a
person can act on; an empty list means the rule holds. The rehearsal (bench/rehearsal.py)
runs them after a day in miniature with faults injected, operators with
``manage.py check_invariants`` on a live database. They read only, so they are safe to run
at any time; a change in flight (a notification being sent this second) is left alone by the
grace period.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.models import Booking, BookingEvent, Offer
from helpers.availability import BUSY_STATUSES
from notifications.models import Notification

# A change younger than this is still in flight: an e-mail being sent, a wave being chosen.
DEFAULT_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Breach:
    """One row that breaks a rule: what it is (a booking reference, a notification id, an
    e-mail address) and why it breaks it."""

    reference: str
    reason: str


@dataclass(frozen=True)
class Invariant:
    name: str
    title: str
    breaches: list[Breach]

    @property
    def holds(self) -> bool:
        return not self.breaches


def _current_search(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """Offers accepted since their booking last started to search. An earlier search's
    accepted offer stays in the history (the visit was moved, the helper gave it back)."""
    return offers.filter(
        status=Offer.Status.ACCEPTED,
        responded_at__gte=Coalesce(F("booking__searching_at"), F("booking__created_at")),
    )


def bookings_with_two_helpers() -> list[Breach]:
    """A booking has one helper at a time. Two helpers look like: two offers accepted in
    the same search; an offer accepted in the current search by someone who is not the
    booking's helper (that helper believes the job is theirs); two confirmations in one
    search (two winners of the accept's compare-and-set)."""
    accepted = _current_search(Offer.objects.all())
    breaches = [
        Breach(row["booking__reference"], f"{row['helpers']} helpers accepted in one search")
        for row in accepted.values("booking__reference")
        .annotate(helpers=Count("helper", distinct=True))
        .filter(helpers__gt=1)
        .order_by("booking__reference")
    ]
    other = accepted.filter(Q(booking__helper__isnull=True) | ~Q(helper_id=F("booking__helper_id")))
    breaches += [
        Breach(offer.booking.reference,
               f"helper {offer.helper_id} accepted, but the booking's helper is "
               f"{offer.booking.helper_id} ({offer.booking.status})")
        for offer in other.select_related("booking").order_by("booking__reference")
    ]  # fmt: skip
    confirmations = BookingEvent.objects.filter(
        to_status=Booking.Status.CONFIRMED,
        at__gte=Coalesce(F("booking__searching_at"), F("booking__created_at")),
    )
    breaches += [
        Breach(row["booking__reference"], f"confirmed {row['times']} times in one search")
        for row in confirmations.values("booking__reference")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
        .order_by("booking__reference")
    ]
    return breaches


def helpers_with_overlapping_jobs() -> list[Breach]:
    """A helper is at one visit at a time: their jobs that still hold time (confirmed, on
    the way, in progress — the statuses the PostgreSQL exclusion constraint covers) never
    overlap; a job ending exactly when the next starts does not overlap it. Completed and
    cancelled jobs hold no time any more: a visit "as soon as possible" keeps its whole
    arrival window until it ends, and finishing early frees the rest of it."""
    busy = Booking.objects.filter(helper__isnull=False, status__in=BUSY_STATUSES)
    later = busy.filter(
        helper_id=OuterRef("helper_id"),
        pk__gt=OuterRef("pk"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    ).order_by("pk")
    pairs = list(
        busy.annotate(other=Subquery(later.values("pk")[:1]))
        .filter(other__isnull=False)
        .order_by("helper_id", "starts_at")
        .values_list("pk", "other")
    )
    jobs = Booking.objects.in_bulk({pk for pair in pairs for pk in pair})
    return [
        Breach(jobs[first].reference,
               f"helper {jobs[first].helper_id}: {_span(jobs[first])} overlaps "
               f"{jobs[second].reference} {_span(jobs[second])}")
        for first, second in pairs
    ]  # fmt: skip


def _span(booking: Booking) -> str:
    return f"{booking.starts_at:%Y-%m-%d %H:%M}–{booking.ends_at:%H:%M} UTC ({booking.status})"


def notifications_not_delivered_once(
    *, now: datetime, grace: timedelta, emails_received: Mapping[str, int] | None = None
) -> list[Breach]:
    """Every notification with an e-mail is delivered, once. In the database: none is still
    undelivered ``grace`` after it was created (the outbox sweep re-sends after
    NOTIFICATION_RESEND_AFTER_SECONDS) unless a worker holds it — it is being sent, or waits
    for its retry, or its worker died and the lease has yet to lapse (then the sweep hands it
    to another: late, not lost). With ``emails_received`` (address → e-mails the mail sink
    got) also at the other end: each address got one e-mail per delivered notification —
    more is a duplicate, fewer a notification marked delivered but never sent; a held one
    may or may not have gone out yet."""
    late = (
        Notification.objects.undelivered()
        .filter(created_at__lte=now - grace)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    breaches = [
        Breach(f"notification {n.pk}",
               f"{n.kind} to user {n.recipient_id} undelivered since {n.created_at:%H:%M:%S} "
               f"UTC after {n.attempts} attempts" + (f" ({n.last_error})" if n.last_error else ""))
        for n in late.order_by("pk")
    ]  # fmt: skip
    if emails_received is not None:
        breaches += _emails_not_once(emails_received, now)
    return breaches


def _per_address(notifications: QuerySet[Notification]) -> dict[str, int]:
    sent = notifications.filter(send_email=True, recipient__is_active=True).exclude(
        recipient__email=""
    )
    return {
        row["recipient__email"].lower(): row["count"]
        for row in sent.values("recipient__email").annotate(count=Count("pk"))
    }


def _emails_not_once(emails_received: Mapping[str, int], now: datetime) -> list[Breach]:
    delivered = _per_address(Notification.objects.filter(delivered_at__isnull=False))
    held = _per_address(Notification.objects.undelivered().filter(claimed_until__gte=now))
    received = {address.lower(): count for address, count in emails_received.items()}
    breaches = []
    for address in sorted(delivered.keys() | received.keys()):
        got, expected = received.get(address, 0), delivered.get(address, 0)
        if not expected <= got <= expected + held.get(address, 0):
            reason = f"{got} e-mails for {expected} delivered notifications"
            if held.get(address):
                reason += f" and {held[address]} being sent"
            breaches.append(Breach(address, reason))
    return breaches


def bookings_stuck_searching(*, now: datetime, grace: timedelta) -> list[Breach]:
    """A booking looking for a helper always has someone asked, or its next step comes
    soon: none is searching with no open offer for longer than ``grace``. "Since" is the
    later of the search's start and the last thing its offers did (sent, answered, expired;
    a withdrawal keeps no time of its own, so a withdrawn offer counts from when it was
    sent)."""
    cutoff = now - grace
    open_offer = Offer.objects.open(now).filter(booking=OuterRef("pk"))
    recent = Offer.objects.filter(booking=OuterRef("pk")).filter(
        Q(sent_at__gt=cutoff)
        | Q(responded_at__gt=cutoff)
        | Q(expires_at__gt=cutoff, expires_at__lte=now)
    )
    stuck = (
        Booking.objects.filter(status=Booking.Status.SEARCHING)
        .annotate(since=Coalesce(F("searching_at"), F("created_at")))
        .filter(since__lte=cutoff)
        .exclude(Exists(open_offer))
        .exclude(Exists(recent))
        .order_by("since", "pk")
    )
    return [Breach(booking.reference, _stuck_reason(booking)) for booking in stuck]


def _stuck_reason(booking: Booking) -> str:
    started = booking.searching_at or booking.created_at
    due = (
        f"next step due {booking.next_wave_at:%H:%M:%S} UTC"
        if booking.next_wave_at
        else "no next step due"
    )
    return (
        f"searching since {started:%H:%M:%S} UTC with no open offer "
        f"(waves sent: {booking.wave}, {due})"
    )


def check_all(
    *,
    now: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
    emails_received: Mapping[str, int] | None = None,
) -> list[Invariant]:
    """Every invariant, in the order DESIGN §11 names them."""
    now = now or timezone.now()
    checks: list[tuple[str, str, Callable[[], list[Breach]]]] = [
        ("two_helpers", "bookings with two helpers", bookings_with_two_helpers),
        ("overlapping_jobs", "helpers with overlapping jobs", helpers_with_overlapping_jobs),
        ("lost_notifications", "notifications not delivered exactly once",
         lambda: notifications_not_delivered_once(now=now, grace=grace,
                                                  emails_received=emails_received)),
        ("stuck_searching", "bookings stuck searching without an open offer",
         lambda: bookings_stuck_searching(now=now, grace=grace)),
    ]  # fmt: skip
    return [Invariant(name, title, check()) for name, title, check in checks]
