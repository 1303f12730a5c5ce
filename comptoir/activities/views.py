"""Views of activities: thin function views, full pages or HTMX partials."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.selectors import active_users_for, users_for
from comptoir.activities import selectors, services
from comptoir.activities.forms import (
    InteractionForm,
    ListFilterForm,
    MoveForm,
    NoteForm,
    ProcessAccessForm,
    QuickNoteForm,
)
from comptoir.activities.models import (
    STATE_GLYPHS,
    Interaction,
    Kind,
    Note,
    State,
    format_minutes,
)
from comptoir.audit.models import Action
from comptoir.audit.selectors import audit_for
from comptoir.contacts import selectors as contacts
from comptoir.contacts.models import Site
from comptoir.lib.htmx import is_htmx
from comptoir.lib.text import fold

LIST_PAGE_SIZE = 50
# Beyond this many rows the list says "plus de 10 000": an exact count of a million rows
# costs seconds and tells nobody anything.
LIST_COUNT_CAP = 10_000
TIMELINE_PAGE_SIZE = 20
CALENDAR_MAX_DAYS = 62

# One-click state changes: the verb on each button.
STATE_ACTIONS = {
    State.OPEN: gettext_lazy("Marquer comme ouvert"),
    State.IN_PROGRESS: gettext_lazy("Marquer comme en cours"),
    State.DONE: gettext_lazy("Marquer comme terminé"),
}
STATE_COLORS = {
    State.OPEN: ("#fde8e8", "#8a1c1c", "#d1242f"),
    State.IN_PROGRESS: ("#fff1cc", "#6b4a00", "#bf8700"),
    State.DONE: ("#dcf3e3", "#14532d", "#1a7f37"),
    State.CANCELLED: ("#eceff1", "#4b5563", "#6b7280"),
}
ROW_TEMPLATES = {
    "desk": "activities/_desk_row.html",
    "list": "activities/_list_row.html",
    "detail": "activities/_state_bar.html",
}


# --- helpers -------------------------------------------------------------------------------


def _user(request: HttpRequest) -> Any:
    return request.user


def _interaction_or_404(user: Any, pk: int) -> Interaction:
    try:
        return selectors.interaction_detail(user, pk)
    except Interaction.DoesNotExist:
        raise Http404 from None


def _owner_from(request: HttpRequest) -> Any:
    """The colleague named by ``?user=``, if this user may open colleagues' desks."""
    user = _user(request)
    raw = request.GET.get("user", "")
    if not raw or raw == str(user.pk):
        return user
    if not raw.isdigit() or not user.can_view_colleagues:
        raise Http404
    owner = users_for(user).filter(pk=raw).first()
    if owner is None:
        raise Http404
    return owner


def _colleagues(user: Any) -> list[Any]:
    return list(active_users_for(user)) if user.can_view_colleagues else []


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(error.messages)


def state_buttons(interaction: Interaction) -> list[tuple[str, str, str]]:
    """(state, glyph, accessible name) of the one-click moves from the current state."""
    if interaction.state == State.CANCELLED:
        return []  # a cancelled appointment is booked again, not reopened
    order = [State.DONE, State.IN_PROGRESS, State.OPEN]
    return [
        (s.value, STATE_GLYPHS[s], str(STATE_ACTIONS[s])) for s in order if s != interaction.state
    ]


def when_label(interaction: Interaction) -> str:
    """When it happens, as short as the day allows: "08:00–09:00", "échéance jeu. 13/03"."""
    today = timezone.localdate()
    starts = timezone.localtime(interaction.starts_at)
    ends = timezone.localtime(interaction.ends_at)
    if interaction.kind == Kind.APPOINTMENT:
        if starts.date() == today:
            return f"{starts:%H:%M}–{ends:%H:%M}"
        return f"{formats.date_format(starts, 'D d/m')} {starts:%H:%M}"
    if interaction.deadline is None:
        if starts.date() == today:
            return f"{starts:%H:%M}"
        return formats.date_format(starts, "D d/m")
    if ends.date() == today:
        return _("échéance %(time)s") % {"time": f"{ends:%H:%M}"}
    return _("échéance %(date)s") % {"date": formats.date_format(ends, "D d/m")}


def late_label(interaction: Interaction) -> str:
    """Lateness in words, apart from the state colour: "En retard · 2 j"."""
    if not interaction.is_late:
        return ""
    days = interaction.overdue_days
    if not days:
        return _("En retard")
    return ngettext("En retard · %(days)s j", "En retard · %(days)s j", days) % {"days": days}


def _row_context(interaction: Interaction, user: Any, **extra: Any) -> dict[str, Any]:
    return {
        "interaction": interaction,
        "url": interaction.get_absolute_url(),
        "buttons": state_buttons(interaction),
        "can_write": user.can_write,
        "when": when_label(interaction),
        "late": late_label(interaction),
        **extra,
    }


# --- desk ----------------------------------------------------------------------------------

# The desk's "Aujourd'hui" and "Agenda du jour" show this many rows, then a link to the list.
DESK_TODAY_LIMIT = 50
_PK_PLACEHOLDER = 987654321


class _UrlMaker:
    """``reverse()`` once per URL name, then the id spliced in: a long desk reverses 3 per row."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        parts = self._parts.get(name)
        if parts is None:
            head, _sep, tail = reverse(name, args=[_PK_PLACEHOLDER]).partition(str(_PK_PLACEHOLDER))
            parts = self._parts[name] = (head, tail)
        return f"{parts[0]}{pk}{parts[1]}"


def desk_row(
    interaction: Interaction,
    user: Any,
    urls: _UrlMaker | None = None,
    button_name: str | None = None,
) -> dict[str, Any]:
    """Everything one desk row shows, as plain strings: the row template only looks them up."""
    urls = urls or _UrlMaker()
    # Same msgid as the {% blocktranslate %} of _state_buttons.html.
    button_name = button_name or _("%(label)s : %(value)s")
    subject = interaction.subject
    person = interaction.person if interaction.person_id else None
    company = interaction.company if interaction.company_id else None
    stage = interaction.stage if interaction.stage_id else None
    return {
        "pk": interaction.pk,
        "state": interaction.state,
        "pill": f"{interaction.glyph} {interaction.get_state_display()}",
        "subject": subject,
        "url": urls("activities:detail", interaction.pk),
        "when": when_label(interaction),
        "late": late_label(interaction),
        "person": str(person) if person else "",
        "person_url": urls("contacts:person_detail", person.pk) if person else "",
        "company": str(company) if company else "",
        "company_url": urls("contacts:company_detail", company.pk) if company else "",
        "process_color": interaction.process.color,
        "process_name": interaction.process.name,
        "stage_name": stage.name if stage else "",
        "can_write": user.can_write,
        "buttons": [
            (state, glyph, label, button_name % {"label": label, "value": subject})
            for state, glyph, label in state_buttons(interaction)
        ],
    }


def _capped(rows: list[Interaction], total: int, make: Any, more_url: str) -> dict[str, Any]:
    shown = [make(i) for i in rows]
    return {"rows": shown, "count": total, "more": total - len(shown), "more_url": more_url}


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    owner = _owner_from(request)
    board = selectors.desk_for(user, owner, today_limit=DESK_TODAY_LIMIT)
    today = timezone.localdate()
    day = formats.date_format(today, "l j F")
    summary = [day[:1].upper() + day[1:]]  # not .capitalize(): "Monday 3 March" keeps its capitals
    summary.append(
        ngettext("%(count)s RDV", "%(count)s RDV", board.today_appointments_count)
        % {"count": board.today_appointments_count}
    )
    if board.overdue_tasks:
        summary.append(
            ngettext("%(count)s tâche en retard", "%(count)s tâches en retard", board.overdue_tasks)
            % {"count": board.overdue_tasks}
        )
    if board.overdue_appointments:
        summary.append(
            ngettext(
                "%(count)s RDV à clôturer", "%(count)s RDV à clôturer", board.overdue_appointments
            )
            % {"count": board.overdue_appointments}
        )
    urls = _UrlMaker()
    button_name = _("%(label)s : %(value)s")

    def make(interaction: Interaction) -> dict[str, Any]:
        return desk_row(interaction, user, urls, button_name)

    day_list = f"{reverse('activities:list')}?" + urlencode(
        {"owner": owner.pk, "date_from": today.isoformat(), "date_to": today.isoformat()}
    )
    appointments = _capped(
        board.today_appointments,
        board.today_appointments_count,
        make,
        f"{day_list}&kind={Kind.APPOINTMENT}",
    )
    tasks = _capped(
        board.today_tasks, board.today_tasks_count, make, f"{day_list}&kind={Kind.TASK}"
    )
    rows = {
        "appointments": appointments["rows"],
        "tasks": tasks["rows"],
        "overdue": [make(i) for i in board.overdue],
        "upcoming": [make(i) for i in board.upcoming],
    }
    # live.js refreshes the panels alone when an interaction of the owner changes.
    partial = is_htmx(request) and request.headers.get("HX-Target") == "desk-board"
    return render(
        request,
        "activities/_desk_board.html" if partial else "activities/desk.html",
        {
            "owner": owner,
            "is_own": owner.pk == user.pk,
            "board": board,
            "rows": rows,
            "today_appointments": appointments,
            "today_tasks": tasks,
            "summary": " · ".join(summary),
            "colleagues": _colleagues(user),
            "next_url": request.get_full_path(),
        },
    )


@login_required
@require_POST
def set_state(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: Ouvert / En cours / Terminé; answers the refreshed row for HTMX."""
    user = _user(request)
    interaction = _interaction_or_404(user, pk)
    variant = request.POST.get("variant", "desk")
    if variant not in ROW_TEMPLATES:
        variant = "desk"
    try:
        interaction = services.interaction_set_state(
            interaction=interaction, state=request.POST.get("state", ""), by=user
        )
    except ValidationError as error:
        if is_htmx(request):
            return HttpResponseBadRequest(_error_text(error))
        messages.error(request, _error_text(error))
        return redirect(_safe_next(request) or interaction.get_absolute_url())
    announce = _("« %(subject)s » : %(state)s") % {
        "subject": interaction.subject,
        "state": interaction.get_state_display(),
    }
    if not is_htmx(request):
        messages.success(request, announce)
        return redirect(_safe_next(request) or interaction.get_absolute_url())
    extra = {"announce": announce, "focus": True, "next_url": _safe_next(request)}
    if variant == "desk":
        return render(
            request, ROW_TEMPLATES[variant], {"row": desk_row(interaction, user), **extra}
        )
    return render(request, ROW_TEMPLATES[variant], _row_context(interaction, user, **extra))


# --- calendar ------------------------------------------------------------------------------


def parse_when(raw: str) -> dt.datetime | dt.date:
    """An ISO date or date-time from FullCalendar; wall-clock times are local (Paris)."""
    text = (raw or "").strip().replace(" ", "+")
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    value = dt.datetime.fromisoformat(text)
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return timezone.localtime(value)


def _as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _iso_local(value: dt.datetime) -> str:
    return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="minutes")


def calendar_event(interaction: Interaction, can_write: bool) -> dict[str, Any]:
    """One interaction as a FullCalendar event, coloured by its state."""
    background, text, border = STATE_COLORS[State(interaction.state)]
    starts = timezone.localtime(interaction.starts_at)
    ends = timezone.localtime(interaction.ends_at)
    customer = interaction.customer
    title = f"{interaction.glyph} {interaction.subject}"
    if customer is not None:
        title += f" · {customer}"
    if interaction.kind == Kind.TASK and interaction.deadline is not None:
        title += " · " + _("échéance %(date)s") % {"date": formats.date_format(ends, "D d/m H:i")}
    event: dict[str, Any] = {
        "id": str(interaction.pk),
        "title": title,
        "url": interaction.get_absolute_url(),
        "backgroundColor": background,
        "textColor": text,
        "borderColor": border,
        "classNames": [f"ev-{interaction.state}", f"ev-{interaction.kind}"],
        "editable": can_write,
        "durationEditable": can_write and interaction.kind == Kind.APPOINTMENT,
        "extendedProps": {
            "state": interaction.get_state_display(),
            "kind": interaction.get_kind_display(),
            "process": interaction.process.name,
            "processColor": interaction.process.color,
        },
    }
    if interaction.kind == Kind.TASK and ends.date() != starts.date():
        event.update(
            allDay=True,
            start=starts.date().isoformat(),
            end=(ends.date() + dt.timedelta(days=1)).isoformat(),
        )
    else:
        # A task is drawn as a short block where its work starts; its deadline is in the title.
        shown_end = ends if interaction.kind == Kind.APPOINTMENT else starts
        shown_end = max(shown_end, starts + dt.timedelta(minutes=30))
        event.update(allDay=False, start=_iso_local(starts), end=_iso_local(shown_end))
    return event


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    owner = _owner_from(request)
    return render(
        request,
        "activities/calendar.html",
        {
            "owner": owner,
            "is_own": owner.pk == user.pk,
            "colleagues": _colleagues(user),
            "states": [(s, STATE_GLYPHS[s], STATE_COLORS[s]) for s in State],
            "events_url": reverse("activities:calendar_events") + f"?user={owner.pk}",
        },
    )


@login_required
@require_GET
def calendar_events(request: HttpRequest) -> HttpResponse:
    """JSON feed for FullCalendar: ``?start=&end=&user=``."""
    user = _user(request)
    owner = _owner_from(request)
    try:
        start = _as_datetime(parse_when(request.GET.get("start", "")))
        end = _as_datetime(parse_when(request.GET.get("end", "")))
    except ValueError:
        return JsonResponse({"error": _("Période invalide.")}, status=400)
    if end <= start or (end - start).days > CALENDAR_MAX_DAYS:
        return JsonResponse({"error": _("Période invalide.")}, status=400)
    events = [
        calendar_event(i, user.can_write) for i in selectors.calendar_for(user, owner, start, end)
    ]
    return JsonResponse(events, safe=False)


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """A drag or a resize on the calendar; a refused move answers 400 with the reason."""
    user = _user(request)
    interaction = _interaction_or_404(user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Déplacement invalide.")}, status=400)
    try:
        start = parse_when(form.cleaned_data["start"])
        end_raw = form.cleaned_data["end"]
        end = parse_when(end_raw) if end_raw else None
    except ValueError:
        return JsonResponse({"error": _("Date invalide.")}, status=400)
    if isinstance(start, dt.datetime) and not form.cleaned_data["all_day"]:
        starts_at = start
        ends_at = end if isinstance(end, dt.datetime) else None
    else:
        # Dropped on a day: keep the time of day it had.
        day = start.date() if isinstance(start, dt.datetime) else start
        starts_at = timezone.make_aware(
            dt.datetime.combine(day, timezone.localtime(interaction.starts_at).time())
        )
        ends_at = None
    try:
        interaction = services.interaction_move(
            interaction=interaction, starts_at=starts_at, ends_at=ends_at, by=user
        )
    except ValidationError as error:
        return JsonResponse({"error": _error_text(error)}, status=400)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or _("Action non autorisée.")}, status=403)
    return JsonResponse(
        {
            "event": calendar_event(interaction, user.can_write),
            "message": _("« %(subject)s » déplacé au %(when)s.")
            % {
                "subject": interaction.subject,
                "when": formats.date_format(
                    timezone.localtime(interaction.starts_at),
                    # Translators: a Django date format (Monday 3 March at 14:30); "à" is literal.
                    _("l j F à H:i"),
                ),
            },
        }
    )


# --- list ----------------------------------------------------------------------------------


class CappedPaginator(Paginator):
    """A paginator that stops counting at ``LIST_COUNT_CAP`` rows."""

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: LIST_COUNT_CAP + 1].count()  # type: ignore[attr-defined]
        self.capped = found > LIST_COUNT_CAP
        return min(found, LIST_COUNT_CAP)


def _chips(request: HttpRequest, form: ListFilterForm) -> list[dict[str, str]]:
    """Active filters, each with the URL that removes it."""
    chips = []
    data = form.cleaned_data
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if name in ("state", "kind"):
            shown = dict(field.choices).get(value, value)  # type: ignore[attr-defined]
        elif isinstance(value, dt.date):
            shown = value.strftime("%d/%m/%Y")
        else:
            shown = str(value)
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        chips.append(
            {"label": str(field.label), "value": str(shown), "url": "?" + remaining.urlencode()}
        )
    return chips


@login_required
@require_GET
def interaction_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ListFilterForm(request.GET or None, user=user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "owner_id": data["owner"].pk if data["owner"] else None,
            "process_id": data["process"].pk if data["process"] else None,
            "state": data["state"],
            "kind": data["kind"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "q": data["q"],
        }
    queryset = selectors.interactions_matching(user, **filters)
    paginator = CappedPaginator(queryset, LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    chips = _chips(request, form) if form.is_bound and form.is_valid() else []
    return render(
        request,
        "activities/interaction_list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row_context(i, user) for i in page.object_list],
            "chips": chips,
            "query": params.urlencode(),
            "capped": getattr(paginator, "capped", False),
        },
    )


# --- detail, notes, history ----------------------------------------------------------------

# How each change reads in the history; %(field)s is the field's label.
HISTORY_VERBS = {
    "starts_at": gettext_lazy("a déplacé le %(field)s"),
    "deadline": gettext_lazy("a déplacé l'%(field)s"),
    "duration_minutes": gettext_lazy("a modifié la durée"),
    "state": gettext_lazy("a changé l'%(field)s"),
    "stage": gettext_lazy("a changé l'%(field)s"),
    "process": gettext_lazy("a changé le %(field)s"),
    "owner": gettext_lazy("a changé le %(field)s"),
    "subject": gettext_lazy("a modifié l'%(field)s"),
    "kind": gettext_lazy("a changé le %(field)s"),
    "person": gettext_lazy("a modifié la %(field)s"),
    "company": gettext_lazy("a modifié la %(field)s"),
    "site": gettext_lazy("a modifié le %(field)s"),
    "outcome": gettext_lazy("a modifié le %(field)s"),
}
HISTORY_HIDDEN = {"ends_at", "completed_at", "created_by", "updated_at", "workspace"}
DATE_FIELDS = {"starts_at", "deadline"}


def _history_value(name: str, raw: str) -> str:
    if not raw:
        return "—"
    if name in DATE_FIELDS:
        try:
            when = timezone.localtime(dt.datetime.fromisoformat(raw))
        except ValueError:
            return raw
        same_year = when.year == timezone.localdate().year
        return when.strftime("%d/%m %H:%M" if same_year else "%d/%m/%Y %H:%M")
    if name == "duration_minutes" and raw.isdigit():
        return format_minutes(int(raw))
    return raw if len(raw) <= 80 else raw[:79] + "…"


def history_lines(user: Any, interaction: Interaction) -> list[dict[str, Any]]:
    """The audit trail as sentences: "Le 12/03/2025 à 14:30, Claire a déplacé le début…"."""
    lines = []
    for entry in audit_for(user, interaction)[:200]:
        when = timezone.localtime(entry.created_at)
        who = (entry.actor.first_name or str(entry.actor)) if entry.actor else _("Comptoir")
        prefix = _("Le %(date)s à %(time)s, %(who)s") % {
            "date": when.strftime("%d/%m/%Y"),
            "time": when.strftime("%H:%M"),
            "who": who,
        }
        if entry.action == Action.CREATE:
            lines.append(
                {"at": when, "text": _("%(prefix)s a créé l'interaction.") % {"prefix": prefix}}
            )
            continue
        for name, change in entry.changes.items():
            if name in HISTORY_HIDDEN or not isinstance(change, list) or len(change) != 2:
                continue
            try:
                field = Interaction._meta.get_field(name)
            except FieldDoesNotExist:  # a field since removed still reads
                label = name
            else:
                label = str(getattr(field, "verbose_name", name))
            verb = HISTORY_VERBS.get(name, _("a modifié « %(field)s »")) % {"field": label}
            lines.append(
                {
                    "at": when,
                    "text": _("%(prefix)s %(verb)s : %(old)s → %(new)s")
                    % {
                        "prefix": prefix,
                        "verb": verb,
                        "old": _history_value(name, change[0]),
                        "new": _history_value(name, change[1]),
                    },
                }
            )
    return lines


@login_required
@require_GET
def interaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    interaction = _interaction_or_404(user, pk)
    notes = list(
        selectors.notes_for(user)
        .filter(interaction=interaction)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "activities/interaction_detail.html",
        {
            **_row_context(interaction, user),
            "notes": notes,
            "note_form": NoteForm(),
            "history": history_lines(user, interaction),
        },
    )


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Append a note (never edited nor deleted); HTMX gets the new note to prepend."""
    user = _user(request)
    interaction = _interaction_or_404(user, pk)
    form = NoteForm(request.POST)
    error = ""
    note: Note | None = None
    if form.is_valid():
        try:
            note = services.note_add(
                interaction=interaction, body=form.cleaned_data["body"], by=user
            )
        except ValidationError as exc:
            error = _error_text(exc)
    else:
        error = " ".join(str(e) for e in form.errors.get("body", []))
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(interaction.get_absolute_url())
    if error:
        response = render(
            request, "activities/_note_error.html", {"error": error, "interaction": interaction}
        )
        response["HX-Retarget"] = "#note-error"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "activities/_note.html", {"note": note, "fresh": True})


# --- create / edit -------------------------------------------------------------------------


def _prefill(request: HttpRequest, user: Any) -> dict[str, Any]:
    """Initial values: now-ish, me, and the customer named in the URL (404 if not ours)."""
    now = timezone.localtime()
    next_quarter = (now + dt.timedelta(minutes=15 - now.minute % 15)).replace(
        second=0, microsecond=0
    )
    initial: dict[str, Any] = {
        "owner": user.pk,
        "start_date": next_quarter.date(),
        "start_time": next_quarter.time(),
        "kind": Kind.APPOINTMENT if request.GET.get("kind") == Kind.APPOINTMENT else Kind.TASK,
        "duration": 60,
    }
    process = selectors.processes_for(user).first()
    if process is not None:
        initial["process"] = process.pk
    owner = request.GET.get("owner", "")
    if owner.isdigit() and active_users_for(user).filter(pk=owner).exists():
        initial["owner"] = int(owner)
    lookups = (
        ("person", contacts.people_for),
        ("company", contacts.companies_for),
        ("site", contacts.sites_for),
    )
    for name, scope in lookups:
        raw = request.GET.get(name)
        if not raw:
            continue
        obj = scope(user).filter(pk=raw).first() if raw.isdigit() else None
        if obj is None:
            raise Http404
        initial[name] = obj.pk
        if isinstance(obj, Site):
            initial.setdefault("person", obj.person_id)
            initial.setdefault("company", obj.company_id)
    return initial


def _form_page(
    request: HttpRequest, form: InteractionForm, interaction: Interaction | None
) -> HttpResponse:
    form.mark_invalid_fields()
    return render(
        request,
        "activities/interaction_form.html",
        {"form": form, "interaction": interaction, "next": _safe_next(request) or ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interaction_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = InteractionForm(request.POST, user=user)
        if form.is_valid():
            try:
                interaction = services.interaction_create(by=user, **form.service_fields())
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
            else:
                messages.success(request, _("Interaction enregistrée."))
                return redirect(_safe_next(request) or interaction.get_absolute_url())
    else:
        form = InteractionForm(user=user, initial=_prefill(request, user))
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    interaction = _interaction_or_404(user, pk)
    if request.method == "POST":
        form = InteractionForm(request.POST, user=user, instance=interaction)
        if form.is_valid():
            try:
                interaction = services.interaction_update(
                    interaction=interaction, by=user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
                interaction = _interaction_or_404(user, pk)
            else:
                messages.success(request, _("Modifications enregistrées."))
                return redirect(_safe_next(request) or interaction.get_absolute_url())
    else:
        form = InteractionForm(user=user, instance=interaction)
    return _form_page(request, form, interaction)


@login_required
@require_GET
def stage_options(request: HttpRequest) -> HttpResponse:
    """The stage select for the chosen process (HTMX refresh in the form)."""
    form = InteractionForm(request.GET, user=_user(request))
    return render(request, "activities/_form_field.html", {"field": form["stage"], "id": "stage"})


@login_required
@require_GET
def site_options(request: HttpRequest) -> HttpResponse:
    """The site select for the chosen customer (HTMX refresh in the form)."""
    form = InteractionForm(request.GET, user=_user(request))
    return render(request, "activities/_form_field.html", {"field": form["site"], "id": "site"})


@login_required
@require_GET
def customer_options(request: HttpRequest) -> HttpResponse:
    """People and companies whose name starts like ``q``, to pick one in the form."""
    user = _user(request)
    needle = fold(request.GET.get("customer_q", ""))
    people: list[Any] = []
    companies: list[Any] = []
    if len(needle) >= 2:
        people = list(
            contacts.people_for(user)
            .filter(search_name__startswith=needle)
            .order_by("last_name", "first_name")[:8]
        )
        people += list(
            contacts.people_for(user)
            .filter(search_name__contains=f" {needle}")
            .exclude(pk__in=[p.pk for p in people])
            .order_by("last_name", "first_name")[: 8 - len(people)]
        )
        companies = list(
            contacts.companies_for(user).filter(search_name__contains=needle).order_by("name")[:8]
        )
    return render(
        request,
        "activities/_customer_options.html",
        {"people": people, "companies": companies, "searched": len(needle) >= 2},
    )


# --- customer timeline and quick note ------------------------------------------------------


def _customer_or_404(request: HttpRequest, user: Any) -> tuple[Any, Any]:
    """(person, company) named by ``?person=`` or ``?company=``, within the workspace."""
    data = request.POST if request.method == "POST" else request.GET
    person_id, company_id = data.get("person", ""), data.get("company", "")
    if person_id:
        person = (
            contacts.people_for(user).filter(pk=person_id).first() if person_id.isdigit() else None
        )
        if person is None:
            raise Http404
        return person, None
    if company_id:
        company = (
            contacts.companies_for(user).filter(pk=company_id).first()
            if company_id.isdigit()
            else None
        )
        if company is None:
            raise Http404
        return None, company
    raise Http404


def _day_label(day: dt.date) -> str:
    today = timezone.localdate()
    if day == today:
        return _("Aujourd'hui")
    if day == today - dt.timedelta(days=1):
        return _("Hier")
    if day == today + dt.timedelta(days=1):
        return _("Demain")
    return formats.date_format(day, "l j F" if day.year == today.year else "l j F Y")


def _timeline_context(
    user: Any, person: Any, company: Any, page: int, after: str = ""
) -> dict[str, Any]:
    queryset = selectors.timeline_for(
        user,
        person_id=person.pk if person else None,
        company_id=company.pk if company else None,
    )
    offset = (page - 1) * TIMELINE_PAGE_SIZE
    items = list(queryset[offset : offset + TIMELINE_PAGE_SIZE + 1])
    has_more = len(items) > TIMELINE_PAGE_SIZE
    items = items[:TIMELINE_PAGE_SIZE]
    previous_day = after
    entries = []
    for interaction in items:
        day = timezone.localtime(interaction.starts_at).date()
        entries.append(
            {
                "interaction": interaction,
                "day_label": _day_label(day) if day.isoformat() != previous_day else "",
            }
        )
        previous_day = day.isoformat()
    customer_query = urlencode({"person": person.pk} if person else {"company": company.pk})
    return {
        "entries": entries,
        "has_more": has_more,
        "next_page": page + 1,
        "last_day": previous_day,
        "customer_query": customer_query,
        "person": person,
        "company": company,
        "first_page": page == 1,
    }


@login_required
@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    """A customer's interactions and notes, newest first, grouped by day (HTML fragment)."""
    user = _user(request)
    person, company = _customer_or_404(request, user)
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
    context = _timeline_context(user, person, company, page, request.GET.get("after", ""))
    return render(request, "activities/_timeline.html", context)


def _quick_note_context(
    user: Any, person: Any, company: Any, form: QuickNoteForm | None = None
) -> dict[str, Any]:
    open_interactions = selectors.open_interactions_for_customer(
        user,
        person_id=person.pk if person else None,
        company_id=company.pk if company else None,
    )
    return {
        "form": form or QuickNoteForm(open_interactions=open_interactions),
        "customer_query": urlencode({"person": person.pk} if person else {"company": company.pk}),
        "person": person,
        "company": company,
        "can_write": user.can_write,
    }


@login_required
@require_http_methods(["GET", "POST"])
def quick_note(request: HttpRequest) -> HttpResponse:
    """The customer page's note composer; a POST answers the refreshed timeline."""
    user = _user(request)
    person, company = _customer_or_404(request, user)
    if request.method == "GET":
        return render(
            request, "activities/_quick_note.html", _quick_note_context(user, person, company)
        )
    open_interactions = selectors.open_interactions_for_customer(
        user,
        person_id=person.pk if person else None,
        company_id=company.pk if company else None,
    )
    form = QuickNoteForm(request.POST, open_interactions=open_interactions)
    if form.is_valid():
        target_id = form.cleaned_data["interaction"]
        try:
            services.quick_note_add(
                by=user,
                body=form.cleaned_data["body"],
                interaction=form.open_interactions.get(target_id) if target_id else None,
                person=person,
                company=company,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(name if name in form.fields else "body", message)
    if form.errors:
        response = render(
            request,
            "activities/_quick_note.html",
            _quick_note_context(user, person, company, form),
        )
        response["HX-Retarget"] = "#activities-quick-note"
        response["HX-Reswap"] = "outerHTML"
        return response
    timeline_html = render_to_string(
        "activities/_timeline.html",
        {**_timeline_context(user, person, company, 1), "announce": _("Note enregistrée.")},
        request=request,
    )
    composer_html = render_to_string(
        "activities/_quick_note.html",
        {**_quick_note_context(user, person, company), "oob": True},
        request=request,
    )
    return HttpResponse(timeline_html + composer_html)


# --- allowed processes ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def process_access(request: HttpRequest) -> HttpResponse:
    """Réglages › Processus autorisés: tick what each colleague may see."""
    admin = _user(request)
    if not admin.is_workspace_admin:
        raise PermissionDenied
    users = list(active_users_for(admin))
    processes = list(selectors.all_processes_for(admin))
    allowed: dict[int, set[int]] = {}
    for access in selectors.process_accesses_for(admin).filter(user__in=users):
        allowed.setdefault(access.user_id, set()).add(access.process_id)
    if request.method == "POST":
        forms_ = {
            u: ProcessAccessForm(request.POST, prefix=f"user-{u.pk}", admin=admin) for u in users
        }
        if all(f.is_valid() for f in forms_.values()):
            changed = services.process_accesses_update(
                accesses={u: f.cleaned_data["processes"] for u, f in forms_.items()}, by=admin
            )
            messages.success(
                request,
                ngettext(
                    "Accès enregistrés (%(count)s utilisateur modifié).",
                    "Accès enregistrés (%(count)s utilisateurs modifiés).",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("activities:process_access")
        messages.error(request, _("Un processus choisi n'existe plus : rechargez la page."))
    rows = [
        {
            "user": u,
            "prefix": f"user-{u.pk}",
            "allowed": allowed.get(u.pk, set()),
        }
        for u in users
    ]
    return render(
        request,
        "activities/process_access.html",
        {"rows": rows, "processes": processes},
    )
