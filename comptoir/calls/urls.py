"""URLs of calls: the pop-up's card and its quick actions, the log, a ticket's calls, settings."""

from django.urls import path

from comptoir.calls import views

app_name = "calls"
urlpatterns = [
    path("appels/", views.log, name="log"),
    path("appels/demande/<int:ticket_pk>/", views.ticket_calls, name="ticket_calls"),
    path("reglages/telephonie/", views.settings_page, name="settings"),
    path("appels/<int:pk>/fiche/", views.card, name="card"),
    path("appels/<int:pk>/rattacher/", views.link, name="link"),
    path("appels/<int:pk>/chercher/", views.attach_search, name="attach_search"),
    path("appels/<int:pk>/nouveau-client/", views.customer_create, name="customer_create"),
]
