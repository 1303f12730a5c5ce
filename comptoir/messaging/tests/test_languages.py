"""Default message texts are written in the workspace's language; French stays the default."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as lazy_text  # not for the catalogue
from django.utils.translation import trans_real

from comptoir.accounts.services import workspace_create
from comptoir.messaging import defaults
from comptoir.messaging.models import MessageTemplate
from comptoir.messaging.services import (
    appointment_context,
    message_template_reset,
    templates_ensure,
)

SUBJECT = "Rendez-vous confirmé le {{ rdv.date }} à {{ rdv.heure }}"
SMS = (
    "{{ entreprise.nom }} : RDV confirmé le {{ rdv.date_courte|default:rdv.date }} à "
    "{{ rdv.heure }}, {{ rdv.prestation }}.{% if rdv.lien_modifier %} Modifier : "
    "{{ rdv.lien_modifier }}{% endif %}"
)


def _translated(msgid: str) -> bool:
    with translation.override("en"):
        return translation.gettext(msgid) != msgid


@pytest.fixture
def english_texts(monkeypatch):
    """Add English texts to the loaded catalogue, as the translated catalogue provides them."""
    catalogue = trans_real.translation("en")._catalog._catalogs[0]

    def add(french: str, english: str) -> None:
        monkeypatch.setitem(catalogue, french, english)

    return add


def template(workspace, code, channel):
    return MessageTemplate.objects.get(workspace=workspace, code=code, channel=channel)


@pytest.mark.django_db
def test_an_english_workspace_gets_its_default_templates_in_english(english_texts):
    english_texts(SUBJECT, "Appointment confirmed on {{ rdv.date }} at {{ rdv.heure }}")
    english_texts(SMS, "{{ entreprise.nom }}: appointment confirmed, {{ rdv.date_courte }}.")

    english = workspace_create(name="Duret Ltd", slug="duret-uk", locale="en")
    french = workspace_create(name="Duret SARL", slug="duret-fr")

    assert template(english, "booking_confirmed", "email").subject == (
        "Appointment confirmed on {{ rdv.date }} at {{ rdv.heure }}"
    )
    assert template(english, "booking_confirmed", "sms").body == (
        "{{ entreprise.nom }}: appointment confirmed, {{ rdv.date_courte }}."
    )
    assert template(french, "booking_confirmed", "email").subject == SUBJECT
    assert template(french, "booking_confirmed", "sms").body == SMS
    assert translation.get_language() == "fr"  # the seeding leaves the request's language alone


@pytest.mark.xfail(
    not _translated(SUBJECT), reason="the English catalogue lacks the default texts", strict=True
)
@pytest.mark.django_db
def test_the_english_catalogue_translates_the_default_templates():
    english = workspace_create(name="Duret Ltd", slug="duret-uk", locale="en")

    confirmed = template(english, "booking_confirmed", "email")
    assert confirmed.subject.startswith("Appointment")
    assert "Bonjour" not in confirmed.body
    assert "Rendez-vous" not in template(english, "booking_rescheduled", "email").subject
    assert "RDV" not in template(english, "reminder_day_before", "sms").body


@pytest.mark.django_db
def test_texts_created_on_first_use_follow_the_workspace_language(english_texts, workspace):
    english_texts("Votre code : {{ code }}", "Your code: {{ code }}")
    english_texts("Bonjour, voici votre code : {{ code }}", "Hello, here is your code: {{ code }}")
    english = workspace_create(name="Duret Ltd", slug="duret-uk", locale="en")
    texts = {
        "subject": lazy_text("Votre code : {{ code }}"),
        "email": lazy_text("Bonjour, voici votre code : {{ code }}"),
        "sms": lazy_text("Votre code : {{ code }}"),
    }

    for space in (english, workspace):
        templates_ensure(workspace_id=space.pk, code="portal_code", **texts)

    assert template(english, "portal_code", "email").subject == "Your code: {{ code }}"
    assert template(english, "portal_code", "email").body == "Hello, here is your code: {{ code }}"
    assert template(english, "portal_code", "sms").body == "Your code: {{ code }}"
    assert template(workspace, "portal_code", "email").subject == "Votre code : {{ code }}"
    assert template(workspace, "portal_code", "sms").body == "Votre code : {{ code }}"


@pytest.mark.django_db
def test_first_use_texts_are_kept_once_they_exist(workspace, django_assert_num_queries):
    texts = {"subject": "Objet", "email": "Texte", "sms": "SMS"}
    templates_ensure(workspace_id=workspace.pk, code="portal_code", **texts)
    row = template(workspace, "portal_code", "sms")
    row.body = "Modifié"
    row.save()

    with django_assert_num_queries(1):
        templates_ensure(workspace_id=workspace.pk, code="portal_code", **texts)

    assert template(workspace, "portal_code", "sms").body == "Modifié"


@pytest.mark.django_db
def test_reset_puts_back_the_default_in_the_workspace_language(english_texts, english, manager):
    english_texts(SMS, "{{ entreprise.nom }}: appointment confirmed.")
    row = template(english, "booking_confirmed", "sms")
    row.body = "Changed"
    row.save()

    message_template_reset(template=row, by=manager)

    row.refresh_from_db()
    assert row.body == "{{ entreprise.nom }}: appointment confirmed."
    assert defaults.default_for("booking_confirmed") is not None
    assert defaults.default_for("ticket_reply") is None


@pytest.mark.django_db
def test_dates_and_times_are_written_in_the_workspace_language(workspace, english):
    moment = {
        "client_name": "Mr Smith",
        "starts_at": dt.datetime(2025, 5, 1, 8, 30, tzinfo=ZoneInfo("Europe/Paris")),
        "ends_at": dt.datetime(2025, 5, 1, 14, 0, tzinfo=ZoneInfo("Europe/Paris")),
    }

    english_fields = appointment_context(workspace=english, **moment)["rdv"]
    english.locale = "fr"
    french_fields = appointment_context(workspace=english, **moment)["rdv"]

    assert [english_fields[k] for k in ("date", "date_courte", "heure", "fin")] == [
        "Thursday 1 May 2025",
        "Thu 01/05",
        "8:30",
        "14:00",
    ]
    assert [french_fields[k] for k in ("date", "date_courte", "heure", "fin")] == [
        "jeudi 1er mai 2025",
        "jeu. 01/05",
        "8 h 30",
        "14 h",
    ]
