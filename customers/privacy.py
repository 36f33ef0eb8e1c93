"""A person's rights over their data (privacy page): download everything, delete the account.

Deleting keeps what the law and the other party need (a booking's date, service, price and
postcode for accounting and the helper's records) but removes everything that identifies the
person: name, e-mail address, phone, street, problem description, inbox.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from customers.models import User
from helpers.models import HelperProfile
from helpers.services import helper_close
from notifications.models import Notification


class PrivacyError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def customer_export(*, user: User) -> dict[str, Any]:
    """Everything Mila stores about ``user``, as plain JSON-ready values."""
    bookings = (
        Booking.objects.for_customer(user)
        .select_related("service")
        .prefetch_related("events")
        .order_by("created_at")
    )
    helper = (
        HelperProfile.objects.filter(user=user)
        .prefetch_related("skills", "windows", "time_off", "offers__booking")
        .first()
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
            "phone": str(user.phone or ""), "language": user.preferred_language,
            "joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
        },
        "bookings": [_booking(b) for b in bookings],
        "messages": [
            {"kind": n.kind, "created": _iso(n.created_at), "read": _iso(n.read_at)}
            for n in Notification.objects.for_recipient(user).order_by("created_at")
        ],
        "helper_profile": _helper(helper) if helper else None,
    }  # fmt: skip


def _booking(booking: Booking) -> dict[str, Any]:
    return {
        "reference": booking.reference, "service": booking.service.slug,
        "status": booking.status, "timing": booking.timing,
        "starts_at": _iso(booking.starts_at), "ends_at": _iso(booking.ends_at),
        "address": {"street": booking.street, "postcode": booking.postcode,
                    "city": booking.city, "country": booking.country},
        "phone": booking.phone, "problem": booking.problem,
        "price_total_rappen": booking.price_total, "currency": booking.currency,
        "cancellation_fee_rappen": booking.cancellation_fee,
        "history": [{"at": _iso(e.at), "status": e.to_status, "note": e.note}
                    for e in booking.events.all()],
    }  # fmt: skip


def _helper(profile: HelperProfile) -> dict[str, Any]:
    return {
        "tier": profile.tier, "status": profile.status, "company_name": profile.company_name,
        "uid": profile.uid, "bio": profile.bio, "languages": profile.languages,
        "skills": [c.slug for c in profile.skills.all()], "postcode": profile.postcode,
        "city": profile.city, "radius_km": profile.radius_km,
        "weekly_times": [{"weekday": w.weekday, "from": f"{w.starts:%H:%M}",
                          "until": f"{w.ends:%H:%M}"} for w in profile.windows.all()],
        "time_off": [{"first_day": o.first_day.isoformat(), "last_day": o.last_day.isoformat()}
                     for o in profile.time_off.all()],
        "acceptance_rate": profile.acceptance_rate,
        # What matching knew and concluded about them for each job offered (the "why").
        "offers": [{"booking": o.booking.reference, "sent": _iso(o.sent_at), "status": o.status,
                    "answered": _iso(o.responded_at), "decline_reason": o.decline_reason,
                    "score": o.score, "why": o.breakdown}
                   for o in profile.offers.all()],
    }  # fmt: skip


@transaction.atomic
def customer_delete(*, user: User) -> None:
    """Delete an account: refused while a visit is still open (as customer or helper), since
    someone is counting on it; cancel it first."""
    user = User.objects.select_for_update().get(pk=user.pk)
    open_visits = Booking.objects.open().filter(customer=user).exists() or (
        Booking.objects.open().filter(helper__user=user).exists()
    )
    if open_visits:
        raise PrivacyError(
            _("You still have open visits. Please cancel them first, then delete your account.")
        )
    Booking.objects.filter(customer=user).update(street="", phone="", problem="")
    helper = HelperProfile.objects.filter(user=user).first()
    if helper is not None:
        helper_close(profile=helper, actor=user)
    Notification.objects.filter(recipient=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.first_name = user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
