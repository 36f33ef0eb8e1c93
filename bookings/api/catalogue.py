"""The public part of the API: the catalogue, and the price of a visit (the wizard's quote)."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from bookings.api.serializers import PolicyOut, QuoteOut, policy
from bookings.models import Booking, Service
from bookings.services.creation import booking_quote_check, booking_quotes, tier_options
from mila.api.views import ApiView, ListApiView, RetrieveApiView


class CategoryOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ServiceOut(serializers.ModelSerializer[Service]):
    name = serializers.CharField(read_only=True, help_text="In the caller's language.")
    summary = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    category = CategoryOut(read_only=True)
    price = serializers.IntegerField(read_only=True, help_text="Rappen, a Friend's base price.")
    currency = serializers.CharField(default="CHF", read_only=True)
    tiers = serializers.ListField(child=serializers.ChoiceField(choices=Booking.Tier.choices),
                                  read_only=True)  # fmt: skip

    class Meta:
        model = Service
        fields = ["slug", "name", "summary", "description", "category", "duration_minutes",
                  "price", "currency", "pro_only", "tiers"]  # fmt: skip
        read_only_fields = fields


def bookable_services() -> QuerySet[Service]:
    return (
        Service.objects.bookable()
        .select_related("category")
        .order_by("category__position", "position", "pk")
    )


@extend_schema(tags=["catalogue"], summary="The services that can be booked")
class ServiceList(ListApiView):
    permission_classes = [AllowAny]
    serializer_class = ServiceOut

    def get_queryset(self) -> QuerySet[Service]:
        return bookable_services()


@extend_schema(tags=["catalogue"], summary="One service")
class ServiceDetail(RetrieveApiView):
    permission_classes = [AllowAny]
    serializer_class = ServiceOut
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Service]:
        return bookable_services()


class QuoteIn(serializers.Serializer):
    service = serializers.SlugRelatedField(slug_field="slug", queryset=Service.objects.bookable())
    postcode = serializers.CharField(max_length=10)
    country = serializers.ChoiceField(choices=Booking.Country.choices, default="CH")
    timing = serializers.ChoiceField(choices=Booking.Timing.choices)
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Required when timing is 'scheduled'."
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["timing"] == Booking.Timing.SCHEDULED and not data.get("starts_at"):
            raise serializers.ValidationError({"starts_at": [_("Please choose a time.")]})
        return data


class QuoteResultOut(serializers.Serializer):
    service = serializers.SlugField()
    postcode = serializers.CharField()
    towns = serializers.ListField(child=serializers.CharField())
    timing = serializers.CharField()
    starts_at = serializers.DateTimeField(allow_null=True)
    options = QuoteOut(many=True, help_text="One per helper type that does the service.")
    policy = PolicyOut()


QUOTE_EXAMPLE = OpenApiExample(
    "Wi-Fi set-up tomorrow at 10:00",
    value={"service": "wifi-setup", "postcode": "8001", "country": "CH",
           "timing": "scheduled", "starts_at": "2026-12-03T10:00:00+01:00"},
    request_only=True,
)  # fmt: skip


@extend_schema(
    tags=["catalogue"], summary="The price of a visit",
    description="What the booking would cost with each helper type, for this service, address "
    "and time: the same checks and prices as the booking wizard. A refusal (postcode we do not "
    "reach, a time that cannot be booked) is a 409 with the reason.",
    request=QuoteIn, responses={200: QuoteResultOut}, examples=[QUOTE_EXAMPLE],
)  # fmt: skip
class QuoteView(ApiView):
    permission_classes = [AllowAny]
    api_conflicts = True

    def post(self, request: Request) -> Response:
        given = QuoteIn(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        now = timezone.now()
        starts_at = data.get("starts_at") if data["timing"] == Booking.Timing.SCHEDULED else None
        place = booking_quote_check(
            service=data["service"], postcode=data["postcode"], country=data["country"],
            timing=data["timing"], starts_at=starts_at, now=now,
        )  # fmt: skip
        quotes = booking_quotes(service=data["service"], starts_at=starts_at, now=now)
        options = tier_options(quotes, starts_at=starts_at or now)
        return Response({
            "service": data["service"].slug, "postcode": place.postcode,
            "towns": list(place.towns), "timing": data["timing"], "starts_at": starts_at,
            "options": QuoteOut(options, many=True).data, "policy": policy(),
        })  # fmt: skip
