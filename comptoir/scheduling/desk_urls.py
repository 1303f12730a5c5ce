"""desk_urls of scheduling: panels that other pages load."""

from django.urls import path

from comptoir.scheduling import desk_views

urlpatterns = [
    path(
        "planning/reservations-en-ligne/",
        desk_views.recent_bookings,
        name="recent_bookings",
    ),
    path(
        "planning/demande/<int:ticket_pk>/interventions/",
        desk_views.ticket_visits,
        name="ticket_visits",
    ),
]
