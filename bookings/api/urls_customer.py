"""Filled by the urls_customer endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
