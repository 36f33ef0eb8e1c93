"""The helpers' earnings ledger (DESIGN §7): one entry per thing a helper is paid for, written
in the same transaction as what earned it, never changed afterwards. A job pays the booking's
total less its commission (the figure the offer showed, bookings.pricing.net_payout); a fee
the customer pays for a late cancellation or a missed visit is shared the same way
(bookings.pricing.commission_split); a refund takes its share back from both. So the entries
of a booking add up to what its customer paid: gross = commission + amount, and the sum of
gross over all entries is what was charged less what was refunded."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Booking
from bookings.pricing import PricingPolicy, commission_split, net_payout
from payments.models import EarningEntry, Refund

Kind = EarningEntry.Kind


def _add(
    *, booking: Booking, kind: str, gross: int, commission: int, at: datetime,
    refund: Refund | None = None,
) -> EarningEntry | None:  # fmt: skip
    """Write one entry; the same booking and kind twice (a retried task) writes one."""
    if booking.helper_id is None:
        return None
    try:
        with transaction.atomic():
            return EarningEntry.objects.create(
                helper_id=booking.helper_id, booking=booking, kind=kind, gross=gross,
                commission=commission, amount=gross - commission, at=at, refund=refund,
            )  # fmt: skip
    except IntegrityError:
        return EarningEntry.objects.filter(booking=booking, kind=kind, refund=refund).first()


def ledger_job(*, booking: Booking, at: datetime | None = None) -> EarningEntry | None:
    """The visit is completed: the helper earns its net payout. A free follow-up pays what the
    follow-up rule says (Booking.payout_for), out of Mila's pocket: nothing paid, a negative
    commission."""
    at = at or timezone.now()
    if booking.follow_up_of_id is not None:
        payout = booking.payout_for(booking.helper_id)
        if payout <= 0:
            return None
        return _add(booking=booking, kind=Kind.FOLLOW_UP, gross=0, commission=-payout, at=at)
    net = net_payout(booking.price_total, booking.commission)
    return _add(booking=booking, kind=Kind.JOB, gross=booking.price_total,
                commission=booking.price_total - net, at=at)  # fmt: skip


def ledger_fee(*, booking: Booking, at: datetime | None = None) -> EarningEntry | None:
    """The customer owes a fee (cancelled late, or not there): the helper who kept the time
    free gets it less the commission."""
    fee = booking.cancellation_fee
    if fee <= 0:
        return None
    commission, _share = commission_split(fee, PricingPolicy.from_settings())
    kind = Kind.NO_SHOW_FEE if booking.no_show else Kind.CANCELLATION_FEE
    return _add(booking=booking, kind=kind, gross=fee, commission=commission,
                at=at or timezone.now())  # fmt: skip


def ledger_refund(refund: Refund, *, at: datetime | None = None) -> EarningEntry | None:
    """Money given back: taken from the helper's share and the commission alike."""
    booking = refund.payment.booking
    commission, _share = commission_split(refund.amount, PricingPolicy.from_settings())
    return _add(booking=booking, kind=Kind.REFUND, gross=-refund.amount, commission=-commission,
                at=at or timezone.now(), refund=refund)  # fmt: skip
