"""URLs of contacts: customers and reference lists."""

from django.urls import path

from comptoir.contacts import views

app_name = "contacts"
urlpatterns = [
    path("clients/", views.customer_list, name="list"),
    path("clients/societes/<int:pk>/", views.company_detail, name="company_detail"),
    path("clients/personnes/<int:pk>/", views.person_detail, name="person_detail"),
]
