"""URLs of dedupe."""

from django.urls import URLPattern

app_name = "dedupe"
urlpatterns: list[URLPattern] = []
