"""M. Dupont signs in on the portal with a code received by e-mail, follows his request and
writes to the team; then he rates the resolution in one click from the survey e-mail."""

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from comptoir.accounts.models import Role
from comptoir.accounts.services import workspace_create
from comptoir.conftest import smtp_server  # noqa: F401 - the SMTP server fixture
from comptoir.contacts.services import contact_point_add, person_create
from comptoir.portal.models import Survey
from comptoir.tickets.models import MessageKind, Status
from comptoir.tickets.services import ticket_note, ticket_open, ticket_reply, ticket_update
from e2e.conftest import member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def duret():
    workspace = workspace_create(name="Duret Électricité", slug="duret")
    sophie = member(workspace, "sophie", "Sophie", role=Role.ADMIN)
    dupont = person_create(by=sophie, civility="M.", first_name="Pierre", last_name="Dupont")
    contact_point_add(by=sophie, person=dupont, kind="email", value="p.dupont@gmail.com")
    ticket = ticket_open(by=sophie, person=dupont, subject="Disjoncteur qui saute")
    ticket_reply(ticket=ticket, by=sophie, body="Pouvez-vous nous envoyer une photo du tableau ?")
    ticket_note(ticket=ticket, by=sophie, body="Note interne : client exigeant")
    return {"sophie": sophie, "dupont": dupont, "ticket": ticket}


def _mail_to(server, address, containing):
    """The e-mail to ``address`` whose subject contains ``containing`` (waits up to 5 s)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in reversed(server.messages):
            if address in message["To"] and containing in message["Subject"]:
                return message
        time.sleep(0.05)
    raise AssertionError(f"no e-mail to {address} about {containing}")


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_dupont_signs_in_writes_and_rates_in_one_click(page, duret, smtp_server):  # noqa: F811
    ticket = duret["ticket"]
    page.goto("/portail/duret/")
    page.get_by_label("Votre e-mail ou votre numéro de mobile").fill("p.dupont@gmail.com")
    page.get_by_role("button", name="Recevoir mon code").click()
    expect(page.get_by_role("heading", name="Saisissez votre code")).to_be_visible()

    code_mail = _mail_to(smtp_server, "p.dupont@gmail.com", "code de connexion")
    code = re.search(r"\b(\d{6})\b", _text(code_mail)).group(1)
    page.get_by_label("Code reçu (6 chiffres)").fill(code)
    page.get_by_role("button", name="Me connecter").click()

    expect(page.get_by_role("heading", name=re.compile("Bonjour Pierre"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Disjoncteur qui saute")).click()
    expect(page.locator("h1")).to_have_text("Disjoncteur qui saute")
    expect(page.locator(".portal-conversation")).to_contain_text("photo du tableau")
    expect(page.locator("body")).not_to_contain_text("client exigeant")

    page.get_by_label("Votre message").fill("Voici : le disjoncteur saute quand le four chauffe.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("status")).to_contain_text("Message envoyé.")
    expect(page.locator(".p-msg-mine").last).to_contain_text("quand le four chauffe")
    assert ticket.messages.filter(kind=MessageKind.INCOMING, author_person=duret["dupont"]).exists()

    # The team resolves the request: the survey e-mail arrives, one click answers it.
    ticket.refresh_from_db()
    ticket_update(ticket=ticket, by=duret["sophie"], status=Status.RESOLVED)
    survey_mail = _mail_to(smtp_server, "p.dupont@gmail.com", "Votre avis")
    assert ticket.reference in survey_mail["Subject"]
    link = re.search(r"(https?://\S+/avis/\S+\?note=5)", _text(survey_mail)).group(1)
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}")
    expect(page.get_by_role("status")).to_contain_text("Votre note de 5/5 est enregistrée")
    assert Survey.objects.get(ticket=ticket).csat == 5

    page.get_by_text("10", exact=True).click()
    page.get_by_label("Un commentaire ? (facultatif)").fill("Très réactifs, merci !")
    page.get_by_role("button", name="Enregistrer mon avis").click()
    expect(page.get_by_role("status")).to_contain_text("Merci ! Votre avis est enregistré.")
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.csat, survey.nps, survey.comment) == (5, 10, "Très réactifs, merci !")
