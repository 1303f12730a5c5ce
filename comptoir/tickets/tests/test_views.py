"""Pages of tickets: queue, new ticket, ticket page, panels, attachments, settings."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.tickets.models import SlaPolicy, Status, Ticket, TicketAttachment
from comptoir.tickets.services import ticket_set_status
from comptoir.tickets.tests.factories import open_ticket


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_queue_lists_open_tickets_by_due_time_with_filters_and_chips(agent_client, agent):
    low = open_ticket(by=agent, priority=4, subject="Devis prise extérieure")
    urgent = open_ticket(by=agent, priority=1, subject="Fumée au tableau", assignee=agent)
    done = open_ticket(by=agent, subject="Ampoule")
    ticket_set_status(ticket=done, status=Status.RESOLVED, by=agent)
    response = agent_client.get(reverse("tickets:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Fumée au tableau") < html.index("Devis prise extérieure")
    assert "Ampoule" not in html
    assert "2 demandes" in html
    response = agent_client.get(reverse("tickets:queue"), {"priority": 1, "assignee": "me"})
    html = response.content.decode()
    assert "Fumée au tableau" in html and "Devis prise extérieure" not in html
    assert "Assignées à moi" in html and "P1 · Urgence sécurité" in html
    response = agent_client.get(reverse("tickets:queue"), {"status": "all"})
    assert "Ampoule" in response.content.decode()
    assert low.pk and urgent.pk


def test_queue_pages_are_real_pages(agent_client, agent, django_assert_max_num_queries):
    person = PersonFactory(workspace=agent.workspace)
    for n in range(55):
        open_ticket(by=agent, person=person, subject=f"Demande {n}")
    with django_assert_max_num_queries(20):
        response = agent_client.get(reverse("tickets:queue"))
    html = response.content.decode()
    assert "1–50 sur 55 demandes" in html and "Page 1 sur 2" in html
    html = agent_client.get(reverse("tickets:queue"), {"page": 2}).content.decode()
    assert "51–55 sur 55 demandes" in html


def test_new_ticket_from_a_customer_page_is_preselected_and_opens(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace, last_name="Dupont")
    response = agent_client.get(reverse("tickets:create"), {"person": person.pk})
    assert f'<option value="{person.pk}" selected>' in response.content.decode()
    response = agent_client.post(
        reverse("tickets:create"),
        {"person": person.pk, "subject": "Panne de chauffe-eau", "priority": 2, "channel": "phone"},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    assert ticket.person == person and ticket.priority == 2


def test_new_ticket_without_customer_is_refused_in_french(agent_client):
    response = agent_client.post(
        reverse("tickets:create"), {"subject": "Panne", "priority": 3, "channel": "phone"}
    )
    assert response.status_code == 422
    assert "Choisissez le client (personne ou société)." in response.content.decode()
    assert not Ticket.objects.exists()


def test_ticket_page_names_the_recipient_and_separates_notes(agent_client, agent):
    person = PersonFactory(
        workspace=agent.workspace, civility="Mme", first_name="Anne", last_name="Durand"
    )
    ContactPoint.objects.create(
        workspace=agent.workspace, person=person, kind="email", value="a@d.fr", normalized="a@d.fr"
    )
    ticket = open_ticket(by=agent, person=person)
    agent_client.post(reverse("tickets:note", args=[ticket.pk]), {"body": "Chien méchant"})
    agent_client.post(reverse("tickets:reply", args=[ticket.pk]), {"body": "On arrive."})
    html = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "Envoyer l&#x27;e-mail à Mme Anne Durand" in html
    assert 'class="msg msg-note"' in html and "Note interne — non envoyée" in html
    assert 'class="msg msg-reply"' in html and "→ a@d.fr (EMAIL)" in html
    assert "Réponse le" in html  # first response met


def test_status_buttons_move_the_ticket_and_waiting_shows_the_paused_clock(agent_client, agent):
    ticket = open_ticket(by=agent)
    agent_client.post(reverse("tickets:status", args=[ticket.pk]), {"status": "waiting"})
    html = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "délai suspendu (attente client)" in html
    response = agent_client.post(
        reverse("tickets:status", args=[ticket.pk]), {"status": "closed"}, follow=True
    )
    assert "ne peut pas passer à « Clos »" in response.content.decode()


def test_other_workspace_ids_answer_404(client, agent, outsider):
    ticket = open_ticket(by=agent)
    attachment_url = None
    client.force_login(outsider)
    for name in ("detail",):
        assert client.get(reverse(f"tickets:{name}", args=[ticket.pk])).status_code == 404
    for name in ("status", "reply", "note", "attach", "update"):
        assert (
            client.post(
                reverse(f"tickets:{name}", args=[ticket.pk]), {"body": "x", "status": "waiting"}
            ).status_code
            == 404
        )
    assert (
        client.get(reverse("tickets:customer_panel", args=["person", ticket.person_id])).status_code
        == 404
    )
    assert attachment_url is None
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not ticket.messages.exists()


def test_read_only_users_see_but_cannot_write(client, agent, workspace):
    ticket = open_ticket(by=agent)
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    client.force_login(reader)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "Répondre au client" not in html
    assert client.post(reverse("tickets:note", args=[ticket.pk]), {"body": "x"}).status_code == 403
    assert client.get(reverse("tickets:create")).status_code == 403
    assert not ticket.messages.exists()


def test_attachments_accept_images_and_refuse_others_in_french(agent_client, agent, workspace):
    ticket = open_ticket(by=agent)
    url = reverse("tickets:attach", args=[ticket.pk])
    ok = agent_client.post(
        url, {"file": SimpleUploadedFile("tableau.png", png_bytes(), "image/png")}
    )
    assert ok.status_code == 302
    attachment = TicketAttachment.objects.get()
    assert attachment.content_type == "image/png"
    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", "image/png")
    response = agent_client.post(url, {"file": fake})
    assert response.status_code == 422
    assert (
        "« virus.png » n&#x27;est ni une image (JPEG, PNG, GIF, WebP) ni un PDF."
        in response.content.decode()
    )
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = agent_client.post(url, {"file": big})
    assert response.status_code == 422
    assert (
        "trop lourd" in response.content.decode() and "10 Mo au plus" in response.content.decode()
    )
    assert TicketAttachment.objects.count() == 1
    download = agent_client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    outsider = UserFactory(workspace=CompanyFactory().workspace)
    agent_client.force_login(outsider)
    assert agent_client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


def test_desk_panel_lists_my_tickets_with_badges(agent_client, agent):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        open_ticket(by=agent, priority=1, assignee=agent, subject="Fuite")
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        html = agent_client.get(reverse("tickets:desk_panel")).content.decode()
        desk = agent_client.get(reverse("activities:desk")).content.decode()
    assert "Fuite" in html and "en retard" in html
    assert reverse("tickets:desk_panel") in desk


def test_customer_panel_and_page(agent_client, agent):
    ticket = open_ticket(by=agent)
    html = agent_client.get(
        reverse("tickets:customer_panel", args=["person", ticket.person_id])
    ).content.decode()
    assert ticket.reference in html and f"?person={ticket.person_id}" in html
    page = agent_client.get(ticket.person.get_absolute_url()).content.decode()
    assert reverse("tickets:customer_panel", args=["person", ticket.person_id]) in page


def test_settings_managers_edit_agents_read(client, agent, manager):
    client.force_login(agent)
    assert client.get(reverse("tickets:settings")).status_code == 200
    assert (
        client.post(
            reverse("tickets:settings"), {"section": "category", "category-name": "X"}
        ).status_code
        == 403
    )
    client.force_login(manager)
    data = {"section": "sla"}
    for p, (first, resolution) in {
        1: ("0,5", "2"),
        2: ("4", "10"),
        3: ("10", "30"),
        4: ("20", "100"),
    }.items():
        data[f"sla-first_{p}"] = first
        data[f"sla-resolution_{p}"] = resolution
    assert client.post(reverse("tickets:settings"), data).status_code == 302
    p1 = SlaPolicy.objects.get(workspace=manager.workspace, priority=1)
    assert (p1.first_response_minutes, p1.resolution_minutes) == (30, 120)
    response = client.post(
        reverse("tickets:settings"), {"section": "category", "category-name": "Panne"}
    )
    assert (
        response.status_code == 422 and "Cette catégorie existe déjà." in response.content.decode()
    )


@pytest.mark.parametrize("name", ["queue", "create", "settings"])
def test_pages_need_a_login(client, name):
    assert client.get(reverse(f"tickets:{name}")).status_code == 302
