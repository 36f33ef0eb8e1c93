"""/api/v1/helper/: the helper app (bookings.api.helper)."""

from django.urls import path

from bookings.api import helper

urlpatterns = [
    path("helper/offers/", helper.OfferList.as_view(), name="helper_offers"),
    path("helper/offers/<str:reference>/accept/", helper.OfferAccept.as_view(),
         name="helper_offer_accept"),
    path("helper/offers/<str:reference>/decline/", helper.OfferDecline.as_view(),
         name="helper_offer_decline"),
    path("helper/jobs/", helper.JobList.as_view(), name="helper_jobs"),
    path("helper/jobs/<str:reference>/", helper.JobDetail.as_view(), name="helper_job"),
    path("helper/jobs/<str:reference>/on-my-way/", helper.JobOnMyWay.as_view(),
         name="helper_job_on_my_way"),
    path("helper/jobs/<str:reference>/start/", helper.JobStart.as_view(),
         name="helper_job_start"),
    path("helper/jobs/<str:reference>/complete/", helper.JobComplete.as_view(),
         name="helper_job_complete"),
    path("helper/availability/", helper.Availability.as_view(), name="helper_availability"),
    path("helper/availability/time-off/", helper.TimeOffCreate.as_view(),
         name="helper_time_off"),
    path("helper/availability/time-off/<int:id>/", helper.TimeOffDelete.as_view(),
         name="helper_time_off_delete"),
    path("helper/earnings/", helper.Earnings.as_view(), name="helper_earnings"),
]  # fmt: skip
