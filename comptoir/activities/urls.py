"""URLs of activities: the desk, the calendar, interactions, allowed processes."""

from django.urls import path

from comptoir.activities import views

app_name = "activities"
urlpatterns = [
    path("bureau/", views.desk, name="desk"),
    path("agenda/", views.calendar, name="calendar"),
    path("agenda/evenements/", views.calendar_events, name="calendar_events"),
    path("interactions/", views.interaction_list, name="list"),
    path("interactions/nouvelle/", views.interaction_create, name="create"),
    path("interactions/etapes/", views.stage_options, name="stage_options"),
    path("interactions/sites/", views.site_options, name="site_options"),
    path("interactions/clients/", views.customer_options, name="customer_options"),
    path("interactions/chronologie/", views.timeline, name="timeline"),
    path("interactions/note-rapide/", views.quick_note, name="quick_note"),
    path("interactions/<int:pk>/", views.interaction_detail, name="detail"),
    path("interactions/<int:pk>/modifier/", views.interaction_edit, name="edit"),
    path("interactions/<int:pk>/etat/", views.set_state, name="set_state"),
    path("interactions/<int:pk>/notes/", views.note_add, name="note_add"),
    path("interactions/<int:pk>/deplacer/", views.move, name="move"),
    path("reglages/processus/", views.process_access, name="process_access"),
]
