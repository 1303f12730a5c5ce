"""URLs of the customer portal, the survey links and their settings."""

from django.urls import path

from comptoir.portal import views

app_name = "portal"
urlpatterns = [
    path("portail/<slug:slug>/", views.home, name="home"),
    path("portail/<slug:slug>/code/", views.code, name="code"),
    path("portail/<slug:slug>/deconnexion/", views.sign_out, name="sign_out"),
    path("portail/<slug:slug>/demandes/", views.requests_list, name="requests"),
    path("portail/<slug:slug>/demandes/nouvelle/", views.request_new, name="request_new"),
    path("portail/<slug:slug>/demandes/<int:ticket_id>/", views.request_detail, name="request"),
    path(
        "portail/<slug:slug>/demandes/<int:ticket_id>/fichiers/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("portail/<slug:slug>/interventions/", views.visits, name="visits"),
    path(
        "portail/<slug:slug>/interventions/<int:visit_id>/rapport.pdf",
        views.report_pdf,
        name="report_pdf",
    ),
    path("avis/<str:token>/", views.survey, name="survey"),
    path("reglages/portail/", views.settings_page, name="settings"),
]
