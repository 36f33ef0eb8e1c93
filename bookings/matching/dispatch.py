"""The search for a helper (DESIGN §6): offers go out in waves to the best candidates; when a
wave is declined or expires the next, wider one follows; after the last wave, or when the
visit is too close, the booking is unfulfilled and the customer and staff are told.

A searching booking carries its own schedule: ``wave`` (waves sent in this search) and
``next_wave_at`` (when the next step is due). ``matching_advance`` does the step if it is due —
the task enqueued after commit, and the periodic sweep for whatever is due and was missed
(expired waves, a broker that was down). Running it twice does the step once: the booking's
row lock serialises the runs, and the first moves ``next_wave_at`` on.
"""

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bookings.matching.candidates import (
    Search,
    best_candidates,
    candidates,
    platform_rating_mean,
)
from bookings.matching.offers import offer_context, offers_expire, offers_withdraw
from bookings.matching.scoring import Scored, ScoringPolicy, best, breakdown
from bookings.matching.waves import (
    WavePolicy,
    offer_expiry,
    search_deadline,
    search_window,
    visit_window,
    wave_extra_km,
)
from bookings.models import Booking, BookingEvent, Offer
from bookings.notices import notify_booking, notify_staff
from bookings.services.transitions import booking_transition
from helpers.models import HelperProfile
from notifications.models import Notification
from notifications.services import notify_many
from payments.lifecycle import payments_booking_ended

logger = logging.getLogger(__name__)
Status = Booking.Status


def search_on_commit(booking: Booking) -> None:
    """Once the transaction that made ``booking`` search commits, hand it to the matching
    queue. If that fails (broker down), the periodic sweep finds it: it is due already."""
    booking_id = booking.pk
    transaction.on_commit(lambda: _enqueue(booking_id))


def _enqueue(booking_id: int) -> None:
    from bookings.tasks import advance_search

    try:
        advance_search.delay(booking_id)
    except Exception:
        logger.exception("Could not enqueue matching for booking %s; the sweep will", booking_id)


def search_restart(
    *, booking: Booking, now: datetime, withdraw: str = "", ask_first: HelperProfile | None = None
) -> None:
    """Search again from the first wave (the visit was moved, staff asked): everyone may be
    asked again. ``withdraw`` withdraws what is still offered, with that reason; ``ask_first``
    gets a wave of their own first (the helper who had confirmed the old time)."""
    if withdraw:
        offers_withdraw(offers=booking.offers.all(), reason=withdraw)
    Booking.objects.filter(pk=booking.pk).update(wave=0, next_wave_at=now, searching_at=now)
    booking.wave, booking.next_wave_at, booking.searching_at = 0, now, now
    if ask_first is not None:
        _ask_first(booking, ask_first, now)
    search_on_commit(booking)


def matching_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Advance every searching booking whose next step is due (as ``_due`` has it): its time
    has come, or its wave has nobody left to answer — the step that was enqueued then may have
    been lost with the broker. Returns how many were due."""
    now = now or timezone.now()
    nobody_left = Q(wave__gt=0) & ~Exists(Offer.objects.filter(booking=OuterRef("pk")).open(now))
    due = list(
        Booking.objects.filter(status=Status.SEARCHING, next_wave_at__isnull=False)
        .filter(Q(next_wave_at__lte=now) | nobody_left)
        .order_by("next_wave_at")
        .values_list("pk", flat=True)[:limit]
    )
    for booking_id in due:
        try:
            matching_advance(booking_id=booking_id, now=now)
        except Exception:  # one broken booking must not stop the others; staff see it
            logger.exception("Matching failed for booking %s", booking_id)
    return len(due)


@transaction.atomic
def matching_advance(*, booking_id: int, now: datetime | None = None) -> int:
    """Do the booking's next search step if it is due: expire the answered-by-nobody offers,
    then send the next wave (skipping waves nobody can be asked in), or give up. Returns the
    number of offers sent. A booking that is not searching, or not due, is left alone."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",), skip_locked=True, no_key=True)
        .select_related("service", "customer")
        .filter(pk=booking_id, status=Status.SEARCHING)
        .first()
    )
    if booking is None or not _due(booking, now):
        return 0
    offers_expire(booking=booking, now=now)
    policy = WavePolicy.from_settings()
    deadline = _deadline(booking, policy)
    if booking.wave == 0 and (sent := _ask_preferred(booking, now)):
        return sent
    while booking.wave < policy.waves and now < deadline:
        booking.wave += 1
        chosen = _best_candidates(booking, now, policy)
        if not chosen:
            continue
        expires = offer_expiry(
            asap=_is_asap(booking), now=now, deadline=deadline,
            waves_left=policy.waves - booking.wave + 1, policy=policy,
        )  # fmt: skip
        sent = _send(booking, chosen, now, expires)
        if sent:
            booking.next_wave_at = expires
            booking.save(update_fields=["wave", "next_wave_at"])
            return sent
    _give_up(booking, now)
    return 0


def _due(booking: Booking, now: datetime) -> bool:
    """The next step is due at its time, or as soon as the wave has nobody left to answer
    (declined, or withdrawn because the helper took another job or was paused)."""
    if booking.next_wave_at is None:
        return False
    if booking.next_wave_at <= now:
        return True
    return booking.wave > 0 and not booking.offers.open(now).exists()


def _is_asap(booking: Booking) -> bool:
    return booking.timing == Booking.Timing.ASAP


def _deadline(booking: Booking, policy: WavePolicy) -> datetime:
    return search_deadline(
        asap=_is_asap(booking), starts_at=booking.starts_at,
        searching_since=booking.searching_at or booking.created_at, policy=policy,
    )  # fmt: skip


def booking_visit_window(
    booking: Booking, now: datetime, policy: WavePolicy | None = None
) -> tuple[datetime, datetime]:
    """The time a helper must have free for ``booking`` if they take it now."""
    return visit_window(
        asap=_is_asap(booking), starts_at=booking.starts_at, ends_at=booking.ends_at,
        duration=timedelta(minutes=booking.service.duration_minutes), now=now,
        policy=policy or WavePolicy.from_settings(),
    )  # fmt: skip


def booking_search(
    booking: Booking, now: datetime, *, extra_km: int, include_asked: bool = False,
    only_helper: int | None = None,
) -> Search:  # fmt: skip
    """A candidate search for the booking, run now."""
    start, end = search_window(
        asap=_is_asap(booking), starts_at=booking.starts_at, ends_at=booking.ends_at,
        duration=timedelta(minutes=booking.service.duration_minutes), now=now,
    )  # fmt: skip
    keeps_start, keeps_end = booking_visit_window(booking, now)
    return Search(booking=booking, start=start, end=end, extra_km=extra_km, now=now,
                  include_asked=include_asked, only_helper=only_helper,
                  keeps_start=keeps_start, keeps_end=keeps_end)  # fmt: skip


def _best_candidates(booking: Booking, now: datetime, policy: WavePolicy) -> list[Scored]:
    search = booking_search(booking, now, extra_km=wave_extra_km(booking.wave, policy) or 0)
    return best_candidates(search, k=policy.size)


def _still_free_to_ask(helper_ids: list[int]) -> dict[int, int]:
    """Of these helpers, the ones still approved with an active account, read again now, as
    helper id → user id. On PostgreSQL with a share lock that skips rows being changed this
    instant: a helper being suspended right now is not asked, and a suspension that starts
    after this waits for the offers to commit, then withdraws them. (Skipping, not waiting,
    keeps the lock order.)"""
    if connection.vendor != "postgresql":
        return dict(
            HelperProfile.objects.approved()
            .filter(pk__in=helper_ids, user__is_active=True)
            .values_list("pk", "user_id")
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT h.id, h.user_id FROM helpers_helperprofile h
               JOIN customers_user u ON u.id = h.user_id
               WHERE h.id = ANY(%s) AND h.status = 'approved' AND u.is_active
               FOR SHARE OF h SKIP LOCKED""",
            [helper_ids],
        )
        return dict(cursor.fetchall())


def _send(booking: Booking, chosen: list[Scored], now: datetime, expires: datetime) -> int:
    """Offer the booking to the chosen helpers and tell each of them; returns how many were
    asked. A helper asked in an earlier search of this booking keeps their row (one per
    booking and helper)."""
    askable = _still_free_to_ask([s.facts.helper_id for s in chosen])
    chosen = [s for s in chosen if s.facts.helper_id in askable]
    if not chosen:
        return 0
    prior_mean = platform_rating_mean()
    language = booking.customer.preferred_language
    offers = [
        Offer(
            booking=booking,
            helper_id=s.facts.helper_id,
            wave=booking.wave,
            score=round(s.total, 3),
            sent_at=now,
            expires_at=expires,
            breakdown=breakdown(s, prior_mean=prior_mean, customer_language=language),
        )
        for s in chosen
    ]
    Offer.objects.bulk_create(
        offers,
        update_conflicts=True,
        unique_fields=["booking", "helper"],
        update_fields=[
            "wave", "score", "breakdown", "status", "sent_at", "expires_at", "responded_at",
            "decline_reason", "withdrawn_reason",
        ],
    )  # fmt: skip
    notify_many(
        kind=Notification.Kind.OFFER_NEW,
        contexts={askable[offer.helper_id]: offer_context(offer) for offer in offers},
    )
    return len(offers)


def _ask_preferred(booking: Booking, now: datetime) -> int:
    """The search's first wave goes to the helper the customer asked for ("Book Lena
    again", a free follow-up) alone, if they are free then — once per booking: a helper who
    was asked (or gave the job back) is not asked first again."""
    if (
        booking.preferred_helper_id is None
        or booking.offers.filter(helper_id=booking.preferred_helper_id).exists()
    ):
        return 0
    helper = HelperProfile.objects.filter(pk=booking.preferred_helper_id).first()
    return _ask_first(booking, helper, now) if helper is not None else 0


def _ask_first(booking: Booking, helper: HelperProfile, now: datetime) -> int:
    """A wave of one: the helper who had confirmed the old time, if they are free for the
    new one, or the one the customer asked for (matching's other rules apply to them too).
    Returns 1 if they were asked."""
    policy = WavePolicy.from_settings()
    search = booking_search(booking, now, extra_km=0, include_asked=True, only_helper=helper.pk)
    chosen = best(
        candidates(search), k=1, customer_language=booking.customer.preferred_language,
        prior_mean=platform_rating_mean(), policy=ScoringPolicy.from_settings(),
    )  # fmt: skip
    deadline = _deadline(booking, policy)
    if not chosen or now >= deadline:
        return 0
    expires = offer_expiry(asap=_is_asap(booking), now=now, deadline=deadline,
                           waves_left=policy.waves, policy=policy)  # fmt: skip
    booking.wave = 1
    sent = _send(booking, chosen, now, expires)
    if sent:
        booking.next_wave_at = expires
        booking.save(update_fields=["wave", "next_wave_at"])
    else:
        booking.wave = 0
    return sent


def _give_up(booking: Booking, now: datetime) -> None:
    """No helper: the booking is unfulfilled; the customer learns what they can do, and staff
    are alerted so they can still arrange someone."""
    waves_sent = (
        booking.offers.filter(sent_at__gte=booking.searching_at or booking.created_at)
        .values("wave")
        .distinct()
        .count()
    )
    Booking.objects.filter(pk=booking.pk).update(wave=booking.wave)
    booking_transition(
        booking=booking, to=Status.UNFULFILLED, actor=None, role=BookingEvent.Role.SYSTEM,
        data={"waves": waves_sent}, now=now,
    )  # fmt: skip
    payments_booking_ended(booking=booking, now=now)
    notify_booking(booking, Notification.Kind.BOOKING_UNFULFILLED, recipients=[booking.customer])
    notify_staff(booking, Notification.Kind.STAFF_UNFULFILLED, waves=waves_sent)
