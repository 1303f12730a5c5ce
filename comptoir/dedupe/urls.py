"""URLs of dedupe: the "Doublons" review queue."""

from django.urls import path

from comptoir.dedupe import views

app_name = "dedupe"
urlpatterns = [
    path("doublons/", views.queue, name="queue"),
    path("doublons/<int:pair_id>/", views.pair_detail, name="pair"),
    path("doublons/<int:pair_id>/fusionner/", views.pair_merge, name="pair_merge"),
    path("doublons/<int:pair_id>/ecarter/", views.pair_dismiss, name="pair_dismiss"),
    path("doublons/fusions/", views.merge_list, name="merges"),
    path("doublons/fusions/<int:merge_id>/annuler/", views.merge_undo, name="merge_undo"),
    path("doublons/recherche/", views.scan_start, name="scan_start"),
    path("doublons/recherche/<int:job_id>/", views.scan_progress, name="scan_progress"),
    path("reglages/seuils-des-doublons/", views.settings_page, name="settings"),
    path("doublons/ressemblances/", views.lookalikes, name="lookalikes"),
    path(
        "doublons/provenance/<str:kind>/<int:record_id>/",
        views.provenance_panel,
        name="provenance",
    ),
]
