"""URLs of contacts: customers and reference lists."""

from django.urls import path

from comptoir.contacts import views

app_name = "contacts"
urlpatterns = [
    path("clients/", views.customer_list, name="list"),
    path("clients/societes/nouvelle/", views.company_create, name="company_create"),
    path("clients/societes/<int:pk>/", views.company_detail, name="company_detail"),
    path("clients/societes/<int:pk>/modifier/", views.company_edit, name="company_edit"),
    path(
        "clients/societes/<int:pk>/coordonnees/",
        views.company_contact_point_add,
        name="company_contact_point_add",
    ),
    path(
        "clients/societes/<int:pk>/rattachements/",
        views.company_affiliation_add,
        name="company_affiliation_add",
    ),
    path("clients/personnes/nouvelle/", views.person_create, name="person_create"),
    path("clients/personnes/<int:pk>/", views.person_detail, name="person_detail"),
    path("clients/personnes/<int:pk>/modifier/", views.person_edit, name="person_edit"),
    path(
        "clients/personnes/<int:pk>/coordonnees/",
        views.person_contact_point_add,
        name="person_contact_point_add",
    ),
    path(
        "clients/personnes/<int:pk>/rattachements/",
        views.person_affiliation_add,
        name="person_affiliation_add",
    ),
    path(
        "clients/coordonnees/<int:pk>/supprimer/",
        views.contact_point_remove,
        name="contact_point_remove",
    ),
    path("clients/rattachements/<int:pk>/terminer/", views.affiliation_end, name="affiliation_end"),
    path("clients/sites/nouveau/", views.site_create, name="site_create"),
    path("clients/sites/<int:pk>/modifier/", views.site_edit, name="site_edit"),
    path("clients/doublons/", views.duplicate_check, name="duplicate_check"),
    path("clients/choisir/", views.lookup, name="lookup"),
    path("clients/sous-domaines/", views.subdomain_options, name="subdomain_options"),
    path("reglages/listes/", views.reference_lists, name="reference_lists"),
    path("reglages/listes/<slug:slug>/", views.reference_list, name="reference_list"),
    path(
        "reglages/listes/<slug:slug>/ajouter/",
        views.reference_item_add,
        name="reference_item_add",
    ),
    path(
        "reglages/listes/<slug:slug>/<int:pk>/renommer/",
        views.reference_item_rename,
        name="reference_item_rename",
    ),
    path(
        "reglages/listes/<slug:slug>/<int:pk>/deplacer/",
        views.reference_item_move,
        name="reference_item_move",
    ),
    path(
        "reglages/listes/<slug:slug>/<int:pk>/activer/",
        views.reference_item_toggle,
        name="reference_item_toggle",
    ),
]
