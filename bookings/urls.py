from django.urls import path

from bookings.views import catalogue, customer, helper, wizard

app_name = "bookings"

urlpatterns = [
    path("services/", catalogue.catalogue, name="catalogue"),
    path("services/<slug:slug>/", catalogue.service_detail, name="service"),
    path("book/start/<slug:slug>/", wizard.start, name="start"),
    path("book/postcode/", wizard.postcode_lookup, name="postcode_lookup"),
    path("book/quote/", wizard.quote, name="quote"),
    path("book/<str:step>/", wizard.step, name="step"),
    path("bookings/", customer.booking_list, name="list"),
    path("bookings/<str:reference>/", customer.booking_detail, name="detail"),
    path("bookings/<str:reference>/cancel/", customer.booking_cancel_view, name="cancel"),
    path("bookings/<str:reference>/move/", customer.booking_reschedule_view, name="reschedule"),
    path("helper/", helper.dashboard, name="helper_dashboard"),
    path("helper/work/", helper.work, name="helper_work"),
    path("helper/offers/<str:reference>/accept/", helper.accept, name="offer_accept"),
    path("helper/offers/<str:reference>/decline/", helper.decline, name="offer_decline"),
]
