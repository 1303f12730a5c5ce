"""The ids a client needs: reference lists, processes with their stages, colleagues."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Router, Schema

from comptoir.accounts.selectors import users_for
from comptoir.activities.models import Stage
from comptoir.activities.selectors import processes_for
from comptoir.api.auth import user_of, workspace_of
from comptoir.api.schemas import ErrorOut, RefOut
from comptoir.contacts.models import Domain, Industry, Interest, JobTitle, LegalForm, Source

router = Router(tags=["Listes de référence"])


class DomainOut(Schema):
    id: int
    name: str
    parent: int | None = Field(description="Id du domaine parent d'un sous-domaine.")


class StageOut(Schema):
    id: int
    name: str
    outcome: str = Field(description="``won``, ``lost`` ou vide.")


class ProcessRefOut(Schema):
    code: str
    name: str
    stages: list[StageOut]


class ColleagueOut(Schema):
    id: int
    name: str
    email: str
    role: str
    is_active: bool


class ReferencesOut(Schema):
    legal_forms: list[RefOut]
    industries: list[RefOut]
    domains: list[DomainOut]
    job_titles: list[RefOut]
    sources: list[RefOut]
    interests: list[RefOut]
    processes: list[ProcessRefOut]
    users: list[ColleagueOut]


@router.get(
    "",
    response={200: ReferencesOut, 401: ErrorOut},
    summary="Listes de référence",
    description=(
        "Les entrées actives des listes (formes juridiques, secteurs, domaines, fonctions, "
        "origines, centres d'intérêt), les processus autorisés avec leurs étapes et les "
        "utilisateurs de l'espace : les ids à envoyer dans les autres requêtes."
    ),
)
def references(request: HttpRequest) -> ReferencesOut:
    user = user_of(request)
    ws = workspace_of(user)

    def entries(model: type[LegalForm | Industry | JobTitle | Source | Interest]) -> list[RefOut]:
        rows = model.objects.filter(workspace_id=ws, is_active=True)
        return [RefOut(id=r.pk, name=r.name) for r in rows]

    processes = processes_for(user).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    )
    return ReferencesOut(
        legal_forms=entries(LegalForm),
        industries=entries(Industry),
        domains=[
            DomainOut(id=d.pk, name=d.name, parent=d.parent_id)
            for d in Domain.objects.filter(workspace_id=ws, is_active=True)
        ],
        job_titles=entries(JobTitle),
        sources=entries(Source),
        interests=entries(Interest),
        processes=[
            ProcessRefOut(
                code=p.code,
                name=p.name,
                stages=[StageOut(id=s.pk, name=s.name, outcome=s.outcome) for s in p.stages.all()],
            )
            for p in processes
        ],
        users=[
            ColleagueOut(id=u.pk, name=str(u), email=u.email, role=u.role, is_active=u.is_active)
            for u in users_for(user)
        ],
    )
