"""URLs of inbox (« Boîte de réception »)."""

from django.urls import path

from comptoir.inbox import views

app_name = "inbox"
urlpatterns = [
    path("reglages/boite-de-reception/", views.settings_page, name="settings"),
    path("reglages/boite-de-reception/tester/", views.test_connection, name="test"),
    path("reglages/boite-de-reception/relever/", views.poll_now, name="poll"),
    path("e-mails-recus/<int:pk>/", views.message_detail, name="message"),
    path("e-mails-recus/<int:pk>/source/", views.message_raw, name="raw"),
    path("e-mails-recus/pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
]
