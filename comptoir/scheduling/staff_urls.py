"""staff_urls of scheduling: « Prendre RDV » and the planning board."""

from django.urls import URLPattern, path

from comptoir.scheduling import views

urlpatterns: list[URLPattern] = [
    path("planning/", views.planning, name="planning"),
    path("planning/rdv/nouveau/", views.book, name="book"),
    path("planning/techniciens.json", views.planning_resources, name="planning_resources"),
    path("planning/evenements.json", views.planning_events, name="planning_events"),
    path("planning/deplacer/<int:pk>/", views.planning_move, name="planning_move"),
]
