"""The helper app's endpoints: my offers (accept, decline), my jobs and the visit (on my way,
start at the door, complete with the report), my weekly times and time off, my earnings.
The same selectors and services as the helper's pages; only an approved helper may call
them (anyone else signed in gets 403)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from bookings.api.helper_serializers import (
    HelperAvailabilityIn,
    HelperAvailabilityOut,
    HelperCompleteIn,
    HelperDeclinedOut,
    HelperDeclineIn,
    HelperEarningsOut,
    HelperJobDetailOut,
    HelperJobOut,
    HelperOfferOut,
    HelperOnMyWayIn,
    HelperStartIn,
    HelperTimeOffIn,
    HelperTimeOffOut,
)
from bookings.matching.responses import offer_accept, offer_decline
from bookings.models import Booking, Offer
from bookings.pricing import PricingPolicy
from bookings.selectors import (
    helper_open_offers,
    helper_recent_jobs,
    helper_upcoming_jobs,
    job_for_helper,
    job_given_back,
    offer_for_helper,
)
from bookings.services.visit import (
    VisitReportInput,
    visit_complete,
    visit_on_my_way,
    visit_start,
)
from helpers.availability import Window
from helpers.models import HelperProfile
from helpers.selectors import helper_profile_for
from helpers.services import availability_set_windows, time_off_add, time_off_delete
from mila.api.views import ApiView, ListApiView
from payments.earnings import helper_earnings_by_month

TAGS = ["helper"]
REFERENCE = OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="The booking's reference, e.g. MX7Q2K4PA.")  # fmt: skip


class IsApprovedHelper(BasePermission):
    """Signed in, with a helper profile our team approved. The profile waits on the view."""

    message = _("Only approved helpers can do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        profile = helper_profile_for(request.user)
        if profile is None or profile.status != HelperProfile.Status.APPROVED:
            return False
        view.helper = profile
        return True


class HelperEndpoint:
    permission_classes = [IsApprovedHelper]
    helper: HelperProfile


# --- offers ------------------------------------------------------------------------------


@extend_schema(
    tags=TAGS, summary="My open offers",
    description="The jobs offered to you and still waiting for your answer, the one expiring "
    "first on top. Where the visit is (postcode and town; the street comes with the job) and "
    "what you earn, net.",
)  # fmt: skip
class OfferList(HelperEndpoint, ListApiView):
    serializer_class = HelperOfferOut

    def get_queryset(self) -> QuerySet[Offer]:
        if getattr(self, "swagger_fake_view", False):
            return Offer.objects.none()
        return helper_open_offers(self.helper, timezone.now())


def _own_offer(request: Request, reference: str) -> Offer:
    offer = offer_for_helper(request.user, reference)
    if offer is None:
        raise NotFound()
    return offer


def _own_job(request: Request, reference: str) -> Booking:
    job = job_for_helper(request.user, reference)
    if job is None:
        raise NotFound()
    return job


@extend_schema(
    tags=TAGS, summary="Take the job", request=None, responses={200: HelperJobDetailOut},
    description="The job is yours: the answer is the job, now with the address and the "
    "customer's phone. Refused with 409 and the reason if someone else was faster, the offer "
    "ended, or you already have a job at that time.",
)  # fmt: skip
class OfferAccept(HelperEndpoint, ApiView):
    api_conflicts = True

    def post(self, request: Request, reference: str) -> Response:
        offer_accept(offer=_own_offer(request, reference), user=request.user)
        return Response(HelperJobDetailOut(_own_job(request, reference)).data)


@extend_schema(
    tags=TAGS, summary="Say no to an offer", request=HelperDeclineIn,
    responses={200: HelperDeclinedOut},
    description="Optionally with why not; we then ask someone else.",
    examples=[OpenApiExample("Too far", value={"reason": "too_far"}, request_only=True)],
)  # fmt: skip
class OfferDecline(HelperEndpoint, ApiView):
    api_conflicts = True

    def post(self, request: Request, reference: str) -> Response:
        given = HelperDeclineIn(data=request.data)
        given.is_valid(raise_exception=True)
        offer = offer_decline(offer=_own_offer(request, reference), user=request.user,
                              reason=given.validated_data["reason"])  # fmt: skip
        return Response(HelperDeclinedOut({"reference": reference, "status": offer.status,
                                     "decline_reason": offer.decline_reason}).data)  # fmt: skip


# --- jobs ----------------------------------------------------------------------------------


class HelperJobsQuery(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=["upcoming", "recent"], default="upcoming", required=False,
        help_text="upcoming: taken on and not finished, soonest first (as on your page); "
        "recent: completed or cancelled, newest first.",
    )  # fmt: skip


@extend_schema(tags=TAGS, summary="My jobs", parameters=[HelperJobsQuery])
class JobList(HelperEndpoint, ListApiView):
    """Your jobs with the address and the customer's phone while they are open."""

    serializer_class = HelperJobOut
    api_query_serializer = HelperJobsQuery

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        query = HelperJobsQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["period"] == "recent":
            return helper_recent_jobs(self.helper)
        return helper_upcoming_jobs(self.helper)


@extend_schema(
    tags=TAGS, summary="One of my jobs", parameters=[REFERENCE],
    responses={200: HelperJobDetailOut},
    description="What your job page shows: the address and phone while the job is open, the "
    "door code once you are on your way, the durations to choose from while the visit runs, "
    "your report once completed. Another helper's job is a 404.",
)  # fmt: skip
class JobDetail(HelperEndpoint, ApiView):
    def get(self, request: Request, reference: str) -> Response:
        return Response(HelperJobDetailOut(_own_job(request, reference)).data)


class JobAction(HelperEndpoint, ApiView):
    """A step of the visit: checks the body, then the service decides (409 with its reason
    in the wrong status, or when the step was done already)."""

    api_conflicts = True
    input_class: type[serializers.Serializer]

    def act(self, job: Booking, user: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, reference: str) -> Response:
        job = job_for_helper(request.user, reference) or job_given_back(request.user, reference)
        if job is None:
            raise NotFound()
        given = self.input_class(data=request.data, context={"job": job})
        given.is_valid(raise_exception=True)
        self.act(job, request.user, given.validated_data)
        return Response(HelperJobDetailOut(_own_job(request, reference)).data)


def _action_schema(summary: str, body: type[serializers.Serializer], example: dict[str, Any],
                   description: str) -> Callable[[Any], Any]:  # fmt: skip
    return extend_schema(
        tags=TAGS, summary=summary, description=description, request=body,
        responses={200: HelperJobDetailOut}, parameters=[REFERENCE],
        examples=[OpenApiExample(summary, value=example, request_only=True)],
    )  # fmt: skip


@_action_schema("On my way", HelperOnMyWayIn, {"eta_minutes": 15},
                "You set off; the customer is told when you arrive. From a few hours before "
                "the visit (en_route_from).")  # fmt: skip
class JobOnMyWay(JobAction):
    input_class = HelperOnMyWayIn

    def act(self, job: Booking, user: Any, data: dict[str, Any]) -> None:
        visit_on_my_way(booking=job, user=user, eta_minutes=data["eta_minutes"])


@_action_schema("Start the visit", HelperStartIn, {"door_checked": True},
                "At the door: you said the door code, the customer compared it with their "
                "booking and let you in.")  # fmt: skip
class JobStart(JobAction):
    input_class = HelperStartIn

    def act(self, job: Booking, user: Any, data: dict[str, Any]) -> None:
        visit_start(booking=job, user=user)


@_action_schema(
    "Complete the visit", HelperCompleteIn,
    {"worked_minutes": 90, "work_done": "Router moved to the hall, repeater set up.",
     "devices": ["Internet-Box 3", "Fritz!Repeater 1200"], "recommendations": "Restart monthly."},
    "How long it took and what you did. The price is worked out here from the minutes (extra "
    "time beyond the service's duration in 30-minute steps); the customer gets your report.",
)  # fmt: skip
class JobComplete(JobAction):
    input_class = HelperCompleteIn

    def act(self, job: Booking, user: Any, data: dict[str, Any]) -> None:
        report = VisitReportInput(data["work_done"], data["devices"], data["recommendations"])
        visit_complete(booking=job, user=user, worked_minutes=data["worked_minutes"],
                              report=report)  # fmt: skip


# --- availability --------------------------------------------------------------------------


def availability(helper: HelperProfile) -> dict[str, Any]:
    return HelperAvailabilityOut({
        "windows": helper.windows.all(),
        "time_off": helper.time_off.filter(last_day__gte=timezone.localdate()),
    }).data  # fmt: skip


WINDOWS_EXAMPLE = OpenApiExample(
    "Weekday mornings, Saturday afternoon",
    value={"windows": [{"weekday": day, "starts": "08:00", "ends": "12:00"} for day in range(5)]
           + [{"weekday": 5, "starts": "13:00", "ends": "17:30"}]},
    request_only=True,
)  # fmt: skip


class Availability(HelperEndpoint, ApiView):
    @extend_schema(tags=TAGS, summary="My weekly times and time off",
                   responses={200: HelperAvailabilityOut})  # fmt: skip
    def get(self, request: Request) -> Response:
        return Response(availability(self.helper))

    @extend_schema(
        tags=TAGS, summary="Replace my weekly times", request=HelperAvailabilityIn,
        responses={200: HelperAvailabilityOut}, examples=[WINDOWS_EXAMPLE],
        description="The same checks as your times page: quarter hours between 06:00 and "
        "22:00, “until” after “from”, no two times overlapping on a day, at most 28. A "
        "mistake is a 400 with the field errors, and nothing is saved.",
    )  # fmt: skip
    def put(self, request: Request) -> Response:
        given = HelperAvailabilityIn(data=request.data)
        given.is_valid(raise_exception=True)
        windows = [Window(w["weekday"], w["starts"], w["ends"])
                   for w in given.validated_data["windows"]]  # fmt: skip
        availability_set_windows(profile=self.helper, windows=windows)
        return Response(availability(self.helper))


@extend_schema(
    tags=TAGS, summary="Add time off", request=HelperTimeOffIn, responses={201: HelperTimeOffOut},
    description="Days you are away, both included: from today, at most a year ahead.",
    examples=[OpenApiExample("A week of holidays", request_only=True, value={
        "first_day": "2026-07-06", "last_day": "2026-07-12", "note": "Ferien"})],
)  # fmt: skip
class TimeOffCreate(HelperEndpoint, ApiView):
    def post(self, request: Request) -> Response:
        given = HelperTimeOffIn(data=request.data)
        given.is_valid(raise_exception=True)
        entry = time_off_add(profile=self.helper, **given.validated_data)
        return Response(HelperTimeOffOut(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=TAGS, summary="Remove time off", request=None,
    responses={204: OpenApiResponse(description="Removed.")},
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
)  # fmt: skip
class TimeOffDelete(HelperEndpoint, ApiView):
    def delete(self, request: Request, id: int) -> Response:
        if not time_off_delete(profile=self.helper, time_off_id=id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- earnings ------------------------------------------------------------------------------


@extend_schema(
    tags=TAGS, summary="My earnings by month", responses={200: HelperEarningsOut},
    description="From the ledger, newest month first: visits, fees for late cancellations and "
    "missed visits, refunds, and what you earned (after Mila's commission), in Rappen.",
)  # fmt: skip
class Earnings(HelperEndpoint, ApiView):
    def get(self, request: Request) -> Response:
        summary = helper_earnings_by_month(self.helper)
        months = [{"month": f"{m.month:%Y-%m}", "visits": m.visits,
                   "visits_amount": m.visits_amount, "fees": m.fees, "fees_amount": m.fees_amount,
                   "refunds_amount": m.refunds_amount, "total": m.total}
                  for m in summary.months]  # fmt: skip
        return Response(HelperEarningsOut({
            "total": summary.total, "visits": summary.visits, "currency": "CHF",
            "commission_percent": PricingPolicy.from_settings().commission_percent,
            "months": months,
        }).data)  # fmt: skip
