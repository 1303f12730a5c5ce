"""URLs of accounts: workspace settings, users, my account."""

from django.urls import path

from comptoir.accounts import views

app_name = "accounts"
urlpatterns = [
    path("reglages/", views.settings_home, name="settings"),
    path("reglages/utilisateurs/", views.users, name="users"),
    path("reglages/utilisateurs/nouveau/", views.user_invite, name="user_invite"),
    path("reglages/utilisateurs/<int:pk>/role/", views.user_role, name="user_role"),
    path("reglages/utilisateurs/<int:pk>/sommeil/", views.user_deactivate, name="user_deactivate"),
    path("reglages/utilisateurs/<int:pk>/reveil/", views.user_reactivate, name="user_reactivate"),
    path("reglages/utilisateurs/<int:pk>/debloquer/", views.user_unlock, name="user_unlock"),
    path("reglages/utilisateurs/<int:pk>/poste/", views.user_extension, name="user_extension"),
    path("reglages/compte/", views.account, name="account"),
    path("reglages/compte/poste/", views.account_extension, name="account_extension"),
    path("reglages/compte/jetons/", views.token_create, name="token_create"),
    path("reglages/compte/jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
]
