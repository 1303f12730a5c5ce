"""Default message templates, written in the workspace's language when a workspace is created.

The texts are lazy: ``str()`` them inside ``translation.override(workspace.locale)``. Translators
keep the merge fields (``{{ … }}``, ``{% … %}``) as they are, and the line breaks at the start
and end of each piece: the e-mails are assembled from several pieces.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class DefaultTemplate(NamedTuple):
    code: str
    label: Promise
    subject: Promise
    email: Promise
    sms: Promise


# Translators: end of every default e-mail; keep the blank line at the start.
_SIGNATURE = _("""
Une question ? Appelez-nous au {{ entreprise.telephone }}.

{{ entreprise.nom }}
""")

# Translators: the appointment block of the default e-mails; keep the two-space indent.
_DETAILS = _("""  {{ rdv.prestation }}
  {{ rdv.date }}, de {{ rdv.heure }} à {{ rdv.fin }}
  {{ rdv.adresse }}{% if rdv.technicien %}
  Technicien : {{ rdv.technicien }}{% endif %}{% if rdv.reference %}
  Référence : {{ rdv.reference }}{% endif %}
""")

_CHANGE = _("""{% if rdv.lien_modifier %}
Pour modifier ou annuler ce rendez-vous : {{ rdv.lien_modifier }}
{% endif %}""")


def _join(*pieces: Promise) -> Promise:
    """Pieces put together when the text is read, in the language active then."""
    return format_lazy("{}" * len(pieces), *pieces)


TEMPLATES: list[DefaultTemplate] = [
    DefaultTemplate(
        "booking_confirmed",
        _("Rendez-vous confirmé"),
        _("Rendez-vous confirmé le {{ rdv.date }} à {{ rdv.heure }}"),
        _join(
            _("Bonjour {{ client.nom }},\n\nVotre rendez-vous est confirmé :\n\n"),
            _DETAILS,
            _("\nL'invitation jointe l'ajoute à votre agenda.\n"),
            _CHANGE,
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : RDV confirmé le {{ rdv.date_courte|default:rdv.date }} à "
            "{{ rdv.heure }}, {{ rdv.prestation }}.{% if rdv.lien_modifier %} Modifier : "
            "{{ rdv.lien_modifier }}{% endif %}"
        ),
    ),
    DefaultTemplate(
        "booking_rescheduled",
        _("Rendez-vous déplacé"),
        _("Rendez-vous déplacé au {{ rdv.date }} à {{ rdv.heure }}"),
        _join(
            _("Bonjour {{ client.nom }},\n\nVotre rendez-vous a été déplacé. Nouvel horaire :\n\n"),
            _DETAILS,
            _("\nL'invitation jointe met votre agenda à jour.\n"),
            _CHANGE,
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : RDV déplacé au {{ rdv.date_courte|default:rdv.date }} à "
            "{{ rdv.heure }}, {{ rdv.prestation }}.{% if rdv.lien_modifier %} Modifier : "
            "{{ rdv.lien_modifier }}{% endif %}"
        ),
    ),
    DefaultTemplate(
        "booking_cancelled",
        _("Rendez-vous annulé"),
        _("Rendez-vous du {{ rdv.date }} annulé"),
        _join(
            _(
                "Bonjour {{ client.nom }},\n\nVotre rendez-vous du {{ rdv.date }} à {{ rdv.heure }}"
                " ({{ rdv.prestation }}) est annulé.\n\nPour en fixer un autre, répondez à ce "
                "message ou appelez-nous.\n"
            ),
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : votre RDV du {{ rdv.date_courte|default:rdv.date }} à "
            "{{ rdv.heure }} est annulé. Pour en fixer un autre : {{ entreprise.telephone }}"
        ),
    ),
    DefaultTemplate(
        "reminder_day_before",
        _("Rappel la veille"),
        _("Rappel : rendez-vous demain à {{ rdv.heure }}"),
        _join(
            _("Bonjour {{ client.nom }},\n\nNous vous rappelons votre rendez-vous de demain :\n\n"),
            _DETAILS,
            _CHANGE,
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : rappel, RDV demain {{ rdv.date_courte|default:rdv.date }} à "
            "{{ rdv.heure }} ({{ rdv.prestation }}). Un imprévu ? {{ entreprise.telephone }}"
        ),
    ),
    DefaultTemplate(
        "reminder_same_day",
        _("Rappel le jour même"),
        _("Votre rendez-vous aujourd'hui à {{ rdv.heure }}"),
        _join(
            _(
                "Bonjour {{ client.nom }},\n\n{% if rdv.technicien %}{{ rdv.technicien }} passe"
                "{% else %}Notre technicien passe{% endif %} chez vous aujourd'hui :\n\n"
            ),
            _DETAILS,
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : {% if rdv.technicien %}{{ rdv.technicien }} passe"
            "{% else %}notre technicien passe{% endif %} aujourd'hui à {{ rdv.heure }}."
            " Un imprévu ? {{ entreprise.telephone }}"
        ),
    ),
    DefaultTemplate(
        "intervention_report",
        _("Rapport d'intervention"),
        _("Rapport de votre intervention du {{ rdv.date }}"),
        _join(
            _(
                "Bonjour {{ client.nom }},\n\nVous trouverez ci-joint le rapport de "
                "l'intervention du {{ rdv.date }} à {{ rdv.heure }} :\n\n"
            ),
            _DETAILS,
            _("\nMerci de votre confiance.\n"),
            _SIGNATURE,
        ),
        _(
            "{{ entreprise.nom }} : intervention du {{ rdv.date_courte|default:rdv.date }} à "
            "{{ rdv.heure }} terminée. Le rapport vous a été envoyé par e-mail."
        ),
    ),
]

# Messages that other apps create on first use (``templates_ensure``) with their own texts:
# named here so that Réglages › Modèles de messages shows what they are, never their code.
ON_FIRST_USE: dict[str, Promise] = {
    "ticket_reply": _("Réponse à une demande"),
    "portal_code": _("Code de connexion"),
    "survey_request": _("Demande d'avis"),
}

LABELS: dict[str, Promise] = {t.code: t.label for t in TEMPLATES} | ON_FIRST_USE

# Merge fields holding a one-time secret, per message: shown as •••••• on every page and in the
# database, the real text kept encrypted until delivered (see masking.py).
SENSITIVE: dict[str, tuple[str, ...]] = {"portal_code": ("portail.code",)}


def default_for(code: str) -> DefaultTemplate | None:
    """The default texts of ``code``, when this module has them (not the first-use ones)."""
    return next((t for t in TEMPLATES if t.code == code), None)
