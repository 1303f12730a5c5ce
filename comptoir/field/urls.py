"""URLs of the technician app, mounted at /field/."""

from django.urls import path

from comptoir.field import views

app_name = "field"
urlpatterns = [
    path("", views.today, name="today"),
    path("aujourdhui.json", views.today_json, name="today_json"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("i18n/<str:language>.js", views.javascript_catalog, name="jsi18n"),
    path("visites/<int:pk>/", views.visit_detail, name="visit"),
    path("visites/<int:pk>/chrono/", views.visit_timer, name="timer"),
    path("visites/<int:pk>/rapport/", views.report_submit, name="report_submit"),
    path("visites/<int:pk>/besoin/", views.need_submit, name="need_submit"),
    path("rapports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("besoins/", views.needs, name="needs"),
]
