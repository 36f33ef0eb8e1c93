from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("language/", views.set_language, name="set_language"),
    path("export/", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
]
