"""Every write of an offer's status: answer, withdraw, expire (the wave's upsert creates them
pending); the locks they need, and the helper's acceptance rate. Offers are written under
their booking's row lock, or their helper's (the helper took another job, or can no longer
take any).

Lock order, everywhere: the helper's row, then the booking's row, then offer rows in id order
(``lock``). Two transactions that follow it never wait on each other in a circle. Rows are
locked ``FOR NO KEY UPDATE`` and only the table meant (``of=self``): a plain ``FOR UPDATE``
would also block the foreign-key checks of other transactions (a notification to a helper
checks the helper's user row) and close a circle after all.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Offer
from bookings.models.matching import OfferQuerySet
from bookings.notices import service_names
from helpers.models import HelperProfile
from helpers.signals import helpers_changed
from notifications.models import Notification
from notifications.services import notify

logger = logging.getLogger(__name__)
Status = Offer.Status
Withdrawn = Offer.Withdrawn

# Withdrawals the helper hears about; the others they caused themselves or were told already.
TOLD_WHEN_WITHDRAWN = frozenset(
    {Withdrawn.TAKEN, Withdrawn.CANCELLED, Withdrawn.MOVED, Withdrawn.CLOSED, Withdrawn.STAFF}
)


def lock(offers: OfferQuerySet) -> list[Offer]:
    """Lock these offers' rows in id order and return them (with what notifications need)."""
    return list(offers.locked().select_related("booking__service", "helper__user").order_by("pk"))


def offer_context(offer: Offer, **extra: Any) -> dict[str, Any]:
    """What a helper's notification about an offer may say: never the street, the customer's
    name or phone — those come only with the job, after accepting."""
    booking = offer.booking
    return {
        "offer_id": offer.pk,
        "reference": booking.reference,
        "service": service_names(booking.service),
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "timing": booking.timing,
        "postcode": booking.postcode,
        "city": booking.city,
        "distance_km": offer.breakdown.get("distance_km"),
        "outside_area": offer.outside_area,
        "payout": booking.payout_for(offer.helper_id),
        "expires_at": offer.expires_at.isoformat(),
        "url": reverse("bookings:helper_dashboard") + "#offers",
        **extra,
    }


# Withdrawals because of the helper, not the booking: the booking's wave may be left with
# nobody to answer, and its search moves on (once this commits).
FOR_THE_HELPER = frozenset({Withdrawn.OVERLAP, Withdrawn.PAUSED})


def offers_withdraw(*, offers: OfferQuerySet, reason: str) -> list[Offer]:
    """Withdraw the pending ones of ``offers`` and tell their helpers why (in the caller's
    transaction, so the notifications go out only if the change commits)."""
    pending = lock(offers.filter(status=Status.PENDING))
    if not pending:
        return []
    if reason in FOR_THE_HELPER:
        _advance_on_commit({offer.booking_id for offer in pending})
    Offer.objects.filter(pk__in=[offer.pk for offer in pending]).update(
        status=Status.WITHDRAWN, withdrawn_reason=reason
    )
    for offer in pending:
        offer.status, offer.withdrawn_reason = Status.WITHDRAWN, reason
        if reason in TOLD_WHEN_WITHDRAWN:
            notify(
                recipient=offer.helper.user,
                kind=Notification.Kind.OFFER_WITHDRAWN,
                context=offer_context(offer, reason=reason),
            )
    return pending


def _advance_on_commit(booking_ids: set[int]) -> None:
    def enqueue() -> None:
        from bookings.tasks import advance_search

        for booking_id in sorted(booking_ids):
            try:
                advance_search.delay(booking_id)
            except Exception:  # the wave's expiry moves it on anyway
                logger.exception("Could not enqueue matching for booking %s", booking_id)

    transaction.on_commit(enqueue)


def offer_gave_back(*, booking: Booking, helper: HelperProfile, now: datetime) -> None:
    """The helper gave the job back: their offer of this booking is withdrawn for good, so
    the search that follows does not ask them again (bookings.matching.candidates). Staff may
    have assigned them without an offer; then the row is written now."""
    updated = Offer.objects.filter(booking=booking, helper=helper).update(
        status=Status.WITHDRAWN, withdrawn_reason=Withdrawn.GAVE_BACK
    )
    if not updated:
        sent = min(booking.confirmed_at or now, now - timedelta(seconds=1))
        Offer.objects.create(
            booking=booking, helper=helper, wave=booking.wave, score=0, sent_at=sent,
            expires_at=now, responded_at=sent, status=Status.WITHDRAWN,
            withdrawn_reason=Withdrawn.GAVE_BACK,
        )  # fmt: skip


def offers_answer(*, offers: OfferQuerySet, status: str, now: datetime, reason: str = "") -> int:
    """Record the answer to these offers (the caller holds their locks): accepted by the
    helper or by staff for them, or declined, with the optional reason. Every change of an
    offer's status is one of this, ``offers_expire`` and ``offers_withdraw``."""
    if status not in (Status.ACCEPTED, Status.DECLINED):
        raise ValueError(f"an answer is accepted or declined, not {status}")
    return offers.update(status=status, responded_at=now, decline_reason=reason)


def offers_expire(*, booking: Booking, now: datetime) -> list[int]:
    """Mark the booking's offers whose time is up as expired; returns their ids."""
    due = list(
        Offer.objects.filter(booking=booking, status=Status.PENDING, expires_at__lte=now)
        .locked()
        .order_by("pk")
        .values_list("pk", "helper_id")
    )
    if due:
        Offer.objects.filter(pk__in=[pk for pk, _ in due]).update(status=Status.EXPIRED)
        acceptance_refresh_on_commit(helper_id for _, helper_id in due)
    return [pk for pk, _ in due]


def acceptance_refresh_on_commit(helper_ids: Iterable[int]) -> None:
    """Recompute these helpers' acceptance rates once the answers are committed — outside the
    caller's locks, since a helper's row is locked before any offer (see the lock order)."""
    ids = sorted(set(helper_ids))
    if ids:
        transaction.on_commit(lambda: helpers_refresh_acceptance(helper_ids=ids))


def helpers_refresh_acceptance(*, helper_ids: list[int], now: datetime | None = None) -> None:
    """A helper's acceptance rate: offers accepted out of those answered or left to expire in
    the last MATCHING_ACCEPTANCE_DAYS (withdrawn offers were not theirs to answer)."""
    since = (now or timezone.now()) - timedelta(days=settings.MATCHING_ACCEPTANCE_DAYS)
    answered = (Status.ACCEPTED, Status.DECLINED, Status.EXPIRED)
    counts = {
        row["helper_id"]: row
        for row in Offer.objects.filter(helper_id__in=helper_ids, sent_at__gte=since)
        .values("helper_id")
        .annotate(
            accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
            answered=Count("pk", filter=Q(status__in=answered)),
        )
    }
    for helper_id in helper_ids:
        row = counts.get(helper_id)
        rate = round(row["accepted"] / row["answered"], 3) if row and row["answered"] else None
        HelperProfile.objects.filter(pk=helper_id).update(acceptance_rate=rate)
    helpers_changed.send(sender=HelperProfile, helper_ids=helper_ids)
