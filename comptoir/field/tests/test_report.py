"""Intervention report: validation, photos, idempotent sync, PDF, e-mail, appointment done."""

import json
import shutil
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from comptoir.activities.models import Note, State
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.field.models import CatalogueItem, ChecklistItem, InterventionReport
from comptoir.field.tests import factories
from comptoir.field.tests.conftest import today_at
from comptoir.messaging.models import Message

pytestmark = pytest.mark.django_db


def full_report(visit, **overrides):
    required = ChecklistItem.objects.filter(service_type=visit.service_type, is_required=True)
    breaker = CatalogueItem.objects.get(workspace=visit.workspace, reference="DJ-16")
    data = {
        "uuid": str(uuid.uuid4()),
        "work_done": "Disjoncteur 16 A du circuit cuisine remplacé, essais concluants.",
        "started_at": today_at(9, 2).isoformat(),
        "ended_at": today_at(9, 47).isoformat(),
        "signer_name": "Pierre Dupont",
        "checklist": [str(i.pk) for i in required],
        "materials": json.dumps(
            [
                {"item": breaker.pk, "quantity": "2"},
                {"item": None, "label": "Domino de raccordement", "quantity": "4"},
            ]
        ),
        "photo_after": factories.jpeg(),
        "photo_before": factories.jpeg("avant.jpg"),
        "signature": factories.png(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, visit, data):
    return client.post(reverse("field:report_submit", args=[visit.pk]), data)


def pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    return ""


def test_terminer_lists_what_is_missing_and_changes_nothing(gaetan_client, today_visit):
    data = full_report(today_visit, photo_after=None, signature=None, signer_name="")
    response = submit(gaetan_client, today_visit, data)
    assert response.status_code == 400
    assert response.json()["message"] == "Il manque : photo Après, signature, nom du signataire."
    assert not InterventionReport.objects.filter(status="completed").exists()


def test_required_checks_are_named_when_missing(gaetan_client, today_visit):
    response = submit(gaetan_client, today_visit, full_report(today_visit, checklist=[]))
    message = response.json()["message"]
    assert "contrôle « Couper l'alimentation avant intervention »" in message
    assert "contrôle « Tester le différentiel (bouton test) »" not in message  # optional


def test_a_pdf_instead_of_a_photo_is_refused_in_french(gaetan_client, today_visit):
    fake = factories.jpeg("facture.pdf")
    fake.content_type = "application/pdf"
    response = submit(gaetan_client, today_visit, full_report(today_visit, photo_after=fake))
    assert response.status_code == 400
    assert response.json()["errors"]["photos"] == [
        "« facture.pdf » n'est pas une image : envoyez une photo JPEG, PNG ou WebP."
    ]


def test_a_file_that_only_claims_to_be_an_image_is_refused(gaetan_client, today_visit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.7 not an image", content_type="image/jpeg")
    response = submit(gaetan_client, today_visit, full_report(today_visit, photo_after=fake))
    assert response.json()["errors"]["photos"] == [
        "« photo.jpg » n'est pas une image lisible : envoyez une photo JPEG, PNG ou WebP."
    ]


def test_a_photo_over_10_mo_is_refused(gaetan_client, today_visit):
    big = factories.jpeg("enorme.jpg")
    big.size = 11 * 1024 * 1024  # what the upload handler reports; no need to send 11 Mo
    from django.core.exceptions import ValidationError

    from comptoir.field.images import check_image

    with pytest.raises(ValidationError) as caught:
        check_image(big, label="photo")
    assert caught.value.messages == ["« enorme.jpg » pèse 11,0 Mo : 10 Mo au plus."]


def test_bad_materials_are_refused_line_by_line(gaetan_client, today_visit):
    materials = json.dumps([{"item": 999999, "quantity": "1"}, {"label": "Vis", "quantity": "-2"}])
    response = submit(gaetan_client, today_visit, full_report(today_visit, materials=materials))
    assert response.json()["errors"]["materials"] == [
        "Ligne 1 : article introuvable.",
        "Ligne 2 : quantité invalide pour « Vis ».",
    ]


def test_same_submission_twice_makes_one_report_and_one_email(
    gaetan_client, today_visit, django_capture_on_commit_callbacks
):
    request = InteractionFactory(owner=today_visit.technician.user, subject="Panne cuisine")
    today_visit.request = request
    today_visit.save()
    data = full_report(today_visit)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(gaetan_client, today_visit, data)
    assert first.status_code == 200, first.content
    data = full_report(today_visit, uuid=data["uuid"])  # the phone sends the same item again
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(gaetan_client, today_visit, data)
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["report"] == first.json()["report"]
    assert InterventionReport.objects.count() == 1
    assert Message.objects.filter(template_code="intervention_report").count() == 1
    # The report goes once; the satisfaction survey of the finished visit is another e-mail.
    reports = [m for m in mail.outbox if m.subject.startswith("Rapport de votre intervention")]
    assert len(reports) == 1

    email = reports[0]
    assert email.to == ["pierre.dupont@example.fr"]
    assert email.subject.startswith("Rapport de votre intervention du ")
    ((name, content, mimetype),) = email.attachments
    assert name == f"rapport-{today_visit.reference}.pdf" and mimetype == "application/pdf"
    assert content[:4] == b"%PDF"

    report = InterventionReport.objects.get()
    assert report.is_completed and report.duration_minutes == 45
    assert report.photos.count() == 2 and report.signature
    assert [line.label for line in report.lines.all()] == [
        "Disjoncteur divisionnaire 16 A",
        "Domino de raccordement",
    ]
    today_visit.interaction.refresh_from_db()
    assert today_visit.interaction.state == State.DONE
    pdf_url = reverse("field:report_pdf", args=[report.pk])
    assert Note.objects.filter(interaction=request, body__contains=pdf_url).exists()
    assert Note.objects.filter(interaction=today_visit.interaction, body__contains=pdf_url).exists()

    download = gaetan_client.get(pdf_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content)[:4] == b"%PDF"


def test_a_second_different_submission_after_completion_is_refused(gaetan_client, today_visit):
    assert submit(gaetan_client, today_visit, full_report(today_visit)).status_code == 200
    response = submit(gaetan_client, today_visit, full_report(today_visit))
    assert response.status_code == 400
    assert response.json()["message"] == "Le rapport de cette intervention est déjà terminé."
    assert Message.objects.filter(template_code="intervention_report").count() == 1


def test_the_pdf_reads_like_a_french_report(gaetan, dupont, workspace):
    from comptoir.field.pdf import report_html, report_pdf
    from comptoir.field.services import Submission, parse_materials, report_complete

    person, site = dupont
    visit = factories.visit(gaetan, starts_at=today_at(10), person=person, site=site)
    workspace.street, workspace.postcode, workspace.city = "3 avenue de Genève", "74000", "Annecy"
    workspace.save()
    required = ChecklistItem.objects.filter(service_type=visit.service_type, is_required=True)
    items = {i.reference: i.pk for i in CatalogueItem.objects.filter(workspace=workspace)}
    result = report_complete(
        visit=visit,
        by=gaetan.user,
        submission=Submission(
            uuid=uuid.uuid4(),
            work_done="Remplacement de l'interrupteur différentiel.",
            duration_minutes=90,
            checked=[i.pk for i in required],
            materials=parse_materials(
                [
                    {"item": items["ID-40"], "quantity": "1"},
                    {"item": items["MO-H"], "quantity": "1,5"},
                    {"item": items["CAB-25"], "quantity": "12"},
                ],
                workspace_id=workspace.pk,
            ),
            photos=[("after", factories.jpeg())],
            signature=factories.png(),
            signer_name="Pierre Dupont",
        ),
    )
    report = result.report
    # 68,00 + 82,50 + 22,20 = 172,70 HT; VAT 20 % on 90,20 = 18,04 and 10 % on 82,50 = 8,25
    assert report.total_ht == Decimal("172.70")
    assert report.total_vat == Decimal("26.29")
    assert report.total_ttc == Decimal("198.99")
    report.pdf.open("rb")
    data = report.pdf.read()
    assert data[:4] == b"%PDF"
    html = report_html(report)
    name = str(person)  # "M. Pierre Dupont"
    for expected in (name, "12 rue de la Mairie", "198,99\u202f€", "TVA 10\u202f%", "1 h 30"):
        assert expected in html, expected
    text = pdf_text(data)
    if text:
        for expected in ("Rapport d'intervention", name, "Total TTC", "198,99", "Signé le"):
            assert expected in text, expected
    assert report_pdf(report)[:4] == b"%PDF"


def test_the_report_of_a_ticket_visit_lands_on_the_ticket(
    gaetan_client, today_visit, agent, client, django_capture_on_commit_callbacks
):
    from comptoir.tickets.models import MessageKind
    from comptoir.tickets.tests.factories import open_ticket

    person, site = today_visit.interaction.person, today_visit.interaction.site
    ticket = open_ticket(by=agent, person=person, site=site, subject="Disjoncteur qui saute")
    today_visit.request = ticket.interaction
    today_visit.save()
    data = full_report(today_visit)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(gaetan_client, today_visit, data).status_code == 200
        # The phone sends it again after a bad connection: still one PDF on the ticket.
        submit(gaetan_client, today_visit, full_report(today_visit, uuid=data["uuid"]))

    (attachment,) = ticket.attachments.all()
    assert attachment.filename == f"rapport-{today_visit.reference}.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.read()[:4] == b"%PDF"
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert today_visit.reference in note.body and "Pierre Dupont" in note.body
    assert attachment.message == note

    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert reverse("tickets:attachment", args=[attachment.pk]) in page
    assert f"rapport-{today_visit.reference}.pdf" in page
