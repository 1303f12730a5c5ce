"""URLs of tickets (« Demandes »)."""

from django.urls import path

from comptoir.tickets import views

app_name = "tickets"
urlpatterns = [
    path("demandes/", views.queue, name="queue"),
    path("demandes/nouvelle/", views.create, name="create"),
    path("demandes/sites/", views.site_options, name="site_options"),
    path("demandes/bureau/", views.desk_panel, name="desk_panel"),
    path("demandes/client/<str:kind>/<int:pk>/", views.customer_panel, name="customer_panel"),
    path("demandes/pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
    path("demandes/<int:pk>/", views.detail, name="detail"),
    path("demandes/<int:pk>/statut/", views.set_status, name="status"),
    path("demandes/<int:pk>/modifier/", views.update, name="update"),
    path("demandes/<int:pk>/reponse/", views.reply, name="reply"),
    path("demandes/<int:pk>/note/", views.note, name="note"),
    path("demandes/<int:pk>/pieces-jointes/", views.attach, name="attach"),
    path("reglages/demandes/", views.settings_page, name="settings"),
]
