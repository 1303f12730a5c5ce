"""French defaults seeded in every new workspace: categories, SLA targets, opening hours."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

CATEGORIES: list[str] = ["Panne", "Devis", "Réclamation", "Information", "Entretien", "Autre"]

# priority → (first response, resolution) in open minutes; a working day is 10 h (8:00-18:00).
SLA_TARGETS: dict[int, tuple[int, int]] = {
    1: (60, 4 * 60),
    2: (4 * 60, 10 * 60),
    3: (10 * 60, 3 * 10 * 60),
    4: (2 * 10 * 60, 10 * 10 * 60),
}

# weekday → (open, opens, closes)
BUSINESS_HOURS: dict[int, tuple[bool, dt.time, dt.time]] = {
    day: (day < 5, dt.time(8), dt.time(18)) for day in range(7)
}

# Texts of the messages a ticket sends (created in the workspace's message templates on first
# use, in the workspace's language, then editable under Réglages → Messages like every other
# message).
REPLY_TEMPLATE_CODE = "ticket_reply"
REPLY_SUBJECT = "[{{ demande.reference }}] {{ demande.objet }}"
REPLY_EMAIL = _("""Bonjour {{ client.nom }},

{{ demande.reponse }}

{{ demande.auteur }}
{{ entreprise.nom }}{% if entreprise.telephone %} · {{ entreprise.telephone }}{% endif %}

Référence de votre demande : {{ demande.reference }} (à rappeler dans vos réponses).
""")
REPLY_SMS = _("{{ entreprise.nom }} ({{ demande.reference }}) : {{ demande.reponse }}")
