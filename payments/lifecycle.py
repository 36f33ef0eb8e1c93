"""What payments do when a booking ends (called by the booking services, inside the booking's
transaction; provider calls run after commit, in the payments queue):

- completed: the helper's earning goes in the ledger; an invoice customer gets the invoice,
  a card customer's hold is captured for the final amount;
- cancelled or not there: a fee goes in the ledger (the helper's share); an invoice customer
  gets an invoice for it, a card hold is captured for the fee only or released.
"""

from datetime import datetime

from bookings.models import Booking
from payments.ledger import ledger_fee, ledger_job


def payments_visit_completed(*, booking: Booking, now: datetime) -> None:
    ledger_job(booking=booking, at=now)


def payments_booking_ended(*, booking: Booking, now: datetime) -> None:
    ledger_fee(booking=booking, at=now)
