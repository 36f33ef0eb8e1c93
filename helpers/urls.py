from django.urls import path

from helpers import views

app_name = "helpers"

urlpatterns = [
    path("helpers/become/", views.landing, name="landing"),
    path("helper/apply/", views.apply, name="apply"),
    path("helper/profile/", views.edit_profile, name="profile"),
    path("helper/availability/", views.availability, name="availability"),
    path("helper/time-off/", views.time_off_create, name="time_off_add"),
    path("helper/time-off/<int:pk>/delete/", views.time_off_remove, name="time_off_delete"),
    path("helpers/<uuid:public_id>/", views.public_profile, name="public"),
]
