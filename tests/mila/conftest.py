"""The small world the site-wide sweeps walk through."""

from typing import Any

import pytest

from bookings.draft import STEPS
from bookings.models import Service, ServiceCategory
from tests.factories import (
    BookingFactory,
    HelperProfileFactory,
    NotificationFactory,
    TimeOffFactory,
    UserFactory,
)


@pytest.fixture
def world(catalogue: None) -> dict[str, Any]:
    """One of everything a role can open: bookings in several states, an inbox entry, time
    off, a helper with a public page and a calendar feed."""
    customer = UserFactory(first_name="Kunde")
    helper = HelperProfileFactory(skills=list(ServiceCategory.objects.all()[:2]))
    service = Service.objects.filter(active=True).earliest("pk")
    confirmed = BookingFactory(
        customer=customer, helper=helper, service=service, status="confirmed"
    )
    done = BookingFactory(customer=customer, helper=helper, service=service, status="completed")
    BookingFactory(customer=customer, service=service, status="searching")
    note = NotificationFactory(recipient=customer)
    off = TimeOffFactory(helper=helper)
    staff = UserFactory(is_staff=True, is_superuser=True)
    values = {
        "reference": [confirmed.reference, done.reference],
        "slug": [service.slug],
        "step": list(STEPS),
        "pk": [note.pk, off.pk],
        "public_id": [helper.public_id],
        "token": [helper.calendar_token],
    }
    return {"customer": customer, "helper": helper.user, "staff": staff, "values": values}
