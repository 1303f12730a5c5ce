"""URLs of search."""

from django.urls import path

from comptoir.search import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("suggestions/", views.suggest, name="suggest"),
]
