from django.urls import path

from bookings.api import customer

urlpatterns = [
    path("bookings/", customer.BookingListCreate.as_view(), name="bookings"),
    path("bookings/<str:reference>/", customer.BookingDetail.as_view(), name="booking"),
    path(
        "bookings/<str:reference>/cancellation/",
        customer.BookingCancellation.as_view(),
        name="booking_cancellation",
    ),
    path(
        "bookings/<str:reference>/cancel/", customer.BookingCancel.as_view(), name="booking_cancel"
    ),
    path(
        "bookings/<str:reference>/reschedule/",
        customer.BookingReschedule.as_view(),
        name="booking_reschedule",
    ),
    path(
        "bookings/<str:reference>/review/", customer.BookingReview.as_view(), name="booking_review"
    ),
]
