import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.messaging import defaults
from comptoir.messaging.models import Channel, MessageTemplate
from comptoir.messaging.rendering import TemplateError, render, sample_context, sms_length
from comptoir.messaging.services import (
    message_template_preview,
    message_template_reset,
    message_template_update,
    message_templates_seed,
)

CODES = {
    "booking_confirmed",
    "booking_rescheduled",
    "booking_cancelled",
    "reminder_day_before",
    "reminder_same_day",
    "intervention_report",
}


def test_a_new_workspace_gets_french_templates_for_every_event_and_channel(workspace):
    rows = set(MessageTemplate.objects.filter(workspace=workspace).values_list("code", "channel"))
    assert rows == {(code, channel) for code in CODES for channel in ("email", "sms")}
    confirmed = MessageTemplate.objects.get(
        workspace=workspace, code="booking_confirmed", channel="email"
    )
    assert "Rendez-vous confirmé" in confirmed.subject
    assert "Bonjour {{ client.nom }}" in confirmed.body


def test_seeding_again_adds_nothing_and_keeps_edits(workspace, manager):
    template = MessageTemplate.objects.get(
        workspace=workspace, code="booking_confirmed", channel="sms"
    )
    message_template_update(template=template, by=manager, body="Merci {{ client.nom }} !")
    assert message_templates_seed(workspace=workspace) == 0
    template.refresh_from_db()
    assert template.body == "Merci {{ client.nom }} !"
    assert MessageTemplate.objects.filter(workspace=workspace).count() == 2 * len(
        defaults.TEMPLATES
    )


@pytest.mark.parametrize("default", defaults.TEMPLATES, ids=lambda d: d.code)
def test_sms_defaults_fit_in_one_sms_with_typical_values(default):
    text = render(default.sms, sample_context())
    assert "{{" not in text and "{%" not in text
    assert len(text) <= 160, text
    assert "Duret Électricité" in text
    assert "8 h 30" in text


@pytest.mark.parametrize("default", defaults.TEMPLATES, ids=lambda d: d.code)
def test_email_defaults_render_every_detail(default):
    context = sample_context()
    subject = render(default.subject, context)
    body = render(default.email, context)
    assert "Bonjour M. Jean Dupont," in body
    assert "jeudi 20 mars 2025" in subject + body
    assert "04 78 00 00 00" in body
    assert "{{" not in subject + body


def test_sms_length_counts_parts_like_operators():
    assert sms_length("a" * 160).segments == 1
    assert sms_length("a" * 161).segments == 2
    assert sms_length("é" * 160).segments == 1  # é is in the GSM alphabet
    ucs = sms_length("ê" * 71)
    assert ucs.unicode and ucs.segments == 2


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'base.html' %}",
        "{% load i18n %}",
        "{% debug %}",
        "{% url 'activities:desk' %}",
        "{% csrf_token %}",
        "{{ client.__class__ }}",
        "{{ client.nom|safe|pprint }}",
    ],
)
def test_templates_cannot_reach_anything_but_merge_fields(source):
    with pytest.raises(TemplateError):
        render(source, sample_context())


def test_objects_in_a_context_are_flattened_to_text(workspace):
    # A caller passing a model by mistake exposes its text, never its attributes.
    text = render("[{{ entreprise.pk }}|{{ entreprise }}]", {"entreprise": workspace})
    assert text == "[|Duret Électricité]"


def test_a_broken_template_is_refused_with_its_line_and_nothing_is_saved(workspace, manager):
    template = MessageTemplate.objects.get(
        workspace=workspace, code="booking_confirmed", channel="email"
    )
    before = template.body
    with pytest.raises(ValidationError) as caught:
        message_template_update(
            template=template,
            by=manager,
            subject="Confirmation",
            body="Bonjour {{ client.nom }},\n\n{% if rdv.technicien %}\nVotre technicien arrive.",
        )
    assert "ligne 3" in caught.value.message_dict["body"][0]
    assert "endif" in caught.value.message_dict["body"][0]
    template.refresh_from_db()
    assert template.body == before
    assert template.subject != "Confirmation"


def test_an_email_needs_a_subject(workspace, manager):
    template = MessageTemplate.objects.get(
        workspace=workspace, code="booking_confirmed", channel="email"
    )
    with pytest.raises(ValidationError) as caught:
        message_template_update(template=template, by=manager, subject="  ", body="Bonjour")
    assert caught.value.message_dict["subject"] == ["Indiquez l'objet de l'e-mail."]


def test_editing_is_audited_and_reset_brings_back_the_default(workspace, manager):
    template = MessageTemplate.objects.get(
        workspace=workspace, code="reminder_same_day", channel="sms"
    )
    message_template_update(
        template=template, by=manager, body="À tout à l'heure !", is_active=False
    )
    entry = AuditEntry.objects.filter(object_id=template.pk).latest("id")
    assert entry.changes["body"][1] == "À tout à l'heure !"
    message_template_reset(template=template, by=manager)
    template.refresh_from_db()
    assert template.body == defaults.TEMPLATES[4].sms
    assert template.is_active is False  # reset restores the text, not the switch


def test_agents_and_other_workspaces_cannot_edit(workspace, agent, outsider):
    template = MessageTemplate.objects.get(
        workspace=workspace, code="booking_confirmed", channel="sms"
    )
    with pytest.raises(PermissionDenied):
        message_template_update(template=template, by=agent, body="x")
    boss = UserFactory(workspace=outsider.workspace, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        message_template_update(template=template, by=boss, body="x")


def test_preview_renders_sample_values_or_explains_the_error():
    preview = message_template_preview(
        channel=Channel.SMS, body="{{ entreprise.nom }} : RDV le {{ rdv.date }}"
    )
    assert preview.body == "Duret Électricité : RDV le jeudi 20 mars 2025"
    assert preview.sms.segments == 1
    with pytest.raises(ValidationError) as caught:
        message_template_preview(channel=Channel.SMS, body="ligne 1\n{{ rdv.date|inconnu }}")
    assert caught.value.messages == ["Erreur ligne 2 : filtre « inconnu » inconnu ou non autorisé"]
