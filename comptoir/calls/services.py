"""Every write on calls: PBX events applied idempotently, the "Appel" interaction and the
call-back task kept in step, the caller linked to a customer, the workspace's call settings."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.models import Role, User
from comptoir.accounts.services import require_writer
from comptoir.activities.models import FINISHED_STATES, Interaction, Kind, Process, State
from comptoir.activities.services import interaction_create, interaction_update
from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.calls.models import (
    Call,
    CallEvent,
    CallSettings,
    CallStatus,
    Direction,
    format_duration,
)
from comptoir.contacts.models import Company, ContactKind, ContactLabel, Person
from comptoir.contacts.selectors import callers_matching, contact_points_for
from comptoir.contacts.services import (
    ContactPointInput,
    contact_point_add,
    person_create_with_details,
)
from comptoir.lib.phone import try_normalize_phone
from comptoir.live.services import publish as live_publish

logger = logging.getLogger(__name__)

EVENTS = ("ringing", "answered", "ended", "missed")
# A call nobody hung up after this long was lost by the PBX: it is closed by a periodic task.
STALE_AFTER = dt.timedelta(hours=4)
# The call-back delay a manager may set: a minute to a day.
CALLBACK_MINUTES_MIN, CALLBACK_MINUTES_MAX = 1, 1440


@dataclass
class Receipt:
    """What one webhook delivery did: the call as it stands, and whether it was a replay."""

    call: Call
    duplicate: bool


def call_settings_for(workspace_id: int) -> CallSettings:
    found, _created = CallSettings.objects.get_or_create(workspace_id=workspace_id)
    return found


def _require_manager(by: Any) -> None:
    require_writer(by)
    if not getattr(by, "is_manager", False) or getattr(by, "workspace_id", None) is None:
        raise PermissionDenied(
            _("Seuls les administrateurs et les responsables règlent la téléphonie.")
        )


@transaction.atomic
def call_settings_update(
    *, by: Any, callback_owner: User | None, callback_minutes: int
) -> CallSettings:
    """Who gets the call-back task of a missed call (None: the colleague the call rang on) and
    how many minutes they have for it; managers only, audited."""
    _require_manager(by)
    errors: dict[str, str] = {}
    if callback_owner is not None and (
        callback_owner.workspace_id != by.workspace_id
        or not callback_owner.is_active
        or callback_owner.role == Role.READ_ONLY
    ):
        errors["callback_owner"] = _(
            "Choisissez un collègue actif de cet espace qui peut traiter les rappels, "
            "ou laissez vide pour le collègue sur qui l'appel a sonné."
        )
    if (
        isinstance(callback_minutes, bool)
        or not isinstance(callback_minutes, int)
        or not CALLBACK_MINUTES_MIN <= callback_minutes <= CALLBACK_MINUTES_MAX
    ):
        errors["callback_minutes"] = _("Le délai de rappel va de 1 à 1 440 minutes (24 heures).")
    if errors:
        raise ValidationError(errors)
    found, _created = CallSettings.objects.select_for_update().get_or_create(
        workspace_id=by.workspace_id
    )
    before = snapshot(found)
    found.callback_owner = callback_owner
    found.callback_minutes = callback_minutes
    found.save()
    audit_record(actor=by, instance=found, action=Action.UPDATE, before=before)
    return found


def agent_resolve(*, workspace_id: int, value: str) -> User | None:
    """The active colleague named by an e-mail or an extension ("201"); None for no agent.

    An agent that matches nobody is refused: a PBX misconfiguration must be seen, not hidden.
    """
    value = (value or "").strip()
    if not value:
        return None
    users = User.objects.filter(workspace_id=workspace_id, is_active=True)
    condition = Q(email__iexact=value) if "@" in value else Q(extension=value)
    found = list(users.filter(condition)[:2])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ValidationError(
            {
                "agent": _("Le poste « %(value)s » est attribué à plusieurs collègues.")
                % {"value": value}
            }
        )
    raise ValidationError(
        {
            "agent": _("Aucun collègue actif de l'espace n'a l'e-mail ou le poste « %(value)s ».")
            % {"value": value}
        }
    )


def _locked_call(*, by: Any, call_id: str, defaults: dict[str, Any]) -> tuple[Call, bool]:
    """The call row, locked for this transaction; created when the PBX names a new call."""
    scope = Call.objects.select_for_update().filter(workspace_id=by.workspace_id)
    found = scope.filter(call_id=call_id).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            call = Call.objects.create(workspace_id=by.workspace_id, call_id=call_id, **defaults)
    except IntegrityError:  # the same call created by a concurrent delivery
        return scope.get(call_id=call_id), False
    return call, True


def _match(by: Any, call: Call) -> None:
    """Link the call to its customer when exactly one person or company has this number."""
    if call.person_id or call.company_id or not call.customer_e164:
        return
    callers = callers_matching(by, call.customer_e164)
    if len(callers) == 1:
        (caller,) = callers
        if isinstance(caller, Person):
            call.person_id = caller.pk
        else:
            call.company_id = caller.pk


def _customer_name(call: Call) -> str:
    customer = call.person or call.company
    return str(customer) if customer is not None else ""


def _apply(
    call: Call,
    *,
    event: str,
    at: dt.datetime,
    agent: User | None,
    duration: int | None,
    created: bool,
) -> bool:
    """Move the call to what this event says, whatever order the events come in."""
    before = (
        call.status,
        call.answered_at,
        call.ended_at,
        call.duration,
        call.agent_id,
        call.started_at,
    )
    if at < call.started_at:
        call.started_at = at
    if event == "ringing":
        if agent is not None and call.agent_id is None:
            call.agent = agent
    elif event == "answered":
        if agent is not None:
            call.agent = agent  # who picked up, whoever it rang for
        if call.answered_at is None:
            call.answered_at = min(at, call.ended_at) if call.ended_at else at
        if call.status == CallStatus.RINGING:
            call.status = CallStatus.ANSWERED
        elif call.status == CallStatus.MISSED:
            # "ended" (or "missed") came first: the call was answered after all.
            call.status = CallStatus.ENDED
            call.ended_at = call.ended_at or at
    elif event == "ended":
        if agent is not None and call.agent_id is None:
            call.agent = agent
        if not call.is_finished or call.ended_at is None:
            call.ended_at = at
        if duration is not None:
            call.duration = duration
        if call.answered_at is None and duration:
            call.answered_at = call.ended_at - dt.timedelta(seconds=duration)
            call.started_at = min(call.started_at, call.answered_at)
        if call.answered_at is not None:
            call.status = CallStatus.ENDED
        else:
            call.status = CallStatus.MISSED if call.direction == Direction.IN else CallStatus.ENDED
    elif event == "missed":
        if agent is not None and call.agent_id is None:
            call.agent = agent
        if call.answered_at is None:
            call.status = CallStatus.MISSED
            call.ended_at = call.ended_at or at
    if call.status == CallStatus.ENDED and call.answered_at and call.ended_at and not call.duration:
        call.duration = max(0, int((call.ended_at - call.answered_at).total_seconds()))
    after = (
        call.status,
        call.answered_at,
        call.ended_at,
        call.duration,
        call.agent_id,
        call.started_at,
    )
    return created or before != after


def _appel_process(workspace_id: int) -> Process | None:
    return Process.objects.filter(workspace_id=workspace_id, code="appel", is_active=True).first()


def _subject(call: Call) -> str:
    who = _customer_name(call) or call.customer_number_display or _("numéro masqué")
    if call.status == CallStatus.MISSED:
        return _("Appel manqué · %(who)s") % {"who": who}
    if call.direction == Direction.OUT:
        if call.answered_at is None:
            return _("Appel sortant sans réponse · %(who)s") % {"who": who}
        return _("Appel sortant · %(who)s") % {"who": who}
    return _("Appel entrant · %(who)s") % {"who": who}


def _outcome(call: Call) -> str:
    parts = [str(Direction(call.direction).label)]
    if call.customer_number_display:
        parts.append(call.customer_number_display)
    if call.status == CallStatus.MISSED:
        parts.append(_("manqué"))
    else:
        parts.append(_("durée %(duration)s") % {"duration": format_duration(call.duration)})
    if call.agent is not None:
        parts.append(call.agent.full_name or call.agent.email)
    return " · ".join(parts)


def _customer_fields(call: Call) -> dict[str, Any]:
    return {"person": call.person, "company": call.company if call.person is None else None}


def _sync_interaction(call: Call, *, by: Any) -> None:
    """A finished call is an "Appel" interaction on the customer's timeline (done, owner: agent)."""
    if not call.is_finished:
        return
    process = _appel_process(call.workspace_id)
    if process is None:
        logger.warning("Workspace %s has no active « appel » process", call.workspace_id)
        return
    fields: dict[str, Any] = {
        "subject": _subject(call)[:200],
        "starts_at": call.started_at,
        "deadline": max(call.ended_at or call.started_at, call.started_at),
        "outcome": _outcome(call),
        **_customer_fields(call),
    }
    if call.interaction_id is None:
        owner = call.agent or call_settings_for(call.workspace_id).callback_owner or by
        call.interaction = interaction_create(
            by=by, owner=owner, process=process, kind=Kind.TASK, state=State.DONE, **fields
        )
        return
    interaction = Interaction.objects.get(pk=call.interaction_id)
    changed = {k: v for k, v in fields.items() if getattr(interaction, k) != v}
    if call.agent_id and interaction.owner_id != call.agent_id:
        changed["owner"] = call.agent
    if changed:
        interaction_update(interaction=interaction, by=by, **changed)


def _sync_callback(call: Call, *, by: Any) -> None:
    """A missed incoming call leaves a call-back task; answered after all, the task is closed."""
    if call.status == CallStatus.MISSED and call.direction == Direction.IN:
        if call.callback_task_id is not None or not call.customer_e164:
            return
        process = _appel_process(call.workspace_id)
        if process is None:
            return
        settings = call_settings_for(call.workspace_id)
        owner = settings.callback_owner if settings.callback_owner_id else None
        owner = owner if owner is not None and owner.is_active else (call.agent or by)
        now = timezone.now()
        who = _customer_name(call)
        subject = (
            _("Rappeler %(who)s · %(number)s")
            % {"who": who, "number": call.customer_number_display}
            if who
            else _("Rappeler le %(number)s") % {"number": call.customer_number_display}
        )
        call.callback_task = interaction_create(
            by=by,
            owner=owner,
            process=process,
            kind=Kind.TASK,
            state=State.OPEN,
            subject=subject[:200],
            starts_at=now,
            deadline=now + dt.timedelta(minutes=settings.callback_minutes),
            **_customer_fields(call),
        )
        return
    if call.status == CallStatus.ENDED and call.callback_task_id is not None:
        task = Interaction.objects.get(pk=call.callback_task_id)
        if task.state not in FINISHED_STATES:
            interaction_update(
                interaction=task,
                by=by,
                state=State.DONE,
                outcome=_("Appel finalement décroché : rappel inutile."),
            )


def _listeners(call: Call) -> list[int]:
    """Whom the call rang for (a ring group rings several colleagues), and who has it now."""
    ids = [
        int(key.split(":", 1)[1])
        for key in CallEvent.objects.filter(call=call, key__startswith="ringing:").values_list(
            "key", flat=True
        )
        if key.split(":", 1)[1].isdigit()
    ]
    if call.agent_id:
        ids.append(call.agent_id)
    return list(dict.fromkeys(ids))


def _announce(call: Call, event: str) -> str:
    who = _customer_name(call) or call.customer_number_display or _("numéro masqué")
    if event == "ringing":
        if call.direction == Direction.OUT:
            return _("Appel sortant : %(who)s") % {"who": who}
        return _("Appel entrant : %(who)s") % {"who": who}
    if call.status == CallStatus.MISSED:
        return _("Appel manqué : %(who)s") % {"who": who}
    if call.status == CallStatus.ENDED:
        return _("Appel terminé · %(duration)s") % {"duration": format_duration(call.duration)}
    return _("Appel décroché : %(who)s") % {"who": who}


def _publish(call: Call, *, event: str, user_ids: list[int]) -> None:
    if not user_ids:
        return
    live_publish(
        workspace_id=call.workspace_id,
        topics=[f"user:{pk}" for pk in user_ids],
        kind="call",
        payload={
            "id": call.pk,
            "event": event,
            "status": call.status,
            "number": call.customer_number_display,
            "name": _customer_name(call),
            "announce": _announce(call, event),
        },
    )


def _clean_number(value: str) -> tuple[str, str]:
    """As typed (trimmed) and E.164 when it is a phone number ("" for a hidden or internal one)."""
    typed = (value or "").strip()[:40]
    return typed, (try_normalize_phone(typed) or "") if typed else ""


@transaction.atomic
def call_event_receive(
    *,
    by: Any,
    event: str,
    call_id: str,
    from_number: str = "",
    to_number: str = "",
    agent: str = "",
    direction: str = Direction.IN,
    at: dt.datetime | None = None,
    duration: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Receipt:
    """Apply one PBX event; the same event delivered twice changes nothing the second time.

    Events may come in any order ("ended" before "answered"): the call ends up in the state
    all of them describe. An unknown ``call_id`` creates the call, whatever the event.
    """
    require_writer(by)
    call_id = (call_id or "").strip()
    errors: dict[str, str] = {}
    if event not in EVENTS:
        errors["event"] = _("Événement inconnu : ringing, answered, ended ou missed.")
    if not call_id:
        errors["call_id"] = _("Indiquez l'identifiant de l'appel donné par le standard.")
    if direction not in Direction.values:
        errors["direction"] = _("Sens inconnu : « in » ou « out ».")
    if duration is not None and duration < 0:
        errors["duration"] = _("La durée ne peut pas être négative.")
    if errors:
        raise ValidationError(errors)
    user = agent_resolve(workspace_id=by.workspace_id, value=agent)
    at = at or timezone.now()
    from_typed, from_e164 = _clean_number(from_number)
    to_typed, to_e164 = _clean_number(to_number)
    call, created = _locked_call(
        by=by,
        call_id=call_id[:100],
        defaults={
            "direction": direction,
            "from_number": from_typed,
            "from_e164": from_e164,
            "to_number": to_typed,
            "to_e164": to_e164,
            "started_at": at,
            "agent": user,
        },
    )
    key = f"ringing:{user.pk if user else ''}" if event == "ringing" else event
    if CallEvent.objects.filter(call=call, key=key).exists():
        return Receipt(call=call, duplicate=True)
    if not created:
        # Numbers missing from an earlier event are filled in, never overwritten.
        for field, value in (
            ("from_number", from_typed),
            ("from_e164", from_e164),
            ("to_number", to_typed),
            ("to_e164", to_e164),
        ):
            if value and not getattr(call, field):
                setattr(call, field, value)
    changed = _apply(call, event=event, at=at, agent=user, duration=duration, created=created)
    CallEvent.objects.create(
        workspace_id=by.workspace_id,
        call=call,
        event=event,
        key=key,
        payload=payload or {},
        received_at=timezone.now(),
        applied=changed,
    )
    _match(by, call)
    call.save()
    _sync_interaction(call, by=by)
    _sync_callback(call, by=by)
    call.save(update_fields=["interaction", "callback_task", "updated_at"])
    if event == "ringing":
        # The card pops up for the colleague it rings for, as long as nobody has answered.
        if user is not None and call.status == CallStatus.RINGING:
            _publish(call, event=event, user_ids=[user.pk])
    elif changed:
        _publish(call, event=event, user_ids=_listeners(call))
    return Receipt(call=call, duplicate=False)


@transaction.atomic
def call_link_customer(
    *,
    call: Call,
    by: Any,
    person: Person | None = None,
    company: Company | None = None,
    add_phone: bool = False,
) -> Call:
    """Say who was on the line (among several matches, or an unknown number attached to a
    customer, who then keeps the number with ``add_phone``)."""
    require_writer(by)
    customer = person or company
    if customer is None or call.workspace_id != by.workspace_id:
        raise ValidationError(_("Élément introuvable."))
    if customer.workspace_id != by.workspace_id:
        raise ValidationError(_("Élément introuvable."))
    if add_phone and call.customer_e164:
        owner = {"person": person} if person is not None else {"company": company}
        known = contact_points_for(by).filter(
            kind=ContactKind.PHONE, normalized=call.customer_e164, **owner
        )
        if not known.exists():
            contact_point_add(
                by=by,
                kind=ContactKind.PHONE,
                value=call.customer_e164,
                label=ContactLabel.OTHER,
                person=person,
                company=None if person is not None else company,
            )
    call.person = person
    call.company = None if person is not None else company
    call.save(update_fields=["person", "company", "updated_at"])
    _sync_interaction(call, by=by)
    if call.callback_task_id is not None:
        task = Interaction.objects.get(pk=call.callback_task_id)
        if task.state not in FINISHED_STATES:
            interaction_update(interaction=task, by=by, **_customer_fields(call))
    return call


@transaction.atomic
def call_customer_create(
    *, call: Call, by: Any, civility: str = "", first_name: str = "", last_name: str = ""
) -> Person:
    """A new customer from an unknown number: the person with this phone, and the call theirs."""
    require_writer(by)
    points: list[ContactPointInput] = []
    if call.customer_e164:
        points.append(
            {
                "kind": ContactKind.PHONE,
                "value": call.customer_e164,
                "label": ContactLabel.OTHER,
                "field": "phone",
            }
        )
    person = person_create_with_details(
        by=by,
        contact_points=points,
        civility=civility,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    call_link_customer(call=call, by=by, person=person)
    return person


def calls_close_stale(*, older_than: dt.timedelta = STALE_AFTER) -> int:
    """Close the calls whose end never came (a PBX restart, a lost webhook); returns how many.

    They end as the PBX would have said: missed if nobody answered, else ended then.
    """
    closed = 0
    limit = timezone.now() - older_than
    stale = Call.objects.unfinished().filter(started_at__lt=limit).select_related("workspace")
    for call in stale:
        by = call.agent or (
            User.objects.filter(workspace_id=call.workspace_id, is_active=True)
            .exclude(role=Role.READ_ONLY)
            .order_by("pk")
            .first()
        )
        if by is None:
            continue
        with transaction.atomic():
            locked = Call.objects.select_for_update().get(pk=call.pk)
            if locked.is_finished:
                continue
            at = locked.answered_at or locked.started_at
            _apply(locked, event="ended", at=at, agent=None, duration=None, created=False)
            locked.save()
            _sync_interaction(locked, by=by)
            _sync_callback(locked, by=by)
            locked.save(update_fields=["interaction", "callback_task", "updated_at"])
            closed += 1
    return closed
