"""A person's rights over their data (privacy page): download everything, delete the account.

Deleting keeps what the law and the other party need (a booking's date, service, price and
postcode for accounting and the helper's records) but removes everything that identifies the
person: name, e-mail address, phone, address, everything they wrote, inbox. customers/
personal_data.py says, field by field, what deletion does; a test holds every text field to it.
"""

import re
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, BookingEvent, VisitReport, WaitlistEntry
from bookings.selectors import customer_events
from customers.models import User
from helpers.models import HelperProfile
from helpers.services import helper_close
from notifications.models import Notification
from payments.models import Payment, Refund, StripeEvent
from reviews.models import Review, ReviewEvent


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
        # Staff's internal notes stay internal here too, as on the booking page.
        .prefetch_related(Prefetch("events", queryset=customer_events()))
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
        "waitlist": [
            {"postcode": w.postcode, "country": w.country, "service": w.service.slug,
             "language": w.language, "signed_up": _iso(w.created_at)}
            for w in _waitlist_of(user).select_related("service").order_by("created_at")
        ],
        "reviews_written": [
            {"booking": r.booking.reference, "stars": r.stars, "comment": r.comment,
             "status": r.status, "written": _iso(r.created_at)}
            for r in Review.objects.filter(author=user).select_related("booking")
            .order_by("created_at")
        ],
        "reviews_received": [
            {"booking": r.booking.reference, "stars": r.stars, "comment": r.comment,
             "reply": r.reply, "status": r.status, "written": _iso(r.created_at)}
            for r in Review.objects.filter(helper=helper).select_related("booking")
            .order_by("created_at")
        ] if helper else [],
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
    _erase_bookings(user)
    helper = HelperProfile.objects.filter(user=user).first()
    if helper is not None:
        helper_close(profile=helper, actor=user)
    Notification.objects.filter(recipient=user).delete()
    _waitlist_of(user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()  # every browser and app token signed out
    old_email = user.email
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.first_name = user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    _erase_admin_log(user, helper, old_email=old_email)


def _erase_bookings(user: User) -> None:
    """What the person typed on their bookings, what anyone noted about their visits and they
    noted on jobs, the helper's report on their home, and what others' inboxes repeat of it."""
    bookings = Booking.objects.filter(customer=user)
    bookings.update(street="", phone="", problem="", city="", cancellation_reason="")
    Refund.objects.filter(payment__booking__customer=user).exclude(reason="").update(reason="")
    intents = Payment.objects.filter(booking__customer=user, stripe_intent_id__isnull=False)
    StripeEvent.objects.filter(intent_id__in=intents.values("stripe_intent_id")).delete()
    noted = BookingEvent.objects.filter(Q(booking__customer=user) | Q(actor=user))
    jobs = set(noted.filter(actor=user).exclude(booking__customer=user).values_list(
        "booking__reference", flat=True))  # fmt: skip
    noted.exclude(note="").update(note="")
    VisitReport.objects.filter(booking__customer=user).update(
        work_done="", recommendations="", devices=[]
    )
    Review.objects.filter(author=user).exclude(comment="").update(comment="")
    Review.objects.filter(helper__user=user).exclude(reply="").update(reply="")
    ReviewEvent.objects.filter(Q(review__author=user) | Q(actor=user)).exclude(reason="").update(
        reason=""
    )
    # Staff alerts and helpers' offers repeat a booking's town and the notes on it.
    _erase_from_others_inboxes(user, set(bookings.values_list("reference", flat=True)),
                               keys=("city", "note"))  # fmt: skip
    _erase_from_others_inboxes(user, jobs, keys=("note",))


def _waitlist_of(user: User) -> QuerySet[WaitlistEntry]:
    """The waitlist knows people by e-mail address only (they may sign up before they have an
    account): the rows of every address of the account, in any spelling."""
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    matching = Q(pk__in=[])
    for email in emails:
        matching |= Q(email__iexact=email)
    return WaitlistEntry.objects.filter(matching)


def _erase_from_others_inboxes(user: User, references: set[str], *, keys: tuple[str, ...]) -> None:
    notifications = Notification.objects.filter(context__reference__in=references).exclude(
        recipient=user
    )
    changed = [n for n in notifications if any(key in n.context for key in keys)]
    for notification in changed:
        for key in keys:
            notification.context.pop(key, None)
    Notification.objects.bulk_update(changed, ["context"])


def _erase_admin_log(user: User, helper: HelperProfile | None, *, old_email: str) -> None:
    """The admin's history names the account (and the helper profile) as it was: rename them
    as they are now, and replace the old address wherever else it was written."""
    if helper is not None:
        helper.user = user  # as renamed, not as cached before
    for obj in (user, helper):
        if obj is not None:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            ).update(object_repr=str(obj)[:200])
    entries = list(
        LogEntry.objects.filter(
            Q(object_repr__icontains=old_email) | Q(change_message__icontains=old_email)
        )
    )
    pattern = re.compile(re.escape(old_email), re.IGNORECASE)
    for entry in entries:
        entry.object_repr = pattern.sub(user.email, entry.object_repr)
        entry.change_message = pattern.sub(user.email, entry.change_message)
    LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])
