"""API: tickets listed by urgency, opened, read, answered, moved; isolated per workspace."""

import pytest

from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.tickets.models import Ticket, TicketCategory
from comptoir.tickets.tests.factories import open_ticket


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(workspace=workspace, last_name="Dupont")
    ContactPoint.objects.create(
        workspace=workspace, person=person, kind="email", value="d@x.fr", normalized="d@x.fr"
    )
    return person


def test_open_read_reply_and_close_through_the_api(api, dupont, agent):
    category = TicketCategory.objects.get(workspace=agent.workspace, name="Panne")
    response = api.post(
        "/tickets",
        {
            "subject": "Plus de courant",
            "person": dupont.pk,
            "priority": 1,
            "category": category.pk,
            "assignee": agent.email,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("T-") and body["status"] == "new"
    assert body["priority_label"] == "P1 · Urgence sécurité"
    assert body["assignee"]["email"] == agent.email and body["first_response_due_at"]
    ticket_id = body["id"]
    reply = api.post(f"/tickets/{ticket_id}/replies", {"body": "Technicien en route."})
    assert reply.status_code == 201 and reply.json()["sent_to"] == "d@x.fr"
    note = api.post(f"/tickets/{ticket_id}/notes", {"body": "Client âgé, sonner fort."})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    detail = api.get(f"/tickets/{ticket_id}").json()
    assert detail["status"] == "in_progress" and detail["first_response_at"]
    assert [m["kind"] for m in detail["messages"]] == ["reply", "note"]
    refused = api.post(f"/tickets/{ticket_id}/status", {"status": "closed"})
    assert refused.status_code == 422 and "ne peut pas passer" in refused.content.decode()
    assert (
        api.post(f"/tickets/{ticket_id}/status", {"status": "resolved"}).json()["status"]
        == "resolved"
    )
    patched = api.patch(f"/tickets/{ticket_id}", {"priority": 4})
    assert patched.status_code == 200 and patched.json()["priority"] == 4


def test_list_filters_and_orders_by_due_time(api, agent):
    low = open_ticket(by=agent, priority=4)
    urgent = open_ticket(by=agent, priority=1)
    items = api.get("/tickets").json()["items"]
    assert [i["id"] for i in items] == [urgent.pk, low.pk]
    only = api.get("/tickets", {"priority": 4}).json()
    assert only["count"] == 1 and only["items"][0]["id"] == low.pk
    assert api.get("/tickets", {"assignee": "none"}).json()["count"] == 2


def test_bad_input_is_refused_in_french(api, outsider):
    stranger = PersonFactory(workspace=outsider.workspace)
    response = api.post("/tickets", {"subject": "Panne", "person": stranger.pk})
    assert response.status_code == 422 and response.json()["errors"]["person"]
    response = api.post("/tickets", {"subject": "Panne"})
    assert response.status_code == 422
    assert "Choisissez le client" in response.content.decode()
    assert not Ticket.objects.exists()


def test_other_workspace_and_read_only(agent, outsider_api, reader_api):
    ticket = open_ticket(by=agent)
    assert outsider_api.get(f"/tickets/{ticket.pk}").status_code == 404
    assert outsider_api.post(f"/tickets/{ticket.pk}/notes", {"body": "x"}).status_code == 404
    assert (
        outsider_api.post(f"/tickets/{ticket.pk}/status", {"status": "waiting"}).status_code == 404
    )
    assert outsider_api.get("/tickets").json()["count"] == 0
    assert reader_api.get(f"/tickets/{ticket.pk}").status_code == 200
    assert reader_api.post(f"/tickets/{ticket.pk}/notes", {"body": "x"}).status_code == 403
    assert (
        reader_api.post("/tickets", {"subject": "x", "person": ticket.person_id}).status_code == 403
    )
