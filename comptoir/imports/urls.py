"""URLs of imports: the wizard, the jobs, and the list exports."""

from django.urls import path

from comptoir.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.job_list, name="list"),
    path("imports/nouveau/", views.job_upload, name="upload"),
    path("imports/<int:pk>/", views.job_detail, name="detail"),
    path("imports/<int:pk>/correspondance/", views.job_mapping, name="mapping"),
    path("imports/<int:pk>/apercu/", views.job_preview, name="preview"),
    path("imports/<int:pk>/erreurs.csv", views.job_errors, name="errors"),
    path("imports/<int:pk>/annuler/", views.job_undo, name="undo"),
    path("imports/<int:pk>/reprendre/", views.job_resume, name="resume"),
    path("exports/<slug:what>.<slug:fmt>", views.export, name="export"),
]
