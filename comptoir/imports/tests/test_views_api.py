"""The wizard pages, the API, the exports: what a user and a client program see."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from comptoir.accounts.services import api_token_issue
from comptoir.activities.selectors import processes_for
from comptoir.activities.services import interaction_create
from comptoir.contacts.models import Person
from comptoir.contacts.services import contact_point_add, person_create
from comptoir.imports.models import ImportJob
from comptoir.imports.tests.helpers import data_file, run_import
from comptoir.lib.export import neutralize, write_csv


def test_wizard_upload_mapping_preview_run_result(agent_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("erp.csv", data_file("erp_mde.csv"), content_type="text/csv")
    response = agent_client.post(
        reverse("imports:upload"),
        {"file": upload, "kind": "people", "source": "ERP MDE", "mapping": "auto"},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:mapping", args=[job.pk])
    page = agent_client.get(response.url).content.decode()
    assert "Windows-1252" in page and "DUPONT Pierre" in page
    fields = {f"col_{i}": job.mapping[c] for i, c in enumerate(job.columns)}
    response = agent_client.post(
        reverse("imports:mapping", args=[job.pk]), {**fields, "save_as": "ERP MDE clients"}
    )
    assert response.url == reverse("imports:preview", args=[job.pk])
    page = agent_client.get(response.url).content.decode()
    assert "Lefèvre" in page and "+33612345678" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("imports:preview", args=[job.pk]), {"dry_run": "0"})
    page = agent_client.get(response.url).content.decode()
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 3
    assert "Annuler l&#x27;import" in page or "Annuler l'import" in page
    progress = agent_client.get(
        reverse("imports:detail", args=[job.pk]) + "?partial=progress", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "100 %" in progress and "hx-trigger" not in progress  # finished: polling stops
    agent_client.post(reverse("imports:undo", args=[job.pk]))
    assert not Person.objects.exists()


def test_another_workspace_gets_404(agent, client, outsider):
    job = run_import(agent, data_file("erp_mde.csv"))
    client.force_login(outsider)
    for name in ("detail", "mapping", "preview", "errors"):
        assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:undo", args=[job.pk])).status_code == 404


def test_list_shows_jobs(agent_client, agent):
    run_import(agent, data_file("erp_mde.csv"), name="erp_mde.csv", source="ERP MDE")
    page = agent_client.get(reverse("imports:list")).content.decode()
    assert "erp_mde.csv" in page and "ERP MDE" in page


def test_api_post_then_follow_the_job(agent, client, django_capture_on_commit_callbacks):
    token = api_token_issue(user=agent, label="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports",
            {
                "file": SimpleUploadedFile("sage.csv", data_file("sage.csv")),
                "kind": "people",
                "source": "SAGE",
            },
            **headers,
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/imports/{job_id}", **headers).json()
    assert (body["status"], body["created"], body["progress"], body["errors_count"]) == (
        "done",
        2,
        100,
        0,
    )
    bad = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("x.csv", b""), "kind": "people"}, **headers
    )
    assert bad.status_code == 422 and "vide" in str(bad.json()["errors"])
    unknown = client.post(
        "/api/v1/imports",
        {
            "file": SimpleUploadedFile("sage.csv", data_file("sage.csv")),
            "kind": "people",
            "mapping": "Nope",
        },
        **headers,
    )
    assert unknown.status_code == 422


def test_api_other_workspace_404(agent, outsider, client):
    job = run_import(agent, data_file("erp_mde.csv"))
    token = api_token_issue(user=outsider, label="t")
    response = client.get(f"/api/v1/imports/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+33 6", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_formula_starts_are_neutralized(value):
    assert neutralize(value) == "'" + value
    assert neutralize("Dupont") == "Dupont"
    assert (
        write_csv(["A"], [[value]]).decode("utf-8-sig").splitlines()[1].strip('"').startswith("'")
    )


def test_people_export_keeps_the_list_filters_and_neutralizes(agent_client, agent):
    evil = person_create(by=agent, last_name="=cmd|' /C calc'!A0", city="Annecy")
    contact_point_add(by=agent, person=evil, kind="phone", value="06 12 34 56 78")
    person_create(by=agent, last_name="Martin", city="Lyon")
    response = agent_client.get(
        reverse("imports:export", args=["personnes", "csv"]) + "?ville=Anne"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[0][2] == "Nom"
    assert rows[1][2].startswith("'=") and rows[1][10] == "06 12 34 56 78"
    response = agent_client.get(
        reverse("imports:export", args=["personnes", "xlsx"]) + "?ville=Anne"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][2].startswith("'=")
    assert sheet.cell(2, 3).data_type == "s"  # text, not a formula


def test_interactions_and_companies_export(agent_client, agent):
    import datetime as dt

    from django.utils import timezone

    process = processes_for(agent).first()
    interaction_create(
        by=agent,
        process=process,
        subject="@Relancer devis",
        starts_at=timezone.now(),
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    interaction_create(
        by=agent,
        process=process,
        subject="Autre",
        starts_at=timezone.now(),
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    response = agent_client.get(
        reverse("imports:export", args=["interactions", "csv"]) + "?q=Relancer"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][6] == "'@Relancer devis"
    response = agent_client.get(reverse("imports:export", args=["societes", "xlsx"]))
    assert response.status_code == 200
    assert agent_client.get("/exports/inconnu.csv").status_code == 404
