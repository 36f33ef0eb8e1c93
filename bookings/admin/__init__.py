"""The bookings app's admin: importing the modules registers their model admins.

The names other code imports from ``bookings.admin`` stay importable from here.
"""

from bookings.admin import booking, catalogue, records
from bookings.admin.attention import attention_conditions, needs_helper_conditions
from bookings.admin.records import describe_breakdown, describe_event_data

__all__ = [
    "attention_conditions",
    "booking",
    "catalogue",
    "describe_breakdown",
    "describe_event_data",
    "needs_helper_conditions",
    "records",
]
