"""The portal pages, and that no route reaches another customer's or workspace's data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.models import Person
from comptoir.field.tests.factories import jpeg
from comptoir.portal.tests import factories
from comptoir.tickets.models import MessageKind, Status, Ticket, TicketChannel
from comptoir.tickets.services import ticket_attach, ticket_note, ticket_reply, ticket_update


def url(name, *args, slug="duret"):
    return reverse(f"portal:{name}", args=[slug, *args])


def test_my_requests_show_status_and_due_time(dupont_client, dupont_ticket, durand_ticket):
    html = dupont_client.get(url("requests")).content.decode()
    assert dupont_ticket.reference in html and "Disjoncteur qui saute" in html
    assert "Reçue" in html and "Réponse prévue avant le" in html
    assert durand_ticket.reference not in html


def test_the_request_page_shows_replies_but_never_internal_notes(
    dupont_client, dupont_ticket, agent, django_capture_on_commit_callbacks
):
    ticket_note(ticket=dupont_ticket, by=agent, body="Client pénible, facturer le déplacement")
    ticket_reply(ticket=dupont_ticket, by=agent, body="Notre technicien passe demain matin.")
    html = dupont_client.get(url("request", dupont_ticket.pk)).content.decode()
    assert "Notre technicien passe demain matin." in html
    assert "Client pénible" not in html and "facturer" not in html


def test_internal_attachments_are_not_served(dupont_client, dupont_ticket, agent):
    note = ticket_note(ticket=dupont_ticket, by=agent, body="photo interne")
    secret = ticket_attach(ticket=dupont_ticket, by=agent, file=jpeg("interne.jpg"), message=note)
    loose = ticket_attach(ticket=dupont_ticket, by=agent, file=jpeg("sans-message.jpg"))
    for item in (secret, loose):
        response = dupont_client.get(url("attachment", dupont_ticket.pk, item.pk))
        assert response.status_code == 404


def test_the_customer_adds_a_message_with_a_photo(dupont_client, dupont, dupont_ticket):
    ticket_update(ticket=dupont_ticket, by=dupont_ticket.created_by, status=Status.WAITING)
    response = dupont_client.post(
        url("request", dupont_ticket.pk),
        {"body": "Voici la photo du tableau.", "photos": [jpeg("tableau.jpg")]},
    )
    assert response.status_code == 302
    dupont_ticket.refresh_from_db()
    assert dupont_ticket.status == Status.IN_PROGRESS  # the clock restarts
    message = dupont_ticket.messages.get(kind=MessageKind.INCOMING)
    assert message.author_person == dupont and message.body == "Voici la photo du tableau."
    photo = message.attachments.get()
    html = dupont_client.get(url("request", dupont_ticket.pk)).content.decode()
    assert "Voici la photo du tableau." in html
    served = dupont_client.get(url("attachment", dupont_ticket.pk, photo.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10), "ni une image"),
        (SimpleUploadedFile("faux.jpg", b"<html>" * 10), "ni une image"),
    ],
)
def test_a_bad_file_is_refused_in_french_and_nothing_is_added(
    dupont_client, dupont_ticket, upload, error
):
    response = dupont_client.post(
        url("request", dupont_ticket.pk), {"body": "Regardez", "photos": [upload]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and "Regardez" in html  # what was typed is kept
    assert not dupont_ticket.messages.filter(kind=MessageKind.INCOMING).exists()


def test_an_oversized_photo_is_refused(dupont_client, dupont_ticket, settings):
    big = SimpleUploadedFile("enorme.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 1))
    response = dupont_client.post(url("request", dupont_ticket.pk), {"body": "", "photos": [big]})
    assert response.status_code == 400 and "trop lourd" in response.content.decode()


def test_an_empty_message_is_explained(dupont_client, dupont_ticket):
    response = dupont_client.post(url("request", dupont_ticket.pk), {"body": "  "})
    assert response.status_code == 400
    assert "Écrivez un message ou joignez une photo." in response.content.decode()


def test_a_new_request_goes_to_the_queue_on_the_portal_channel(
    dupont_client, dupont, manager, agent
):
    response = dupont_client.post(
        url("request_new"),
        {"subject": "Prise qui grésille", "description": "Dans la cuisine, depuis hier."},
    )
    ticket = Ticket.objects.get(subject="Prise qui grésille")
    assert response.status_code == 302
    assert response["Location"] == url("request", ticket.pk)
    assert ticket.channel == TicketChannel.PORTAL and ticket.person == dupont
    assert ticket.created_by is None  # filed by the customer, not by a colleague
    assert ticket.interaction is not None and ticket.interaction.owner == manager
    assert ticket.resolution_due_at is not None


def test_a_new_request_without_subject_is_refused(dupont_client):
    response = dupont_client.post(url("request_new"), {"subject": "", "description": "x"})
    assert response.status_code == 400
    assert "Indiquez l&#x27;objet de votre demande." in response.content.decode()


def test_visits_list_and_report_download(dupont_client, dupont, gaetan):
    visit = factories.done_visit(gaetan, dupont)
    html = dupont_client.get(url("visits")).content.decode()
    assert visit.reference in html and "Gaëtan" in html and "Terminée" in html
    response = dupont_client.get(url("report_pdf", visit.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == factories.PDF


def test_main_contact_sees_the_company_requests_others_do_not(workspace, agent, dupont):
    from comptoir.tickets.tests.factories import open_ticket

    company = factories.company_contact(workspace, dupont)
    colleague = factories.person(workspace, "Martin", email="martin@tilleuls.fr")
    company_ticket = open_ticket(by=agent, company=company, person=colleague, subject="Hall")
    html = factories.portal_client(dupont).get(url("requests")).content.decode()
    assert company_ticket.reference in html
    other = factories.person(workspace, "Petit", email="petit@tilleuls.fr")
    factories.company_contact(workspace, other, name="Autre SARL")
    client = factories.portal_client(other)
    assert client.get(url("request", company_ticket.pk)).status_code == 404


# --- another customer, another workspace -----------------------------------------------------


@pytest.fixture
def elsewhere(other_workspace):
    """A customer of another workspace, with a request, a visit and a report."""
    from comptoir.scheduling.tests.factories import TechnicianFactory
    from comptoir.tickets.tests.factories import open_ticket

    agent = UserFactory(workspace=other_workspace)
    person = factories.person(other_workspace, "Dupont", email="p.dupont@gmail.com")
    ticket = open_ticket(by=agent, person=person)
    reply = ticket_reply(ticket=ticket, by=agent, body="Réponse")
    attachment = ticket_attach(ticket=ticket, by=agent, file=jpeg(), message=reply)
    technician = TechnicianFactory(user=UserFactory(workspace=other_workspace, role="technician"))
    visit = factories.done_visit(technician, person)
    return {"person": person, "ticket": ticket, "attachment": attachment, "visit": visit}


def _ids_of(who, agent, gaetan):
    ticket = Ticket.objects.filter(person=who).first()
    if ticket is None:
        from comptoir.tickets.tests.factories import open_ticket

        ticket = open_ticket(by=agent, person=who)
    reply = ticket_reply(ticket=ticket, by=agent, body="Réponse à " + who.last_name)
    attachment = ticket_attach(ticket=ticket, by=agent, file=jpeg(), message=reply)
    visit = factories.done_visit(gaetan, who)
    return ticket, attachment, visit


def test_another_customers_ids_are_not_found(
    dupont_client, dupont, durand, agent, gaetan, dupont_ticket, durand_ticket
):
    ticket, attachment, visit = _ids_of(durand, agent, gaetan)
    mine, my_attachment, my_visit = _ids_of(dupont, agent, gaetan)
    for path in (
        url("request", ticket.pk),
        url("attachment", ticket.pk, attachment.pk),
        url("attachment", mine.pk, attachment.pk),  # their file under my request
        url("report_pdf", visit.pk),
    ):
        assert dupont_client.get(path).status_code == 404, path
    # Posting on their request changes nothing.
    assert dupont_client.post(url("request", ticket.pk), {"body": "x"}).status_code == 404
    assert not ticket.messages.filter(kind=MessageKind.INCOMING).exists()
    # And my own are found.
    for path in (
        url("request", mine.pk),
        url("attachment", mine.pk, my_attachment.pk),
        url("report_pdf", my_visit.pk),
    ):
        assert dupont_client.get(path).status_code == 200, path


def test_another_workspaces_ids_and_slug_are_not_found(dupont_client, dupont, elsewhere):
    for path in (
        url("request", elsewhere["ticket"].pk),
        url("attachment", elsewhere["ticket"].pk, elsewhere["attachment"].pk),
        url("report_pdf", elsewhere["visit"].pk),
    ):
        assert dupont_client.get(path).status_code == 404, path
    # The Duret cookie does not open the other workspace's portal (same e-mail there).
    response = dupont_client.get(url("requests", slug="concurrent"))
    assert response.status_code == 302
    assert response["Location"] == url("home", slug="concurrent")
    assert dupont_client.get(url("requests", slug="inconnu")).status_code == 404


def test_a_session_of_another_workspace_cannot_be_replayed_on_duret(elsewhere, dupont):
    client = factories.portal_client(elsewhere["person"])
    client.cookies["comptoir_portal"]["path"] = "/"
    assert client.get(url("requests")).status_code == 302
    assert client.get(url("request", elsewhere["ticket"].pk, slug="concurrent")).status_code == 200


def test_a_deleted_person_leaves_no_session(dupont_client, dupont):
    assert Person.objects.filter(pk=dupont.pk).exists()
    dupont.contact_points.all().delete()
    dupont.delete()
    assert dupont_client.get(url("requests")).status_code == 302


def test_list_pages_keep_a_fixed_number_of_queries(
    dupont_client, dupont, agent, gaetan, django_assert_max_num_queries
):
    from comptoir.tickets.tests.factories import open_ticket

    for n in range(5):
        open_ticket(by=agent, person=dupont, subject=f"Demande {n}")
        factories.done_visit(gaetan, dupont)
    with django_assert_max_num_queries(8):
        dupont_client.get(url("requests"))
    with django_assert_max_num_queries(8):
        dupont_client.get(url("visits"))
