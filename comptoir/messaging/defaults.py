"""French default message templates seeded in every new workspace."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DefaultTemplate(NamedTuple):
    code: str
    label: Promise
    subject: str
    email: str
    sms: str


_SIGNATURE = """
Une question ? Appelez-nous au {{ entreprise.telephone }}.

{{ entreprise.nom }}
"""

_DETAILS = """  {{ rdv.prestation }}
  {{ rdv.date }}, de {{ rdv.heure }} à {{ rdv.fin }}
  {{ rdv.adresse }}{% if rdv.technicien %}
  Technicien : {{ rdv.technicien }}{% endif %}{% if rdv.reference %}
  Référence : {{ rdv.reference }}{% endif %}
"""

_CHANGE = """{% if rdv.lien_modifier %}
Pour modifier ou annuler ce rendez-vous : {{ rdv.lien_modifier }}
{% endif %}"""

_SHORT_DATE = "{{ rdv.date_courte|default:rdv.date }}"

TEMPLATES: list[DefaultTemplate] = [
    DefaultTemplate(
        "booking_confirmed",
        _("Rendez-vous confirmé"),
        "Rendez-vous confirmé le {{ rdv.date }} à {{ rdv.heure }}",
        "Bonjour {{ client.nom }},\n\nVotre rendez-vous est confirmé :\n\n"
        + _DETAILS
        + "\nL'invitation jointe l'ajoute à votre agenda.\n"
        + _CHANGE
        + _SIGNATURE,
        "{{ entreprise.nom }} : RDV confirmé le " + _SHORT_DATE + " à {{ rdv.heure }}"
        ", {{ rdv.prestation }}.{% if rdv.lien_modifier %} Modifier : {{ rdv.lien_modifier }}"
        "{% endif %}",
    ),
    DefaultTemplate(
        "booking_rescheduled",
        _("Rendez-vous déplacé"),
        "Rendez-vous déplacé au {{ rdv.date }} à {{ rdv.heure }}",
        "Bonjour {{ client.nom }},\n\nVotre rendez-vous a été déplacé. Nouvel horaire :\n\n"
        + _DETAILS
        + "\nL'invitation jointe met votre agenda à jour.\n"
        + _CHANGE
        + _SIGNATURE,
        "{{ entreprise.nom }} : RDV déplacé au " + _SHORT_DATE + " à {{ rdv.heure }}"
        ", {{ rdv.prestation }}.{% if rdv.lien_modifier %} Modifier : {{ rdv.lien_modifier }}"
        "{% endif %}",
    ),
    DefaultTemplate(
        "booking_cancelled",
        _("Rendez-vous annulé"),
        "Rendez-vous du {{ rdv.date }} annulé",
        "Bonjour {{ client.nom }},\n\nVotre rendez-vous du {{ rdv.date }} à {{ rdv.heure }}"
        " ({{ rdv.prestation }}) est annulé.\n\nPour en fixer un autre, répondez à ce message"
        " ou appelez-nous.\n" + _SIGNATURE,
        "{{ entreprise.nom }} : votre RDV du " + _SHORT_DATE + " à {{ rdv.heure }} est annulé."
        " Pour en fixer un autre : {{ entreprise.telephone }}",
    ),
    DefaultTemplate(
        "reminder_day_before",
        _("Rappel la veille"),
        "Rappel : rendez-vous demain à {{ rdv.heure }}",
        "Bonjour {{ client.nom }},\n\nNous vous rappelons votre rendez-vous de demain :\n\n"
        + _DETAILS
        + _CHANGE
        + _SIGNATURE,
        "{{ entreprise.nom }} : rappel, RDV demain " + _SHORT_DATE + " à {{ rdv.heure }}"
        " ({{ rdv.prestation }}). Un imprévu ? {{ entreprise.telephone }}",
    ),
    DefaultTemplate(
        "reminder_same_day",
        _("Rappel le jour même"),
        "Votre rendez-vous aujourd'hui à {{ rdv.heure }}",
        "Bonjour {{ client.nom }},\n\n{% if rdv.technicien %}{{ rdv.technicien }} passe"
        "{% else %}Notre technicien passe{% endif %} chez vous aujourd'hui :\n\n"
        + _DETAILS
        + _SIGNATURE,
        "{{ entreprise.nom }} : {% if rdv.technicien %}{{ rdv.technicien }} passe"
        "{% else %}notre technicien passe{% endif %} aujourd'hui à {{ rdv.heure }}."
        " Un imprévu ? {{ entreprise.telephone }}",
    ),
    DefaultTemplate(
        "intervention_report",
        _("Rapport d'intervention"),
        "Rapport de votre intervention du {{ rdv.date }}",
        "Bonjour {{ client.nom }},\n\nVous trouverez ci-joint le rapport de l'intervention"
        " du {{ rdv.date }} à {{ rdv.heure }} :\n\n"
        + _DETAILS
        + "\nMerci de votre confiance.\n"
        + _SIGNATURE,
        "{{ entreprise.nom }} : intervention du " + _SHORT_DATE + " à {{ rdv.heure }} terminée."
        " Le rapport vous a été envoyé par e-mail.",
    ),
]

LABELS: dict[str, Promise] = {t.code: t.label for t in TEMPLATES}
