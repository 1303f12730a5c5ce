"""Forms of activities: parse HTTP input, services validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.accounts.selectors import active_users_for, users_for
from comptoir.activities import selectors
from comptoir.activities.models import (
    Interaction,
    Kind,
    Process,
    Stage,
    State,
    format_minutes,
)
from comptoir.contacts import selectors as contacts

DURATION_PRESETS = [15, 30, 45, 60, 90, 120, 150, 180, 240, 480]
DEFAULT_DEADLINE_TIME = dt.time(18, 0)

# Where a service's error on a model field shows up in the form.
SERVICE_FIELD_TO_FORM = {
    "starts_at": "start_date",
    "deadline": "deadline_date",
    "duration_minutes": "duration",
    "ends_at": "start_date",
}

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock date and time in the workspace's zone (Europe/Paris by default)."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def duration_choices(extra: int | None = None) -> list[tuple[Any, str]]:
    minutes = sorted({*DURATION_PRESETS, *([extra] if extra else [])})
    return [("", "—")] + [(m, format_minutes(m)) for m in minutes]


class InteractionForm(forms.Form):
    """Create or edit a task or an appointment; dates typed as local date + time."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=Kind.choices, initial=Kind.TASK, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Objet"), max_length=200)
    process = forms.ModelChoiceField(label=_("Processus"), queryset=Process.objects.none())
    stage = forms.ModelChoiceField(
        label=_("Étape"), queryset=Stage.objects.none(), required=False, empty_label="—"
    )
    state = forms.ChoiceField(
        label=_("État"), choices=State.choices, initial=State.OPEN, widget=forms.RadioSelect
    )
    owner = forms.ModelChoiceField(label=_("Affecter à"), queryset=Process.objects.none())
    start_date = forms.DateField(label=_("Date de début"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Heure de début"), widget=TIME_WIDGET)
    deadline_date = forms.DateField(label=_("Échéance"), required=False, widget=DATE_WIDGET)
    deadline_time = forms.TimeField(
        label=_("Heure d'échéance"),
        required=False,
        widget=TIME_WIDGET,
        help_text=_("18:00 si vide."),
    )
    duration = forms.TypedChoiceField(
        label=_("Durée"), coerce=int, empty_value=None, required=False, choices=duration_choices
    )
    duration_custom = forms.IntegerField(
        label=_("ou en minutes"), required=False, min_value=1, max_value=14 * 24 * 60
    )
    person = forms.ModelChoiceField(
        label=_("Personne"), queryset=Process.objects.none(), required=False, empty_label="—"
    )
    company = forms.ModelChoiceField(
        label=_("Société"), queryset=Process.objects.none(), required=False, empty_label="—"
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Process.objects.none(), required=False, empty_label="—"
    )
    outcome = forms.CharField(
        label=_("Résultat"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        instance: Interaction | None = None,
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["process"].queryset = selectors.processes_for(user)
        fields["owner"].queryset = active_users_for(user)
        if instance is not None and not instance.owner.is_active:
            # A colleague asleep keeps their interactions until someone else takes them.
            fields["owner"].queryset = users_for(user).filter(
                Q(is_active=True) | Q(pk=instance.owner_id)
            )
        fields["person"].queryset = contacts.people_for(user)
        fields["company"].queryset = contacts.companies_for(user)
        fields["site"].queryset = contacts.sites_for(user)
        fields["stage"].queryset = self.stage_queryset()
        if instance is not None and instance.duration_minutes:
            fields["duration"].choices = duration_choices(instance.duration_minutes)
        self._limit_customer_choices()
        fields["process"].widget.attrs.update(
            {
                "hx-get": reverse("activities:stage_options"),
                "hx-trigger": "change",
                "hx-target": "#stage-field",
                "hx-swap": "outerHTML",
                "hx-include": "[name=process]",
            }
        )
        for name in ("person", "company"):
            fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("activities:site_options"),
                    "hx-trigger": "change",
                    "hx-target": "#site-field",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=person],[name=company],[name=site]",
                }
            )
        for field in fields.values():
            widget = field.widget
            if not isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-select form-select-sm")
                if not isinstance(widget, forms.Select):
                    widget.attrs["class"] = "form-control form-control-sm"

    def mark_invalid_fields(self) -> None:
        """Point assistive technologies at each field's error (after services added theirs)."""
        if not self.is_bound:
            return
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}-error"

    @staticmethod
    def initial_from(instance: Interaction) -> dict[str, Any]:
        starts = timezone.localtime(instance.starts_at)
        initial: dict[str, Any] = {
            "kind": instance.kind,
            "subject": instance.subject,
            "process": instance.process_id,
            "stage": instance.stage_id,
            "state": instance.state,
            "owner": instance.owner_id,
            "start_date": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "duration": instance.duration_minutes,
            "person": instance.person_id,
            "company": instance.company_id,
            "site": instance.site_id,
            "outcome": instance.outcome,
        }
        if instance.deadline:
            deadline = timezone.localtime(instance.deadline)
            initial["deadline_date"] = deadline.date()
            initial["deadline_time"] = deadline.time().replace(second=0, microsecond=0)
        return initial

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name, self.fields[name].initial)
        return getattr(value, "pk", value)

    def stage_queryset(self) -> QuerySet[Stage]:
        process_id = self._value("process")
        if not str(process_id or "").isdigit():
            return Stage.objects.none()
        return selectors.stages_for(self.user).filter(process_id=process_id)

    def _limit_customer_choices(self) -> None:
        """Render only the chosen customer (a picker finds others); validate against all."""
        fields: dict[str, Any] = self.fields
        chosen: dict[str, Any] = {}
        for name in ("person", "company", "site"):
            value = self._value(name)
            obj = None
            if str(value or "").isdigit():
                obj = fields[name].queryset.filter(pk=value).first()
            chosen[name] = obj
            fields[name].widget.choices = [("", "—")] + ([(obj.pk, str(obj))] if obj else [])
        condition = Q(pk__in=[])
        if chosen["person"] is not None:
            condition |= Q(person=chosen["person"]) | Q(occupant=chosen["person"])
        if chosen["company"] is not None:
            condition |= Q(company=chosen["company"])
        if chosen["person"] or chosen["company"] or chosen["site"]:
            sites = fields["site"].queryset.filter(condition)
            options = {s.pk: str(s) for s in sites[:50]}
            if chosen["site"] is not None:
                options[chosen["site"].pk] = str(chosen["site"])
            fields["site"].widget.choices = [("", "—"), *options.items()]
        self.chosen_customers = chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("start_date"), data.get("start_time")
        if day and time:
            data["starts_at"] = local_datetime(day, time)
        if data.get("kind") == Kind.APPOINTMENT:
            minutes = data.get("duration_custom") or data.get("duration")
            if not minutes:
                self.add_error("duration", _("Indiquez la durée du rendez-vous."))
            data["duration_minutes"] = minutes
            data["deadline"] = None
        else:
            data["duration_minutes"] = None
            deadline_day, deadline_time = data.get("deadline_date"), data.get("deadline_time")
            data["deadline"] = None
            if deadline_day:
                if deadline_time is None:
                    deadline_time = DEFAULT_DEADLINE_TIME
                    if deadline_day == day and time and time > deadline_time:
                        deadline_time = time
                data["deadline"] = local_datetime(deadline_day, deadline_time)
            elif deadline_time is not None:
                self.add_error("deadline_date", _("Indiquez la date d'échéance."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """What the services take, from the cleaned data."""
        data = self.cleaned_data
        fields = {
            name: data.get(name)
            for name in (
                "kind",
                "subject",
                "process",
                "stage",
                "owner",
                "starts_at",
                "deadline",
                "duration_minutes",
                "person",
                "company",
                "site",
            )
        }
        fields["outcome"] = data.get("outcome") or ""
        if self.instance is None or self.instance.state != data.get("state"):
            fields["state"] = data.get("state")
        return fields

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = SERVICE_FIELD_TO_FORM.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Ajouter une note"),
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "form-control form-control-sm",
                "placeholder": _("Ajouter une note… (Ctrl+Entrée pour enregistrer)"),
            }
        ),
        error_messages={"required": _("La note est vide.")},
    )


class QuickNoteForm(forms.Form):
    """A note from a customer page, on one of their open interactions or as a new one."""

    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "form-control form-control-sm",
                "placeholder": _("Ajouter une note… (Ctrl+Entrée pour enregistrer)"),
            }
        ),
        error_messages={"required": _("La note est vide.")},
    )
    interaction = forms.TypedChoiceField(
        label=_("Rattacher à"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, open_interactions: list[Interaction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_interactions = {i.pk: i for i in open_interactions}
        field: Any = self.fields["interaction"]
        field.choices = [("", _("Nouvelle note"))] + [
            (i.pk, f"{i.glyph} {i.subject} · {i.process.name}") for i in open_interactions
        ]
        field.widget.attrs["class"] = "form-select form-select-sm"


class ListFilterForm(forms.Form):
    """The interaction list's filters, read from the URL."""

    q = forms.CharField(label=_("Objet"), required=False, max_length=200)
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("owner of an interaction", "Responsable"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    process = forms.ModelChoiceField(
        label=_("Processus"), queryset=Process.objects.none(), required=False, empty_label=_("Tous")
    )
    state = forms.ChoiceField(label=_("État"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    date_from = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["owner"].queryset = users_for(user)
        fields["process"].queryset = selectors.processes_for(user)
        fields["state"].choices = [("", _("Tous")), *State.choices]
        fields["kind"].choices = [("", _("Tous")), *Kind.choices]
        for field in fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("La date de fin doit suivre la date de début."))
        return data


class ProcessAccessForm(forms.Form):
    """One user's allowed processes (none ticked = every process)."""

    processes = forms.ModelMultipleChoiceField(
        label=_("Processus autorisés"),
        queryset=Process.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, admin: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["processes"]
        field.queryset = selectors.all_processes_for(admin)


class MoveForm(forms.Form):
    """A drag or resize on the calendar: ISO dates as FullCalendar sends them."""

    start = forms.CharField(max_length=40)
    end = forms.CharField(max_length=40, required=False)
    all_day = forms.BooleanField(required=False)
