import pytest
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.tests.factories import AppointmentFactory
from comptoir.messaging.models import MessageStatus, MessageTemplate
from comptoir.messaging.selectors import failed_messages_for
from comptoir.messaging.sms import LocmemBackend
from comptoir.messaging.tests.factories import MessageFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def template_of(workspace, code="booking_confirmed", channel="email"):
    return MessageTemplate.objects.get(workspace=workspace, code=code, channel=channel)


def test_managers_see_every_template_grouped_by_event(manager_client):
    html = manager_client.get(reverse("messaging:templates")).content.decode()
    for label in (
        "Rendez-vous confirmé",
        "Rendez-vous déplacé",
        "Rendez-vous annulé",
        "Rappel la veille",
        "Rappel le jour même",
    ):
        assert label in html
    assert html.count("✓ Actif") == 12


def test_agents_may_not_open_message_templates(agent_client, workspace):
    assert agent_client.get(reverse("messaging:templates")).status_code == 403
    url = reverse("messaging:template_edit", args=[template_of(workspace).pk])
    assert agent_client.post(url, {"subject": "x", "body": "y"}).status_code == 403


def test_a_manager_can_edit_too(client, workspace):
    boss = UserFactory(workspace=workspace, role=Role.MANAGER)
    client.force_login(boss)
    assert client.get(reverse("messaging:templates")).status_code == 200
    html = client.get(reverse("accounts:account")).content.decode()
    assert reverse("messaging:templates") in html


def test_settings_tabs_link_to_message_templates(manager_client):
    html = manager_client.get(reverse("accounts:settings")).content.decode()
    assert "Modèles de messages" in html and reverse("messaging:templates") in html


def test_editing_a_template_saves_it(manager_client, workspace):
    template = template_of(workspace, channel="sms")
    url = reverse("messaging:template_edit", args=[template.pk])
    page = manager_client.get(url).content.decode()
    assert "Aperçu avec un exemple" in page and "{{ rdv.lien_modifier }}" in page
    assert "RDV confirmé le jeu. 20/03 à 8 h 30" in page  # the preview on sample values
    response = manager_client.post(
        url, {"body": "RDV {{ rdv.date }} {{ rdv.heure }}", "is_active": "on"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "RDV {{ rdv.date }} {{ rdv.heure }}"


def test_a_broken_template_is_refused_with_its_line_nothing_saved(manager_client, workspace):
    template = template_of(workspace)
    before = template.body
    url = reverse("messaging:template_edit", args=[template.pk])
    response = manager_client.post(
        url,
        {
            "subject": "Objet",
            "body": "Bonjour,\n{% if rdv.technicien %}\nà bientôt",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rien n'a été enregistré" in html
    assert "Erreur ligne 2" in html
    template.refresh_from_db()
    assert template.body == before


def test_live_preview_shows_the_rendered_text_or_the_error(manager_client, workspace):
    template = template_of(workspace, channel="sms")
    url = reverse("messaging:template_preview", args=[template.pk])
    ok = manager_client.post(url, {"body": "{{ client.nom }}, le {{ rdv.date }}"}, **HTMX)
    html = ok.content.decode()
    assert "M. Jean Dupont, le jeudi 20 mars 2025" in html
    assert "1 SMS" in html
    bad = manager_client.post(url, {"body": "{% if %}"}, **HTMX).content.decode()
    assert "Ce modèle ne peut pas être enregistré" in bad and "ligne 1" in bad


def test_templates_of_another_workspace_are_404(manager_client, other_workspace):
    foreign = template_of(other_workspace)
    assert (
        manager_client.get(reverse("messaging:template_edit", args=[foreign.pk])).status_code == 404
    )
    url = reverse("messaging:template_preview", args=[foreign.pk])
    assert manager_client.post(url, {"body": "x"}).status_code == 404


def test_interaction_page_loads_its_messages_panel(agent_client, agent):
    rdv = AppointmentFactory(owner=agent)
    html = agent_client.get(reverse("activities:detail", args=[rdv.pk])).content.decode()
    assert f'hx-get="{reverse("messaging:interaction_messages", args=[rdv.pk])}"' in html


def test_messages_panel_shows_status_error_and_renvoyer(agent_client, agent, workspace):
    rdv = AppointmentFactory(owner=agent)
    MessageFactory(
        workspace=workspace,
        interaction=rdv,
        status=MessageStatus.SENT,
        channel="email",
        to="jean@exemple.fr",
        subject="Rendez-vous confirmé le jeudi 20 mars 2025",
    )
    MessageFactory(
        workspace=workspace,
        interaction=rdv,
        status=MessageStatus.FAILED,
        attempts=5,
        last_error="Le fournisseur SMS a refusé l'envoi (HTTP 503).",
    )
    MessageFactory(workspace=workspace)  # another interaction's
    html = agent_client.get(
        reverse("messaging:interaction_messages", args=[rdv.pk]), **HTMX
    ).content.decode()
    assert "✓ envoyé" in html and "⚠ échec" in html
    assert "Rendez-vous confirmé le jeudi 20 mars 2025" in html
    assert "HTTP 503" in html
    assert html.count("Renvoyer") == 1
    assert html.count('<li class="message-row') == 2


def test_an_interaction_without_messages_shows_no_panel(agent_client, agent):
    rdv = AppointmentFactory(owner=agent)
    html = agent_client.get(
        reverse("messaging:interaction_messages", args=[rdv.pk]), **HTMX
    ).content.decode()
    assert "Messages au client" not in html


def test_renvoyer_sends_again_and_answers_with_the_panel(
    agent_client, agent, workspace, django_capture_on_commit_callbacks
):
    rdv = AppointmentFactory(owner=agent)
    failed = MessageFactory(
        workspace=workspace,
        interaction=rdv,
        status=MessageStatus.FAILED,
        attempts=5,
        next_attempt_at=None,
        last_error="Fournisseur SMS injoignable",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("messaging:message_retry", args=[failed.pk]), **HTMX)
    html = response.content.decode()
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
    assert len(LocmemBackend.outbox) == 1
    # The panel answers at once (delivery runs after commit, in the queue in production).
    assert "◷ en attente" in html and "Renvoyer" not in html


def test_read_only_users_cannot_renvoyer(client, workspace, agent):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    rdv = AppointmentFactory(owner=agent)
    failed = MessageFactory(workspace=workspace, interaction=rdv, status=MessageStatus.FAILED)
    client.force_login(reader)
    html = client.get(reverse("messaging:interaction_messages", args=[rdv.pk])).content.decode()
    assert "Renvoyer" not in html
    assert client.post(reverse("messaging:message_retry", args=[failed.pk])).status_code == 403


def test_messages_of_another_workspace_are_404(agent_client, outsider):
    rdv = AppointmentFactory(owner=outsider)
    foreign = MessageFactory(
        workspace=outsider.workspace, interaction=rdv, status=MessageStatus.FAILED
    )
    assert (
        agent_client.get(reverse("messaging:interaction_messages", args=[rdv.pk])).status_code
        == 404
    )
    assert (
        agent_client.post(reverse("messaging:message_retry", args=[foreign.pk])).status_code == 404
    )
    foreign.refresh_from_db()
    assert foreign.status == MessageStatus.FAILED


def test_failed_messages_for_stays_in_the_workspace(agent, workspace, outsider):
    mine = MessageFactory(workspace=workspace, status=MessageStatus.FAILED)
    MessageFactory(workspace=workspace, status=MessageStatus.SENT)
    MessageFactory(workspace=outsider.workspace, status=MessageStatus.FAILED)
    assert list(failed_messages_for(agent)) == [mine]


@pytest.mark.parametrize("count", [1, 6])
def test_panel_query_count_does_not_grow_with_messages(
    agent_client, agent, workspace, django_assert_max_num_queries, count
):
    rdv = AppointmentFactory(owner=agent)
    for _ in range(count):
        MessageFactory(workspace=workspace, interaction=rdv)
    with django_assert_max_num_queries(8):
        agent_client.get(reverse("messaging:interaction_messages", args=[rdv.pk]), **HTMX)
