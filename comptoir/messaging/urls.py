"""URLs of messaging: message templates (settings) and an interaction's messages."""

from django.urls import path

from comptoir.messaging import views

app_name = "messaging"
urlpatterns = [
    path("reglages/messages/", views.templates, name="templates"),
    path("reglages/messages/<int:pk>/", views.template_edit, name="template_edit"),
    path("reglages/messages/<int:pk>/apercu/", views.template_preview, name="template_preview"),
    path("reglages/messages/<int:pk>/defaut/", views.template_reset, name="template_reset"),
    path(
        "messages/interaction/<int:pk>/",
        views.interaction_messages,
        name="interaction_messages",
    ),
    path("messages/<int:pk>/renvoyer/", views.message_retry, name="message_retry"),
]
