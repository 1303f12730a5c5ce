"""Réglages › Mon compte: any user manages their own API tokens."""

from django.urls import reverse

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import api_token_issue, api_token_user

ACCOUNT = reverse("accounts:account")


def test_any_user_sees_their_account(client, technician):
    client.force_login(technician)
    html = client.get(ACCOUNT).content.decode()
    assert "gaetan@duret.example" in html
    assert "Vous n'avez encore aucun jeton." in html
    assert reverse("accounts:users") not in html  # admin links hidden


def test_create_a_token_shown_once(agent_client, agent):
    response = agent_client.post(reverse("accounts:token_create"), {"label": "Standard"})
    assert response.status_code == 302
    token = ApiToken.objects.get(user=agent)
    assert token.label == "Standard"

    html = agent_client.get(ACCOUNT).content.decode()
    start = html.index('id="new-token"')
    key = html[start:].split('value="', 1)[1].split('"', 1)[0]
    assert api_token_user(key) == agent
    assert "copiez-le maintenant" in html
    assert key not in agent_client.get(ACCOUNT).content.decode()  # only once


def test_revoke_a_token(agent_client, agent):
    key = api_token_issue(user=agent, label="Export")
    token = ApiToken.objects.get(user=agent)
    response = agent_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_user(key) is None
    html = agent_client.get(ACCOUNT).content.decode()
    assert "Jeton « Export » révoqué : il ne fonctionne plus." in html


def test_someone_elses_token_is_404(agent_client, manager, outsider):
    api_token_issue(user=manager, label="Sophie")
    api_token_issue(user=outsider, label="Intrus")
    for token in ApiToken.objects.all():
        url = reverse("accounts:token_revoke", args=[token.pk])
        assert agent_client.post(url).status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_account_page_query_count_is_pinned(agent_client, agent, django_assert_num_queries):
    for i in range(5):
        api_token_issue(user=agent, label=f"Jeton {i}")
    # session, user, workspace, tokens (+ session save: the new-token key is popped)
    with django_assert_num_queries(4):
        agent_client.get(ACCOUNT)
