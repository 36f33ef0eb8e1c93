"""The booking wizard's answers, kept in the session between steps.

They survive signing up or logging in at the last step (Django keeps session data across
login), so a new customer never has to fill the wizard twice.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.utils.translation import gettext as _

from bookings.models import Service
from bookings.services import BookingRequest
from helpers.models import HelperProfile
from mila.lib.money import format_chf

SESSION_KEY = "booking_draft"
STEPS = ("problem", "address", "time")
STEP_FIELDS = {"problem": "problem", "address": "postcode", "time": "timing"}
TIME_FIELDS = ("timing", "date", "time", "starts_at")
SEEN_SALT = "bookings.draft.seen"


@dataclass(frozen=True)
class Seen:
    """What the quote page showed: the draft's version and the total of each tier (Rappen).
    The confirm form carries it back, so a booking is only made from what the customer saw."""

    version: str
    totals: dict[str, int]

    def token(self) -> str:
        return signing.dumps({"v": self.version, "t": self.totals}, salt=SEEN_SALT)

    @classmethod
    def from_token(cls, token: str) -> "Seen | None":
        """None for a missing, forged or malformed token."""
        try:
            value = signing.loads(token, salt=SEEN_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("t"), dict):
            return None
        return cls(version=str(value.get("v")), totals=value["t"])


def answers_version(answers: dict[str, Any]) -> str:
    """A short hash of a booking's answers: it changes whenever one of them does."""
    encoded = json.dumps(answers, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def not_what_was_seen(
    token: str, *, version: str, tier: str, totals: dict[str, int], changed: str
) -> str | None:
    """Why booking ``tier`` now would differ from the quote a page showed (``token``): the
    answers changed (``changed`` says how, to the reader of that page), or the price moved
    meanwhile; None if it is the same. ``totals``: each tier's price now."""
    seen = Seen.from_token(token)
    if seen is None or seen.version != version or tier not in seen.totals:
        return changed
    if seen.totals[tier] != totals[tier]:
        return _(
            "The price is now %(total)s instead of %(seen)s (it depends on how soon the visit "
            "is) — please check it again."
        ) % {"total": format_chf(totals[tier]), "seen": format_chf(seen.totals[tier])}
    return None


class BookingDraft:
    def __init__(self, session: SessionBase) -> None:
        self.session = session
        self.data: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
        self._service: Service | None = None

    def save(self) -> None:
        self.session[SESSION_KEY] = self.data

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.data = {}

    @property
    def version(self) -> str:
        """Changes whenever an answer changes (service, problem, address, time, helper), so
        a confirm form from an older page, or another window, is noticed."""
        return answers_version({name: value for name, value in self.data.items() if name != "key"})

    def is_under_way(self) -> bool:
        """Has the customer answered anything yet (beyond choosing the service)?"""
        return any(self.data.get(field) for field in STEP_FIELDS.values())

    def forget_time(self) -> None:
        for name in TIME_FIELDS:
            self.data.pop(name, None)
        self.save()

    def start(self, service: Service, helper: HelperProfile | None = None) -> None:
        """Begin (or continue) booking this service; answers for another service are kept
        except the service itself, so switching service does not mean typing it all again.
        ``helper``: the one to ask first ("Book Lena again"); otherwise nobody is."""
        self.data["service"] = service.slug
        self.data.setdefault("key", str(uuid.uuid4()))
        if helper is not None:
            self.data["helper"] = str(helper.public_id)
        else:
            self.data.pop("helper", None)
        self.save()

    @property
    def preferred_helper(self) -> HelperProfile | None:
        """The helper to ask first, while they are approved and do this kind of job."""
        public_id, service = self.data.get("helper"), self.service
        if not public_id or service is None:
            return None
        return (
            HelperProfile.objects.approved()
            .select_related("user")
            .filter(public_id=public_id, skills=service.category_id)
            .first()
        )

    def update(self, **values: Any) -> None:
        self.data.update(values)
        self.save()

    @property
    def service(self) -> Service | None:
        slug = self.data.get("service")
        if slug and (self._service is None or self._service.slug != slug):
            self._service = (
                Service.objects.bookable().select_related("category").filter(slug=slug).first()
            )
        return self._service if slug else None

    @property
    def starts_at(self) -> datetime | None:
        value = self.data.get("starts_at")
        return datetime.fromisoformat(value) if value else None

    @property
    def key(self) -> uuid.UUID:
        if "key" not in self.data:
            self.data["key"] = str(uuid.uuid4())
            self.save()
        return uuid.UUID(self.data["key"])

    def renew_key(self) -> None:
        self.data["key"] = str(uuid.uuid4())
        self.save()

    def first_missing_step(self) -> str | None:
        for step in STEPS:
            if not self.data.get(STEP_FIELDS[step]):
                return step
        return None

    def step_data(self, step: str) -> dict[str, Any]:
        fields = {
            "problem": ["problem"],
            "address": ["street", "postcode", "city", "country", "phone"],
            "time": ["timing", "date", "time"],
        }[step]
        return {name: self.data[name] for name in fields if name in self.data}

    def to_request(self, tier: str, payment_method: str = "invoice") -> BookingRequest:
        service = self.service
        assert service is not None
        return BookingRequest(
            service=service,
            tier=tier,
            problem=self.data["problem"],
            street=self.data["street"],
            postcode=self.data["postcode"],
            city=self.data.get("city", ""),
            country=self.data["country"],
            phone=self.data["phone"],
            timing=self.data["timing"],
            starts_at=self.starts_at,
            preferred_helper=self.preferred_helper,
            payment_method=payment_method,
        )
