"""Data migrations of matching, run against the state they were written for."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bookings.matching.dispatch import matching_sweep
from bookings.models import Booking, Offer
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("bookings", "0007_matching_probes_per_helper")]
AFTER = [("bookings", "0008_search_what_was_already_searching")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_a_booking_searching_before_matching_existed_gets_its_first_wave(
    service, make_helper
) -> None:
    helper = make_helper()
    stranded = BookingFactory(service=service)
    confirmed = BookingFactory(service=service, status="confirmed", helper=make_helper(5))
    Booking.objects.filter(pk__in=[stranded.pk, confirmed.pk]).update(
        next_wave_at=None, searching_at=None
    )
    migrate(BEFORE)
    migrate(AFTER)
    migrate(latest())  # the models below have the columns added since
    stranded.refresh_from_db()
    assert stranded.next_wave_at is not None and stranded.searching_at == stranded.created_at
    assert Booking.objects.get(pk=confirmed.pk).next_wave_at is None  # only searching ones
    assert matching_sweep(now=timezone.now()) == 1
    assert Offer.objects.filter(booking=stranded, helper=helper).exists()
