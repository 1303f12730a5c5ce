"""Reads for the customer portal (always scoped to the signed-in customer) and survey figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from comptoir.accounts.models import Role, User, Workspace
from comptoir.activities.models import State
from comptoir.contacts.models import Affiliation, ContactPoint, Person
from comptoir.field.models import InterventionReport, ReportStatus
from comptoir.portal.models import PortalSession, PortalSettings, Survey
from comptoir.scheduling.models import Visit
from comptoir.tickets.models import MessageKind, Ticket, TicketAttachment, TicketMessage

PUBLIC_KINDS = (MessageKind.REPLY, MessageKind.INCOMING)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def portal_settings(workspace_id: int) -> PortalSettings:
    """The workspace's settings (defaults until a manager changes them)."""
    found = PortalSettings.objects.filter(workspace_id=workspace_id).first()
    return found or PortalSettings(workspace_id=workspace_id)


def portal_workspace(slug: str) -> Workspace:
    """The workspace of a portal URL whose portal is open; anything else is a 404."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None or not portal_settings(workspace.pk).portal_enabled:
        raise Http404
    return workspace


def requests_owner(workspace_id: int) -> User | None:
    """Who receives portal requests: the chosen colleague, else the first active administrator."""
    chosen = portal_settings(workspace_id).requests_owner
    if chosen is not None and chosen.is_active and chosen.can_write:
        return chosen
    for role in (Role.ADMIN, Role.MANAGER):
        found = (
            User.objects.filter(workspace_id=workspace_id, is_active=True, role=role)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None


def people_with_identifier(workspace_id: int, kind: str, normalized: str) -> list[Person]:
    """People of the workspace with this e-mail or phone (E.164), oldest record first."""
    ids = (
        ContactPoint.objects.filter(
            workspace_id=workspace_id, kind=kind, normalized=normalized, person__isnull=False
        )
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=list(ids)).order_by("pk"))


# --- the signed-in customer ------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The customer signed in on a workspace's portal, and what they may see."""

    workspace: Workspace
    person: Person
    session: PortalSession
    # Companies they are the current main contact of: they see the company's requests too.
    company_ids: tuple[int, ...] = field(default=())


def viewer_for(workspace: Workspace, key: str) -> Viewer | None:
    """The portal session of this cookie key in this workspace, if still valid."""
    if not key:
        return None
    session = (
        PortalSession.objects.select_related("person")
        .filter(
            workspace=workspace,
            key_hash=hash_secret(key),
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if session is None or session.person.workspace_id != workspace.pk:
        return None
    company_ids = tuple(
        Affiliation.objects.current()
        .filter(workspace=workspace, person=session.person, is_primary=True)
        .values_list("company_id", flat=True)
    )
    return Viewer(
        workspace=workspace, person=session.person, session=session, company_ids=company_ids
    )


def _customer_q(viewer: Viewer, prefix: str = "") -> Q:
    condition = Q(**{f"{prefix}person_id": viewer.person.pk})
    if viewer.company_ids:
        condition |= Q(**{f"{prefix}company_id__in": viewer.company_ids})
    return condition


def portal_tickets(viewer: Viewer) -> QuerySet[Ticket]:
    """The customer's requests (and their companies' when they are the main contact)."""
    return (
        Ticket.objects.filter(workspace=viewer.workspace)
        .filter(_customer_q(viewer))
        .select_related("category", "site")
        .order_by("-created_at", "-id")
    )


def portal_ticket(viewer: Viewer, ticket_id: int) -> Ticket:
    try:
        return portal_tickets(viewer).get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise Http404 from None


def public_messages(ticket: Ticket) -> list[TicketMessage]:
    """Replies and customer messages only: internal notes never reach the portal."""
    return list(
        TicketMessage.objects.filter(ticket=ticket, kind__in=PUBLIC_KINDS)
        .select_related("author", "author_person")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def portal_attachment(viewer: Viewer, ticket_id: int, attachment_id: int) -> TicketAttachment:
    """A file of a public message of one of the customer's requests, or a 404."""
    ticket = portal_ticket(viewer, ticket_id)
    try:
        return TicketAttachment.objects.get(
            pk=attachment_id, ticket=ticket, message__kind__in=PUBLIC_KINDS
        )
    except TicketAttachment.DoesNotExist:
        raise Http404 from None


def portal_visits(viewer: Viewer) -> QuerySet[Visit]:
    """The customer's visits, past and coming, with technician and report."""
    return (
        Visit.objects.filter(workspace=viewer.workspace)
        .filter(_customer_q(viewer, "interaction__"))
        .select_related("technician__user", "service_type", "interaction__site", "report")
        .order_by("-starts_at", "-id")
    )


def portal_report(viewer: Viewer, visit_id: int) -> InterventionReport:
    """The completed report (with its PDF) of one of the customer's visits, or a 404."""
    try:
        visit = portal_visits(viewer).get(pk=visit_id)
    except Visit.DoesNotExist:
        raise Http404 from None
    report = InterventionReport.objects.filter(visit=visit, status=ReportStatus.COMPLETED).first()
    if report is None or not report.pdf:
        raise Http404
    return report


def visit_state(visit: Visit) -> str:
    """À venir, Terminée or Annulée, as the customer reads it."""
    if not visit.is_confirmed or visit.interaction.state == State.CANCELLED:
        return "cancelled"
    if visit.interaction.state == State.DONE:
        return "done"
    return "upcoming"


def survey_by_token(token: str) -> Survey:
    """The survey of a link; an unknown token (or one never sent) is a 404."""
    survey = (
        Survey.objects.select_related("workspace", "ticket", "visit", "technician")
        .filter(token=token, sent_at__isnull=False)
        .first()
        if token
        else None
    )
    if survey is None:
        raise Http404
    return survey


def surveys_for(user: Any) -> QuerySet[Survey]:
    """Every survey of the staff user's workspace."""
    return Survey.objects.filter(workspace_id=user.workspace_id)


# --- figures ---------------------------------------------------------------------------------


def _nps(scores: list[int]) -> float | None:
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def _block(rows: list[tuple[int | None, int | None]]) -> dict[str, Any]:
    csats = [c for c, _n in rows if c is not None]
    npss = [n for _c, n in rows if n is not None]
    return {
        "answers": len(rows),
        "csat_count": len(csats),
        "csat_average": round(mean(csats), 2) if csats else None,
        "nps_count": len(npss),
        "nps": _nps(npss),
    }


def satisfaction_figures(workspace: Any, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Survey results answered in [start, end) for a workspace (object or id).

    Returns::

        {
          "sent": int, "answers": int, "response_rate": float | None (%),
          "csat_average": float | None, "csat_count": int,
          "csat_distribution": {1: n, …, 5: n},
          "nps": float | None (% promoters − % detractors, -100…100), "nps_count": int,
          "promoters": int, "passives": int, "detractors": int,
          "per_technician": [{"technician_id", "name", "answers", "csat_average",
                              "csat_count", "nps", "nps_count"}, …] (most answers first),
          "per_week": [{"week_start": date (Monday), "answers", "csat_average", "csat_count",
                        "nps", "nps_count"}, …] (chronological, weeks with answers only),
        }
    """
    workspace_id = getattr(workspace, "pk", workspace)
    surveys = Survey.objects.filter(workspace_id=workspace_id)
    sent = surveys.filter(sent_at__gte=start, sent_at__lt=end).count()
    rows = list(
        surveys.filter(answered_at__gte=start, answered_at__lt=end)
        .select_related("technician")
        .order_by("answered_at", "id")
    )
    pairs = [(s.csat, s.nps) for s in rows]
    overall = _block(pairs)
    npss = [s.nps for s in rows if s.nps is not None]
    by_tech: dict[int | None, list[Survey]] = {}
    for survey in rows:
        by_tech.setdefault(survey.technician_id, []).append(survey)
    per_technician = []
    for tech_id, items in by_tech.items():
        technician = items[0].technician
        name = (technician.full_name or technician.email) if technician is not None else "—"
        per_technician.append(
            {"technician_id": tech_id, "name": name, **_block([(s.csat, s.nps) for s in items])}
        )
    per_technician.sort(key=lambda r: (-r["answers"], r["name"]))
    by_week: dict[dt.date, list[Survey]] = {}
    for survey in rows:
        assert survey.answered_at is not None
        day = timezone.localtime(survey.answered_at).date()
        by_week.setdefault(day - dt.timedelta(days=day.weekday()), []).append(survey)
    per_week = [
        {"week_start": week, **_block([(s.csat, s.nps) for s in items])}
        for week, items in sorted(by_week.items())
    ]
    return {
        "sent": sent,
        "answers": overall["answers"],
        "response_rate": round(100 * overall["answers"] / sent, 1) if sent else None,
        "csat_average": overall["csat_average"],
        "csat_count": overall["csat_count"],
        "csat_distribution": {
            score: sum(1 for s in rows if s.csat == score) for score in range(1, 6)
        },
        "nps": overall["nps"],
        "nps_count": overall["nps_count"],
        "promoters": sum(1 for n in npss if n >= 9),
        "passives": sum(1 for n in npss if 7 <= n <= 8),
        "detractors": sum(1 for n in npss if n <= 6),
        "per_technician": per_technician,
        "per_week": per_week,
    }
