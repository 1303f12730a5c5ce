"""The technician app speaks the workspace's language: JavaScript texts, offline shell, PDF."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import trans_real

from comptoir.field.tests.test_report import full_report, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_texts(monkeypatch):
    """Add English texts to the loaded catalogue, as the translated catalogue provides them."""
    catalogue = trans_real.translation("en")._catalog._catalogs[0]

    def add(french, english):
        monkeypatch.setitem(catalogue, french, english)

    return add


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_javascript_catalogue_answers_in_each_language(client, language):
    response = client.get(reverse("field:jsi18n", args=[language]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert "django.gettext = function" in script
    assert "globals.interpolate = django.interpolate" in script


def test_an_unknown_language_has_no_catalogue(client):
    assert client.get("/field/i18n/de.js").status_code == 404


def test_the_day_loads_the_catalogue_of_the_workspace_language_before_field_js(
    gaetan_client, workspace, today_visit
):
    page = gaetan_client.get(reverse("field:today")).content.decode()
    assert '<html lang="fr">' in page
    assert page.index('<script src="/field/i18n/fr.js">') < page.index("field/field.js")

    workspace.locale = "en"
    workspace.save(update_fields=["locale"])
    page = gaetan_client.get(reverse("field:visit", args=[today_visit.pk])).content.decode()
    assert '<html lang="en">' in page
    assert page.index('<script src="/field/i18n/en.js">') < page.index("field/field.js")


def test_the_service_worker_keeps_the_catalogue_for_offline_use(gaetan_client, workspace):
    french = gaetan_client.get(reverse("field:sw")).content.decode()
    assert '"/field/i18n/fr.js"' in french.split("const SHELL = ", 1)[1].split(";", 1)[0]
    assert "Revenir à la journée" in french

    workspace.locale = "en"
    workspace.save(update_fields=["locale"])
    english = gaetan_client.get(reverse("field:sw")).content.decode()
    assert '"/field/i18n/en.js"' in english.split("const SHELL = ", 1)[1].split(";", 1)[0]
    version = [line for line in english.splitlines() if line.startswith("const VERSION")]
    assert version[0].endswith('-en";')
    assert version[0] not in french  # another cache: the shell is fetched again in English


def test_the_manifest_says_the_workspace_language(gaetan_client, workspace):
    assert gaetan_client.get(reverse("field:manifest")).json()["lang"] == "fr"
    workspace.locale = "en"
    workspace.save(update_fields=["locale"])
    assert gaetan_client.get(reverse("field:manifest")).json()["lang"] == "en"


def test_the_pdf_writes_dates_and_times_in_the_workspace_language(
    english_texts, gaetan_client, workspace, today_visit
):
    from comptoir.field.models import InterventionReport
    from comptoir.field.pdf import report_html

    english_texts("%(date)s à %(time)s", "%(date)s at %(time)s")
    english_texts("%(minutes)s min", "%(minutes)s minutes")
    assert submit(gaetan_client, today_visit, full_report(today_visit)).status_code == 200
    report = InterventionReport.objects.get(visit=today_visit)
    day = today_visit.starts_at.astimezone(report.signed_at.tzinfo)

    french = report_html(report)
    assert '<html lang="fr">' in french
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", french)
    assert "45 min" in french

    workspace.locale = "en"
    workspace.save(update_fields=["locale"])
    report.refresh_from_db()
    english = report_html(report)
    assert '<html lang="en">' in english
    assert re.search(r"\d\d/\d\d/\d{4} at \d\d:\d\d", english)
    assert not re.search(r"\d\d/\d\d/\d{4} à ", english)
    assert "45 minutes" in english
    assert f"{day:%B} {day.year}" in english  # "Monday 3 March 2025", not "lundi 3 mars 2025"
