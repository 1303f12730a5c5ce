"""URLs of the REST API."""

from django.urls import path

from comptoir.api.v1 import api

urlpatterns = [path("", api.urls)]
