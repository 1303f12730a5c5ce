"""URLs of receivables: Réglages › Impayés and the customer page's panel."""

from django.urls import path

from comptoir.receivables import views

app_name = "receivables"
urlpatterns = [
    path("reglages/impayes/", views.import_page, name="import"),
    path("reglages/impayes/<int:import_id>/", views.import_detail, name="import_detail"),
    path("reglages/impayes/<int:import_id>/appliquer/", views.import_apply, name="import_apply"),
    path(
        "reglages/impayes/<int:import_id>/abandonner/",
        views.import_discard,
        name="import_discard",
    ),
    path("impayes/<str:kind>/<int:pk>/", views.customer_panel, name="customer_panel"),
]
