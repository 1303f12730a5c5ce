"""URLs of activities: the desk, the calendar, interactions."""

from django.urls import path

from comptoir.activities import views

app_name = "activities"
urlpatterns = [
    path("bureau/", views.desk, name="desk"),
    path("agenda/", views.calendar, name="calendar"),
    path("interactions/", views.interaction_list, name="list"),
    path("interactions/<int:pk>/", views.interaction_detail, name="detail"),
]
