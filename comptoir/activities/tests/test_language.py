"""Interactions and customer pages in the workspace's language (English here).

The language switch itself and the catalogue checks: comptoir/accounts/tests/test_language.py.
"""

import datetime as dt
import html
import re

from django.urls import reverse

from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.activities.tests.helpers import days_ago, local, today_at
from comptoir.contacts.tests.factories import PersonFactory, PhoneFactory

DESK = reverse("activities:desk")


def page(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_desk_rows_in_english(agent_client, agent, english):
    AppointmentFactory(owner=agent, subject="Entretien chaudière", starts_at=today_at(14))
    InteractionFactory(owner=agent, subject="Rappeler", starts_at=days_ago(4), deadline=days_ago(3))

    text = page(agent_client.get(DESK))

    for words in (
        "Loose ends",
        "Late · 3 d",
        "1 appointment",
        "1 late task",
        "Mark as done: Rappeler",
    ):
        assert words in text, words
    # The day keeps the capitals of English month names: "Monday 3 March", not "march".
    assert re.search(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ · 1 appointment", text)
    assert "En retard" not in text and "Marquer comme" not in text
    # Subjects are data: never translated.
    assert "Entretien chaudière" in text


def test_the_same_desk_in_french(agent_client, agent):
    InteractionFactory(owner=agent, subject="Rappeler", starts_at=days_ago(4), deadline=days_ago(3))

    text = page(agent_client.get(DESK))

    for mot in ("Vieilles casseroles", "En retard · 3 j", "1 tâche en retard", "0 RDV"):
        assert mot in text, mot
    assert "Marquer comme terminé : Rappeler" in text


def test_person_page_in_english(agent_client, agent, english):
    person = PersonFactory(workspace=agent.workspace, last_name="Petit", first_name="Jeanne")
    PhoneFactory(person=person)

    text = page(agent_client.get(person.get_absolute_url()))

    for words in ("Record", "Contact details", "Call", "Book appointment", "Activity", "History"):
        assert words in text, words
    assert "Fiche créée" not in text and "Coordonnées" not in text
    assert "06 12 34 56 78" in text


def test_customer_list_with_rows_in_english(agent_client, agent, english):
    PersonFactory(workspace=agent.workspace, last_name="Petit", first_name="Jeanne")

    text = page(agent_client.get(reverse("contacts:list")))

    assert "<h1>Customers</h1>" in text and "Petit" in text
    assert "Name" in text and "1–1 of 1" in text


def test_interaction_list_in_english(agent_client, agent, english):
    InteractionFactory(owner=agent, subject="Rappeler")

    text = page(agent_client.get(reverse("activities:list") + f"?owner={agent.pk}"))

    assert "<h1>Interactions</h1>" in text
    for words in ("Owner", "Subject", "Status", "Due / duration", "Mark as done: Rappeler"):
        assert words in text, words
    assert "Owner: Claire" in text  # the active filter, English punctuation
    assert "Manager" not in text and "Responsable" not in text


def test_calendar_follows_the_language(agent_client, english):
    text = page(agent_client.get(reverse("activities:calendar")))
    assert 'data-locale="en-gb"' in text  # English words, dates as 16/11
    assert "<h1>Calendar</h1>" in text


def test_calendar_stays_french_in_a_french_workspace(agent_client):
    text = page(agent_client.get(reverse("activities:calendar")))
    assert 'data-locale="fr"' in text and "<h1>Agenda</h1>" in text


def test_messages_and_dates_of_the_move_endpoint_in_english(agent_client, agent, english):
    monday = dt.date(2025, 3, 10)
    rdv = AppointmentFactory(owner=agent, subject="Visite", starts_at=local(monday, 14))

    response = agent_client.post(
        reverse("activities:move", args=[rdv.pk]),
        {"start": "2025-03-11T09:00:00", "end": "2025-03-11T10:00:00"},
    )

    assert response.status_code == 200
    assert response.json()["message"] == "“Visite” moved to Tuesday 11 March, 09:00."


def test_another_workspace_interaction_is_404_whatever_the_language(
    agent_client, outsider, english
):
    theirs = InteractionFactory(owner=outsider)
    assert agent_client.get(reverse("activities:detail", args=[theirs.pk])).status_code == 404
