from bookings.models.booking import Booking, BookingEvent, new_reference, new_visit_code
from bookings.models.catalogue import CatalogueEntry, Service, ServiceCategory
from bookings.models.matching import HelperSlot, Offer
from bookings.models.visit import Reminder, VisitReport, WithdrawReason
from bookings.models.waitlist import WaitlistEntry

__all__ = [
    "Booking",
    "BookingEvent",
    "CatalogueEntry",
    "HelperSlot",
    "Offer",
    "Reminder",
    "Service",
    "ServiceCategory",
    "VisitReport",
    "WaitlistEntry",
    "WithdrawReason",
    "new_reference",
    "new_visit_code",
]
