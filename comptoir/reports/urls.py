"""URLs of reports."""

from django.urls import path

from comptoir.reports import views

app_name = "reports"
urlpatterns = [
    path("tableau-de-bord/service/", views.service_dashboard, name="service"),
]
