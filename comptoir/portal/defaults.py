"""Texts of the messages the portal sends, created on first use in the workspace's message
templates, in its language (then editable under Réglages › Messages like every other message)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CODE_TEMPLATE = "portal_code"
SURVEY_TEMPLATE = "survey_request"

CODE_SUBJECT = _("Votre code de connexion : {{ portail.code }}")
CODE_EMAIL = _("""Bonjour {{ client.nom }},

Voici votre code pour accéder à votre espace client {{ entreprise.nom }} :

    {{ portail.code }}

Il est valable {{ portail.minutes }} minutes et ne sert qu'une fois.
Vous n'avez rien demandé ? Ignorez ce message : personne ne peut se connecter sans ce code.

{{ entreprise.nom }}{% if entreprise.telephone %} · {{ entreprise.telephone }}{% endif %}
""")
CODE_SMS = _(
    "{{ portail.code }} est votre code {{ entreprise.nom }}, valable {{ portail.minutes }} min."
    " Ne le communiquez à personne."
)

SURVEY_SUBJECT = _("Votre avis sur notre service pour {{ avis.objet }}")
SURVEY_EMAIL = _("""Bonjour {{ client.nom }},

Êtes-vous satisfait(e) de notre service pour {{ avis.objet }} ? Un seul clic suffit :

★★★★★ Très satisfait : {{ avis.note_5 }}
★★★★ Satisfait : {{ avis.note_4 }}
★★★ Moyennement satisfait : {{ avis.note_3 }}
★★ Peu satisfait : {{ avis.note_2 }}
★ Pas du tout satisfait : {{ avis.note_1 }}

Vous pourrez ensuite nous dire si vous nous recommanderiez et ajouter un commentaire
(modifiable pendant 7 jours).

Merci de votre confiance,
{{ entreprise.nom }}{% if entreprise.telephone %} · {{ entreprise.telephone }}{% endif %}
""")
SURVEY_SMS = _(
    "{{ entreprise.nom }} : satisfait(e) de notre service pour {{ avis.objet }} ?"
    " Votre avis en 1 clic : {{ avis.lien }}"
)

# code → (e-mail subject, e-mail body, SMS body)
TEMPLATES: dict[str, tuple[Promise, Promise, Promise]] = {
    CODE_TEMPLATE: (CODE_SUBJECT, CODE_EMAIL, CODE_SMS),
    SURVEY_TEMPLATE: (SURVEY_SUBJECT, SURVEY_EMAIL, SURVEY_SMS),
}
