"""Does anyone serve this address? (DESIGN §6.6)

Before a visit is quoted, the wizard asks whether some approved helper with the service's
skill (a Pro for a Pros-only service) lives close enough to reach the address: their own radius
covers it, as in the candidate search's first wave (``candidates``). When times, time off and
workload are left aside, this is the search's question, so a booking it allows can be matched
and a booking it refuses could not have been.

One indexed query: per radius class, the helpers in that class's box around the address (the
boxes of ``candidates``); then the exact distance, helper by helper, until one reaches.
"""

from django.db.models import Q

from bookings.matching.slots import REACH_CLASSES_KM
from bookings.models import Service
from helpers.models import HelperProfile
from mila.lib import geo


def helpers_reach(*, service: Service, place: geo.Place) -> bool:
    """Whether some approved helper who does this service has ``place`` inside their radius."""
    helpers = HelperProfile.objects.approved().filter(
        user__is_active=True, skills=service.category_id, lat__isnull=False, lng__isnull=False
    )
    if service.pro_only:
        helpers = helpers.filter(tier=HelperProfile.Tier.PRO)
    in_boxes = Q(pk__in=[])
    smaller = 0
    for reach in REACH_CLASSES_KM:
        box = geo.bounding_box(place.lat, place.lng, reach)
        in_boxes |= Q(
            radius_km__gt=smaller, radius_km__lte=reach,
            lat__range=(box.min_lat, box.max_lat), lng__range=(box.min_lng, box.max_lng),
        )  # fmt: skip
        smaller = reach
    near = helpers.filter(in_boxes).values_list("lat", "lng", "radius_km")
    return any(
        geo.haversine_km(place.lat, place.lng, lat, lng) <= radius_km
        for lat, lng, radius_km in near.iterator(chunk_size=100)
        if lat is not None and lng is not None  # the filter says so; mypy cannot know
    )
