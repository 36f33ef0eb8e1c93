from django.urls import path

from bookings.api import catalogue

urlpatterns = [
    path("services/", catalogue.ServiceList.as_view(), name="services"),
    path("services/<slug:slug>/", catalogue.ServiceDetail.as_view(), name="service"),
    path("quote/", catalogue.QuoteView.as_view(), name="quote"),
]
