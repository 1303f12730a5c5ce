"""settings_urls of scheduling."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
