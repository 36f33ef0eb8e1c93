"""The booking status machine: every edge, every role, the actor check and compare-and-set."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import translation

from bookings import machine
from bookings.models import Booking, BookingEvent
from bookings.services import BookingError, booking_transition
from helpers.models import HelperProfile
from tests.factories import BookingFactory, HelperProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Booking.Status
R = BookingEvent.Role
MOMENT = datetime(2030, 1, 7, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Hundreds of users are made here; Argon2 would take most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row(booking: Booking) -> dict[str, Any]:
    """Everything stored about a booking, to show that a refused change changed nothing."""
    return dict(Booking.objects.values().get(pk=booking.pk))


def events(booking: Booking) -> list[tuple[str, str, str, int | None]]:
    return list(
        BookingEvent.objects.filter(booking=booking).values_list(
            "from_status", "to_status", "role", "actor_id"
        )
    )


# The edges of DESIGN §4, written out independently of bookings.machine.
DESIGN_EDGES = {
    (S.REQUESTED, S.SEARCHING): {R.SYSTEM},
    (S.REQUESTED, S.CANCELLED): {R.CUSTOMER, R.STAFF, R.SYSTEM},
    (S.SEARCHING, S.CONFIRMED): {R.HELPER, R.STAFF},
    (S.SEARCHING, S.UNFULFILLED): {R.SYSTEM, R.STAFF},
    (S.SEARCHING, S.CANCELLED): {R.CUSTOMER, R.STAFF},
    (S.CONFIRMED, S.SEARCHING): {R.HELPER, R.CUSTOMER, R.STAFF},
    (S.CONFIRMED, S.EN_ROUTE): {R.HELPER},
    (S.CONFIRMED, S.CANCELLED): {R.CUSTOMER, R.HELPER, R.STAFF},
    (S.EN_ROUTE, S.SEARCHING): {R.HELPER, R.STAFF},
    (S.EN_ROUTE, S.IN_PROGRESS): {R.HELPER},
    (S.EN_ROUTE, S.CANCELLED): {R.CUSTOMER, R.HELPER, R.STAFF},
    (S.IN_PROGRESS, S.COMPLETED): {R.HELPER, R.STAFF},
    (S.IN_PROGRESS, S.CANCELLED): {R.STAFF},
    (S.UNFULFILLED, S.CONFIRMED): {R.STAFF},
    (S.UNFULFILLED, S.SEARCHING): {R.CUSTOMER, R.STAFF},
    (S.UNFULFILLED, S.CANCELLED): {R.CUSTOMER, R.STAFF, R.SYSTEM},
}


def test_machine_matches_the_design() -> None:
    allowed = {
        (src, dst): {role for role in R if machine.is_allowed(src, dst, role)}
        for src in S
        for dst in S
    }
    assert {edge: roles for edge, roles in allowed.items() if roles} == DESIGN_EDGES
    # Nothing leaves a final status except UNFULFILLED (staff assign, or a new time).
    assert not any(machine.is_allowed(S.COMPLETED, dst, role) for dst in S for role in R)
    assert not any(machine.is_allowed(S.CANCELLED, dst, role) for dst in S for role in R)


@pytest.mark.parametrize("role", list(R))
@pytest.mark.parametrize("to", list(S))
@pytest.mark.parametrize("src", list(S))
def test_every_transition(src: str, to: str, role: str) -> None:
    booking = BookingFactory(status=src)
    newcomer = HelperProfileFactory() if to == S.CONFIRMED or role == R.HELPER else None
    actor: Any
    if role == R.SYSTEM:
        actor = None
    elif role == R.CUSTOMER:
        actor = booking.customer
    elif role == R.STAFF:
        actor = UserFactory(is_staff=True)
    elif newcomer is not None and (to == S.CONFIRMED or booking.helper is None):
        actor = newcomer.user
    else:
        actor = booking.helper.user
    assigned = newcomer if to == S.CONFIRMED else None
    before = row(booking)

    if not machine.is_allowed(src, to, role):
        with pytest.raises(BookingError) as refused:
            booking_transition(
                booking=booking, to=to, actor=actor, role=role, helper=assigned, now=MOMENT
            )
        assert refused.value.code == "transition"
        assert row(booking) == before
        assert events(booking) == []
        return

    returned = booking_transition(
        booking=booking,
        to=to,
        actor=actor,
        role=role,
        helper=assigned,
        now=MOMENT,
    )
    assert returned.status == to
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == to
    assert getattr(stored, machine.TIMESTAMP_FIELD[S(to)]) == MOMENT
    if to == S.CONFIRMED:
        assert stored.helper == newcomer
    elif to in (S.SEARCHING, S.UNFULFILLED):
        assert stored.helper is None
    else:
        assert stored.helper_id == before["helper_id"]
    assert events(booking) == [(src, to, role, actor.pk if actor else None)]
    assert BookingEvent.objects.get(booking=booking).at == MOMENT


def test_the_matrix_has_both_outcomes() -> None:
    cases = [(src, to, role) for src in S for to in S for role in R]
    allowed = [case for case in cases if machine.is_allowed(*case)]
    assert len(cases) == 256
    assert len(allowed) == sum(len(roles) for roles in DESIGN_EDGES.values()) == 32


WRONG_ACTORS = [
    # (from, to, role, who claims the role)
    (S.SEARCHING, S.CANCELLED, R.CUSTOMER, "another customer"),
    (S.SEARCHING, S.CANCELLED, R.CUSTOMER, "nobody"),
    (S.CONFIRMED, S.CANCELLED, R.CUSTOMER, "the helper"),
    (S.SEARCHING, S.UNFULFILLED, R.STAFF, "a customer who is not staff"),
    (S.SEARCHING, S.UNFULFILLED, R.STAFF, "nobody"),
    (S.IN_PROGRESS, S.CANCELLED, R.STAFF, "the customer"),
    (S.CONFIRMED, S.EN_ROUTE, R.HELPER, "another helper"),
    (S.CONFIRMED, S.EN_ROUTE, R.HELPER, "the customer"),
    (S.EN_ROUTE, S.IN_PROGRESS, R.HELPER, "another helper"),
    (S.SEARCHING, S.CONFIRMED, R.HELPER, "another helper"),
    (S.REQUESTED, S.SEARCHING, R.SYSTEM, "a staff member"),
    (S.UNFULFILLED, S.CANCELLED, R.SYSTEM, "the customer"),
]


@pytest.mark.parametrize(("src", "to", "role", "who"), WRONG_ACTORS)
def test_wrong_actor_for_an_allowed_edge_is_forbidden(
    src: str, to: str, role: str, who: str
) -> None:
    assert machine.is_allowed(src, to, role)
    booking = BookingFactory(status=src)
    people = {
        "another customer": lambda: UserFactory(),
        "nobody": lambda: None,
        "the helper": lambda: booking.helper.user,
        "a customer who is not staff": lambda: UserFactory(is_staff=False),
        "the customer": lambda: booking.customer,
        "another helper": lambda: HelperProfileFactory().user,
        "a staff member": lambda: UserFactory(is_staff=True),
    }
    actor = people[who]()
    # Accepting: the helper being assigned is not the one who claims to accept.
    assigned = HelperProfileFactory() if to == S.CONFIRMED else None
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_transition(booking=booking, to=to, actor=actor, role=role, helper=assigned)
    assert refused.value.code == "forbidden"
    assert row(booking) == before
    assert events(booking) == []


@pytest.mark.parametrize("to", [S.SEARCHING, S.CANCELLED])
def test_a_helper_cannot_act_on_another_helpers_booking_by_naming_themselves(to: str) -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    impostor = HelperProfileFactory()
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_transition(
            booking=booking, to=to, actor=impostor.user, role=R.HELPER, helper=impostor
        )
    assert refused.value.code == "forbidden"
    assert row(booking) == before
    assert events(booking) == []


@pytest.mark.parametrize("src", [S.SEARCHING, S.UNFULFILLED])
def test_confirming_needs_a_helper(src: str) -> None:
    booking = BookingFactory(status=src)
    before = row(booking)
    with pytest.raises(BookingError) as refused:
        booking_transition(
            booking=booking, to=S.CONFIRMED, actor=UserFactory(is_staff=True), role=R.STAFF
        )
    assert refused.value.code == "helper"
    assert row(booking) == before
    assert events(booking) == []


def test_a_helper_accepting_is_assigned_and_recorded() -> None:
    booking = BookingFactory()
    helper = HelperProfileFactory()
    booking_transition(
        booking=booking, to=S.CONFIRMED, actor=helper.user, role=R.HELPER, helper=helper
    )
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, helper)
    assert booking.confirmed_at is not None
    assert events(booking) == [(S.SEARCHING, S.CONFIRMED, R.HELPER, helper.user.pk)]


@pytest.mark.parametrize(
    ("src", "role"),
    [(S.CONFIRMED, R.HELPER), (S.CONFIRMED, R.CUSTOMER), (S.EN_ROUTE, R.STAFF)],
)
def test_going_back_to_searching_clears_the_helper(src: str, role: str) -> None:
    booking = BookingFactory(status=src)
    helper = booking.helper
    assert helper is not None
    people: dict[str, Any] = {
        R.HELPER: helper.user,
        R.CUSTOMER: booking.customer,
        R.STAFF: UserFactory(is_staff=True),
    }
    actor = people[role]
    booking_transition(booking=booking, to=S.SEARCHING, actor=actor, role=role)
    assert booking.helper is None
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.SEARCHING, None)


def test_note_and_data_are_recorded() -> None:
    booking = BookingFactory()
    booking_transition(
        booking=booking,
        to=S.UNFULFILLED,
        actor=None,
        role=R.SYSTEM,
        note="No helper within the deadline",
        data={"waves": 3},
    )
    event = BookingEvent.objects.get(booking=booking)
    assert (event.note, event.data) == ("No helper within the deadline", {"waves": 3})
    assert Booking.objects.get(pk=booking.pk).unfulfilled_at is not None


def test_a_stale_booking_is_refused_as_concurrent() -> None:
    booking = BookingFactory()
    first_helper, second_helper = HelperProfileFactory(), HelperProfileFactory()
    stale = Booking.objects.get(pk=booking.pk)
    staff = UserFactory(is_staff=True)

    booking_transition(
        booking=booking, to=S.CONFIRMED, actor=staff, role=R.STAFF, helper=first_helper
    )
    assert stale.status == S.SEARCHING  # this copy did not see the change
    with pytest.raises(BookingError) as refused:
        booking_transition(
            booking=stale, to=S.CONFIRMED, actor=staff, role=R.STAFF, helper=second_helper
        )
    assert refused.value.code == "concurrent"
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.helper) == (S.CONFIRMED, first_helper)
    assert events(booking) == [(S.SEARCHING, S.CONFIRMED, R.STAFF, staff.pk)]


def test_a_change_behind_the_objects_back_is_refused_as_concurrent() -> None:
    booking = BookingFactory()
    Booking.objects.filter(pk=booking.pk).update(status=S.CANCELLED)
    with pytest.raises(BookingError) as refused:
        booking_transition(booking=booking, to=S.UNFULFILLED, actor=None, role=R.SYSTEM)
    assert refused.value.code == "concurrent"
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.unfulfilled_at) == (S.CANCELLED, None)
    assert events(booking) == []


def test_a_suspended_helper_cannot_act_on_their_booking() -> None:
    booking = BookingFactory(status=S.CONFIRMED)
    booking.helper.status = "suspended"
    booking.helper.save()
    with pytest.raises(BookingError) as refused:
        booking_transition(booking=booking, to=S.EN_ROUTE, actor=booking.helper.user, role=R.HELPER)
    assert refused.value.code == "forbidden"


# --- who may be assigned: an approved helper, and for a Pro booking a Pro ----------------------


def _refusal(**transition: Any) -> tuple[str, str]:
    """The code and the (English) message of a transition that is refused."""
    with translation.override("en"):
        with pytest.raises(BookingError) as refused:
            booking_transition(**transition)
        return refused.value.code, str(refused.value.message)


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
@pytest.mark.parametrize("src", [S.SEARCHING, S.UNFULFILLED])
def test_staff_cannot_assign_a_helper_who_is_not_approved(src: str, status: str) -> None:
    booking = BookingFactory(status=src)
    helper = HelperProfileFactory(status=status)
    before = row(booking)
    refusal = _refusal(booking=booking, to=S.CONFIRMED, actor=UserFactory(is_staff=True),
                       role=R.STAFF, helper=helper)  # fmt: skip
    assert refusal == ("helper", "This helper is not approved.")
    assert row(booking) == before
    assert events(booking) == []


def _staff_or(helper: Any, role: str) -> Any:
    return helper.user if role == R.HELPER else UserFactory(is_staff=True)


@pytest.mark.parametrize("role", [R.HELPER, R.STAFF])
def test_a_pro_booking_goes_to_a_pro_only(role: str) -> None:
    booking = BookingFactory(tier=Booking.Tier.PRO)
    friend = HelperProfileFactory(tier=HelperProfile.Tier.FRIEND)
    before = row(booking)
    refusal = _refusal(booking=booking, to=S.CONFIRMED, actor=_staff_or(friend, role),
                       role=role, helper=friend)  # fmt: skip
    assert refusal == ("helper", "This booking needs a Pro.")
    assert row(booking) == before
    assert events(booking) == []
    pro = HelperProfileFactory(tier=HelperProfile.Tier.PRO, company_name="Tech Hilfe GmbH")
    booking_transition(booking=booking, to=S.CONFIRMED, actor=_staff_or(pro, role), role=role,
                       helper=pro)  # fmt: skip
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, pro)


def test_a_friend_booking_may_go_to_a_pro() -> None:
    booking = BookingFactory(tier=Booking.Tier.FRIEND)
    pro = HelperProfileFactory(tier=HelperProfile.Tier.PRO, company_name="Tech Hilfe GmbH")
    booking_transition(booking=booking, to=S.CONFIRMED, actor=pro.user, role=R.HELPER, helper=pro)
    booking.refresh_from_db()
    assert (booking.status, booking.helper) == (S.CONFIRMED, pro)
