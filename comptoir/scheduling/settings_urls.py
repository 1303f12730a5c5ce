"""settings_urls of scheduling: technicians, skills, service types, booking rules, and the
lead-time report."""

from django.urls import URLPattern, path

from comptoir.scheduling import settings_views as views

urlpatterns: list[URLPattern] = [
    path("reglages/techniciens/", views.technicians, name="settings_technicians"),
    path(
        "reglages/techniciens/activer/", views.technician_enable, name="settings_technician_enable"
    ),
    path("reglages/techniciens/<int:pk>/", views.technician_edit, name="settings_technician"),
    path(
        "reglages/techniciens/<int:pk>/actif/",
        views.technician_toggle,
        name="settings_technician_toggle",
    ),
    path(
        "reglages/techniciens/<int:pk>/horaires/",
        views.technician_hours,
        name="settings_technician_hours",
    ),
    path(
        "reglages/techniciens/<int:pk>/absences/",
        views.absence_add,
        name="settings_absence_add",
    ),
    path(
        "reglages/techniciens/<int:pk>/absences/<int:absence_pk>/supprimer/",
        views.absence_delete,
        name="settings_absence_delete",
    ),
    path("reglages/competences/", views.skills, name="settings_skills"),
    path(
        "reglages/competences/<int:pk>/renommer/", views.skill_rename, name="settings_skill_rename"
    ),
    path(
        "reglages/competences/<int:pk>/supprimer/", views.skill_delete, name="settings_skill_delete"
    ),
    path("reglages/prestations/", views.service_types, name="settings_services"),
    path("reglages/prestations/nouvelle/", views.service_type_new, name="settings_service_new"),
    path("reglages/prestations/<int:pk>/", views.service_type_edit, name="settings_service"),
    path("reglages/reservation/", views.booking_rules, name="settings_booking"),
    path("planning/delais/", views.lead_times, name="lead_times"),
]
