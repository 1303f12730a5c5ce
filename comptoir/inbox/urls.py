"""URLs of inbox."""

from django.urls import URLPattern

app_name = "inbox"
urlpatterns: list[URLPattern] = []
