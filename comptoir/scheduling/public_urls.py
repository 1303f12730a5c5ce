"""public_urls of scheduling: online booking under /r/<workspace>/, no account needed."""

from django.urls import URLPattern, path

from comptoir.scheduling import public_views as views

urlpatterns: list[URLPattern] = [
    path("r/<slug:slug>/", views.start, name="public_start"),
    path("r/<slug:slug>/adresse/", views.address, name="public_address"),
    path("r/<slug:slug>/creneau/", views.slots, name="public_slots"),
    path("r/<slug:slug>/coordonnees/", views.details, name="public_details"),
    path("r/<slug:slug>/recapitulatif/", views.summary, name="public_summary"),
    path("r/<slug:slug>/confirmer/", views.confirm, name="public_confirm"),
    path("r/<slug:slug>/rdv/<str:token>/", views.visit_page, name="public_manage"),
    path("r/<slug:slug>/rdv/<str:token>/agenda.ics", views.visit_ics, name="public_visit_ics"),
    path("r/<slug:slug>/rdv/<str:token>/modifier/", views.reschedule, name="public_reschedule"),
    path(
        "r/<slug:slug>/rdv/<str:token>/modifier/confirmer/",
        views.reschedule_confirm,
        name="public_reschedule_confirm",
    ),
    path("r/<slug:slug>/rdv/<str:token>/annuler/", views.cancel, name="public_cancel"),
]
