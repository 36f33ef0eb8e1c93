"""Filled by the urls_helper endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
