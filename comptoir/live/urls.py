"""URLs of live: the event stream."""

from django.urls import path

from comptoir.live import views

app_name = "live"
urlpatterns = [
    path("live/events", views.events, name="events"),
]
