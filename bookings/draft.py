"""The booking wizard's answers, kept in the session between steps.

They survive signing up or logging in at the last step (Django keeps session data across
login), so a new customer never has to fill the wizard twice.
"""

import uuid
from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from bookings.models import Service
from bookings.services import BookingRequest
from helpers.models import HelperProfile

SESSION_KEY = "booking_draft"
STEPS = ("problem", "address", "time")
STEP_FIELDS = {"problem": "problem", "address": "postcode", "time": "timing"}


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

    def to_request(self, tier: str) -> BookingRequest:
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
        )
