"""A customer's own bookings through the API: list, book, see one, cancel (after the fee
preview), move, rate the visit. The same services as the booking pages do the work; another
customer's booking is not found (404), never forbidden."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from bookings.api.customer_serializers import (
    BookingDetailOut,
    BookingIn,
    BookingOut,
    CancelIn,
    CancellationOut,
    CancelOut,
    RescheduleIn,
    RescheduleOptionsOut,
    ReviewIn,
    ReviewOut,
    cancellation,
)
from bookings.models import Booking, BookingEvent
from bookings.policy import BookingPolicy
from bookings.selectors import booking_detail_for_customer, bookings_for_customer
from bookings.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    booking_move_refusal,
    booking_reschedule,
    cancellation_preview,
)
from bookings.texts import cancellation_fee_message
from mila.api.views import GenericApiView, ListApiView, RetrieveApiView
from reviews.services import review_create

TAGS = ["bookings"]
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=True,
    description="A new UUID for each booking the customer means to make. Sending the same "
    "key again (a retry after a lost answer) books nothing more: the answer is the booking "
    "the first request made, with status 200 instead of 201.",
)  # fmt: skip


def detail_queryset(user: Any) -> QuerySet[Booking]:
    return booking_detail_for_customer(user).select_related("review")


def detail(booking: Booking) -> dict[str, Any]:
    """The booking as GET /bookings/{reference}/ shows it, read afresh after a change."""
    fresh = detail_queryset(booking.customer).get(pk=booking.pk)
    return dict(BookingDetailOut(fresh, context={"now": timezone.now()}).data)


class CustomerBookingView(GenericApiView):
    """An action on one of the caller's bookings, found by its reference."""

    lookup_field = "reference"
    api_conflicts = True

    def get_queryset(self) -> QuerySet[Booking]:
        return bookings_for_customer(self.request.user)


@extend_schema(tags=TAGS)
class BookingListCreate(ListApiView):
    serializer_class = BookingOut
    api_conflicts = True

    def get_queryset(self) -> QuerySet[Booking]:
        return bookings_for_customer(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(summary="My bookings", description="The caller's bookings, newest first.")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Book a visit",
        description="Books as the wizard does: the same checks (service, postcode reached by "
        "a helper, a time that can be booked) and the price worked out by the server. A "
        "refusal is a 409 with the reason. With payment_method 'card' the booking waits for "
        "the card (status 'requested'; links.pay).",
        parameters=[IDEMPOTENCY_KEY], request=BookingIn,
        responses={201: BookingDetailOut,
                   200: OpenApiResponse(BookingDetailOut, description="The key was used "
                                        "before: the booking it made, unchanged.")},
        examples=[OpenApiExample(
            "Wi-Fi set-up tomorrow at 10:00, by invoice", request_only=True,
            value={"service": "wifi-setup", "tier": "friend",
                   "problem": "The Wi-Fi drops in the bedroom every evening.",
                   "street": "Limmatquai 1", "postcode": "8001", "city": "Zürich",
                   "country": "CH", "phone": "079 123 45 67", "timing": "scheduled",
                   "starts_at": "2026-12-03T10:00:00+01:00", "payment_method": "invoice"},
        )],
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        key = idempotency_key(request)
        given = BookingIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        now = timezone.now()
        booking = booking_create(
            customer=request.user, request=BookingRequest(**data), idempotency_key=key, now=now
        )
        created = booking.created_at == now  # else: made by an earlier request with this key
        return Response(detail(booking), status=201 if created else 200)


def idempotency_key(request: Request) -> uuid.UUID:
    value = request.headers.get("Idempotency-Key", "").strip()
    try:
        return uuid.UUID(value)
    except ValueError:
        message = (
            _("Please send an Idempotency-Key header with a new UUID for each booking.")
            if not value
            else _("The Idempotency-Key header must be a UUID.")
        )
        raise serializers.ValidationError({"Idempotency-Key": [message]}) from None


@extend_schema(
    tags=TAGS,
    summary="One of my bookings",
    description="With its timeline, what happens now and what can still be changed.",
)
class BookingDetail(RetrieveApiView):
    serializer_class = BookingDetailOut
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[Booking]:
        return detail_queryset(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}


@extend_schema(tags=TAGS, summary="What cancelling costs now",
               description="Show this before the customer confirms, and send its fee back as "
               "expected_fee.", responses={200: CancellationOut})  # fmt: skip
class BookingCancellation(CustomerBookingView):
    def get(self, request: Request, reference: str) -> Response:
        booking = self.get_object()
        terms = cancellation_preview(booking=booking)
        return Response(
            CancellationOut(cancellation(booking, terms, cancellation_fee_message(terms))).data
        )


@extend_schema(
    tags=TAGS, summary="Cancel a booking",
    description="Cancels at the fee the customer was shown, or less. If it costs more by now "
    "(a helper accepted, the free period ended), nothing is cancelled: 409 fee_changed, and "
    "the customer sees the new fee. Cancelling a cancelled booking changes nothing.",
    request=CancelIn, responses={200: CancelOut},
    examples=[OpenApiExample("Free of charge, with a reason", request_only=True,
                             value={"expected_fee": 0, "reason": "The Wi-Fi works again."})],
)  # fmt: skip
class BookingCancel(CustomerBookingView):
    def post(self, request: Request, reference: str) -> Response:
        booking = self.get_object()
        given = CancelIn(data=request.data)
        given.is_valid(raise_exception=True)
        result = booking_cancel(
            booking=booking, actor=request.user, role=BookingEvent.Role.CUSTOMER,
            reason=given.validated_data["reason"],
            expected_fee=given.validated_data["expected_fee"],
        )  # fmt: skip
        return Response({"fee": result.fee, "already_cancelled": result.already_cancelled,
                         "booking": detail(result.booking)})  # fmt: skip


class BookingReschedule(CustomerBookingView):
    @extend_schema(tags=TAGS, summary="Whether the visit can be moved",
                   responses={200: RescheduleOptionsOut})  # fmt: skip
    def get(self, request: Request, reference: str) -> Response:
        booking = self.get_object()
        refusal = booking_move_refusal(booking=booking)
        moves_left = BookingPolicy.from_settings().max_reschedules - booking.reschedule_count
        return Response(RescheduleOptionsOut({
            "can_move": refusal is None, "refusal": refusal, "moves_left": max(moves_left, 0),
            "total": booking.price_total,
            "total_without_surcharge": booking.price_total - booking.price_surcharge,
            "currency": booking.currency,
        }).data)  # fmt: skip

    @extend_schema(
        tags=TAGS, summary="Move the visit",
        description="Free of charge until 24 h before the start, at most twice; the helper is "
        "asked again for the new time. A last-minute surcharge falls away for a time that is "
        "no longer last-minute. A refusal is a 409 with the reason.",
        request=RescheduleIn, responses={200: BookingDetailOut},
        examples=[OpenApiExample("To Friday at 14:00", request_only=True,
                                 value={"starts_at": "2026-12-04T14:00:00+01:00"})],
    )  # fmt: skip
    def post(self, request: Request, reference: str) -> Response:
        booking = self.get_object()
        given = RescheduleIn(data=request.data)
        given.is_valid(raise_exception=True)
        moved = booking_reschedule(
            booking=booking, actor=request.user, starts_at=given.validated_data["starts_at"]
        )
        return Response(detail(moved))


@extend_schema(
    tags=TAGS, summary="Rate the visit",
    description="1 to 5 stars and an optional comment, once, within 30 days of a completed "
    "visit; it counts in the helper's rating at once.",
    request=ReviewIn, responses={201: ReviewOut},
    examples=[OpenApiExample("Five stars", request_only=True,
                             value={"stars": 5, "comment": "Quick, friendly and patient."})],
)  # fmt: skip
class BookingReview(CustomerBookingView):
    def post(self, request: Request, reference: str) -> Response:
        booking = self.get_object()
        given = ReviewIn(data=request.data)
        given.is_valid(raise_exception=True)
        review = review_create(booking=booking, user=request.user, **given.validated_data)
        return Response(ReviewOut(review).data, status=status.HTTP_201_CREATED)
