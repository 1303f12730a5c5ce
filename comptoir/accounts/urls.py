"""URLs of accounts: workspace settings and users."""

from django.urls import path

from comptoir.accounts import views

app_name = "accounts"
urlpatterns = [
    path("reglages/", views.settings_home, name="settings"),
]
