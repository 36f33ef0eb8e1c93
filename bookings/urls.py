from django.urls import path

from bookings.views import calendar, catalogue, customer, helper, payment, visit, wizard

app_name = "bookings"

urlpatterns = [
    path("services/", catalogue.catalogue, name="catalogue"),
    path("services/<slug:slug>/", catalogue.service_detail, name="service"),
    path("book/start/<slug:slug>/", wizard.start, name="start"),
    path("book/postcode/", wizard.postcode_lookup, name="postcode_lookup"),
    path("book/waitlist/", wizard.waitlist, name="waitlist"),
    path("book/quote/", wizard.quote, name="quote"),
    path("book/<str:step>/", wizard.step, name="step"),
    path("bookings/", customer.booking_list, name="list"),
    path("bookings/<str:reference>/", customer.booking_detail, name="detail"),
    path("bookings/<str:reference>/cancel/", customer.booking_cancel_view, name="cancel"),
    path("bookings/<str:reference>/move/", customer.booking_reschedule_view, name="reschedule"),
    path("bookings/<str:reference>/live/", customer.booking_live, name="live"),
    path("bookings/<str:reference>/follow-up/", customer.booking_follow_up_view, name="follow_up"),
    path("bookings/<str:reference>/pay/", payment.pay, name="pay"),
    path("bookings/<str:reference>/pay/done/", payment.pay_done, name="pay_done"),
    path("bookings/<str:reference>/pay/invoice/", payment.pay_by_invoice, name="pay_by_invoice"),
    path("helper/", helper.dashboard, name="helper_dashboard"),
    path("helper/work/", helper.work, name="helper_work"),
    path("helper/earnings/", helper.earnings, name="helper_earnings"),
    path("helper/calendar/", calendar.manage, name="helper_calendar"),
    path("helper/calendar/<str:token>.ics", calendar.feed, name="helper_calendar_feed"),
    path("helper/offers/<str:reference>/accept/", helper.accept, name="offer_accept"),
    path("helper/offers/<str:reference>/decline/", helper.decline, name="offer_decline"),
    path("helper/jobs/<str:reference>/", visit.job, name="helper_job"),
    path("helper/jobs/<str:reference>/live/", visit.job_live, name="helper_job_live"),
    path("helper/jobs/<str:reference>/on-my-way/", visit.on_my_way, name="job_en_route"),
    path("helper/jobs/<str:reference>/start/", visit.start, name="job_start"),
    path("helper/jobs/<str:reference>/complete/", visit.complete, name="job_complete"),
    path("helper/jobs/<str:reference>/not-there/", visit.no_show, name="job_no_show"),
    path("helper/jobs/<str:reference>/withdraw/", visit.withdraw, name="job_withdraw"),
]
