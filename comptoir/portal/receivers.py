"""A resolved ticket or a completed visit asks the customer for their opinion."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from comptoir.activities.models import Interaction, Kind, State
from comptoir.activities.signals import interaction_changing
from comptoir.tickets.models import FINISHED_STATUSES, Status
from comptoir.tickets.signals import ticket_status_changed

logger = logging.getLogger(__name__)


@receiver(ticket_status_changed)
def survey_on_resolution(sender: Any, ticket: Any, before: str, **kwargs: Any) -> None:
    if ticket.status != Status.RESOLVED or before in FINISHED_STATUSES:
        return
    from comptoir.portal.services import survey_for_ticket

    try:
        survey_for_ticket(ticket=ticket)
    except Exception:  # the ticket is saved: a survey problem must not surface to the agent
        logger.exception("Survey for ticket %s failed", ticket.pk)


def _visit_done(interaction_id: int) -> None:
    from comptoir.portal.services import survey_for_visit
    from comptoir.scheduling.models import Visit

    visit = (
        Visit.objects.select_related("interaction", "technician__user")
        .filter(interaction_id=interaction_id)
        .first()
    )
    if visit is None:
        return
    try:
        survey_for_visit(visit=visit)
    except Exception:
        logger.exception("Survey for visit %s failed", visit.pk)


@receiver(interaction_changing)
def survey_on_visit_done(sender: Any, interaction: Any, **kwargs: Any) -> None:
    """An appointment going to « Terminé »: once committed, its visit is surveyed."""
    if interaction.kind != Kind.APPOINTMENT or interaction.state != State.DONE:
        return
    stored = Interaction.objects.filter(pk=interaction.pk).values_list("state", flat=True).first()
    if stored == State.DONE:
        return
    interaction_id = interaction.pk
    transaction.on_commit(lambda: _visit_done(interaction_id), robust=True)
