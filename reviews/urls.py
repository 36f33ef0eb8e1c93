from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("bookings/<str:reference>/review/", views.review_page, name="review"),
    path("helper/jobs/<str:reference>/review/reply/", views.reply, name="reply"),
    path("helper/jobs/<str:reference>/review/report/", views.report, name="report"),
]
