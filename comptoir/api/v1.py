"""API v1 entry point: bearer-token authentication, French JSON errors, one router per resource."""

from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from comptoir.api import (
    auth,
    booking,
    calls,
    companies,
    duplicates,
    imports,
    inbound,
    interactions,
    people,
    provenance,
    references,
    sites,
    tickets,
)
from comptoir.api.errors import install_handlers

DESCRIPTION = """
L'API REST de Comptoir : sociétés, personnes, sites, interactions et identification des
appelants.

* **Authentification** : `POST /api/v1/auth/token` avec `{"email", "password"}` donne un jeton ;
  envoyez-le ensuite dans l'en-tête `Authorization: Bearer <jeton>`. Le jeton agit au nom de
  l'utilisateur, avec son rôle (un rôle « Lecture seule » ne peut rien modifier : 403).
* **Pagination** : `?page=1&page_size=50` (200 au plus) ; réponse
  `{"items": [...], "count": N, "page": p, "page_size": s}`.
* **Erreurs** : toujours du JSON `{"detail": "…"}` ; pour des données invalides (422),
  `"errors"` donne les messages par champ. Un id inconnu ou d'un autre espace : 404.
* **Dates** : ISO 8601 ; sans décalage horaire, l'heure est celle de l'espace (Europe/Paris).

Guide : `docs/api.md`.
"""


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 as is: « Données invalides. » stays readable in a terminal."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="Comptoir API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=auth.BearerAuth(),
    renderer=ReadableJSONRenderer(),
)
install_handlers(api)

api.add_router("/auth", auth.router)
api.add_router("/companies", companies.router)
api.add_router("/people", people.router)
api.add_router("/sites", sites.router)
api.add_router("/interactions", interactions.router)
api.add_router("/tickets", tickets.router)
api.add_router("/calls", calls.router)
api.add_router("/inbound", inbound.router)
api.add_router("/references", references.router)
api.add_router("/imports", imports.router)
api.add_router("/duplicates", duplicates.router)
api.add_router("/merges", duplicates.merges_router)
api.add_router("/people", provenance.people_router)
api.add_router("/companies", provenance.companies_router)
# Public online booking (no token needed): /availability and /bookings.
api.add_router("", booking.router)
