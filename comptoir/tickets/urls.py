"""URLs of tickets."""

from django.urls import URLPattern

app_name = "tickets"
urlpatterns: list[URLPattern] = []
