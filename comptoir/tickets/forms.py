"""Forms of tickets: new ticket, queue filters, conversation, side panel, settings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import active_users_for
from comptoir.contacts import selectors as contacts
from comptoir.tickets import selectors
from comptoir.tickets.models import Priority, Status, TicketCategory, TicketChannel

WEEKDAYS = [
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


ORIGIN_PATTERN = re.compile(r"^[a-z]+:\d+$")
ORIGIN = RegexValidator(ORIGIN_PATTERN)


class TicketForm(forms.Form):
    """A new ticket: requester, what, how urgent, who handles it."""

    person = forms.ModelChoiceField(
        label=_("Personne"), queryset=TicketCategory.objects.none(), required=False
    )
    company = forms.ModelChoiceField(
        label=_("Société"), queryset=TicketCategory.objects.none(), required=False
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=TicketCategory.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Objet"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=TicketCategory.objects.none(),
        required=False,
        empty_label="—",
    )
    priority = forms.TypedChoiceField(
        label=_("Priorité"), choices=Priority.choices, coerce=int, initial=Priority.P3
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=TicketChannel.choices, initial=TicketChannel.PHONE
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignée à"),
        queryset=TicketCategory.objects.none(),
        required=False,
        empty_label=_("— file de l'équipe —"),
    )
    # Where the ticket comes from ("call:42" from a call's card): carried, never shown.
    origin = forms.CharField(
        required=False, max_length=40, widget=forms.HiddenInput, validators=[ORIGIN]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        fields: dict[str, Any] = self.fields
        fields["person"].queryset = contacts.people_for(user)
        fields["company"].queryset = contacts.companies_for(user)
        fields["site"].queryset = contacts.sites_for(user)
        fields["category"].queryset = selectors.categories_for(user)
        fields["assignee"].queryset = active_users_for(user)
        _style(self)
        self._limit_customer_choices()
        for name in ("person", "company"):
            fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("tickets:site_options"),
                    "hx-trigger": "change",
                    "hx-target": "#site-field",
                    "hx-swap": "outerHTML",
                    "hx-include": "[name=person],[name=company],[name=site]",
                }
            )

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name, self.fields[name].initial)
        return getattr(value, "pk", value)

    def _limit_customer_choices(self) -> None:
        """Render only the chosen customer and their sites; validate against the workspace."""
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
        if chosen["person"] or chosen["company"]:
            options = {s.pk: str(s) for s in fields["site"].queryset.filter(condition)[:50]}
            if chosen["site"] is not None:
                options[chosen["site"].pk] = str(chosen["site"])
            fields["site"].widget.choices = [("", "—"), *options.items()]
        self.chosen = chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("company") and not self.errors:
            self.add_error("person", _("Choisissez le client (personne ou société)."))
        return data


class FilterForm(forms.Form):
    """Queue filters (GET)."""

    status = forms.ChoiceField(label=_("Statut"), required=False)
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Toutes")), *Priority.choices],
    )
    assignee = forms.ChoiceField(label=_("Assignée à"), required=False)
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=TicketCategory.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Tous")), *TicketChannel.choices]
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["status"].choices = [
            ("", _("Ouvertes")),
            *Status.choices,
            ("all", _("Toutes")),
        ]
        fields["assignee"].choices = [
            ("", _("Tout le monde")),
            ("me", _("Moi")),
            ("none", _("Personne (file)")),
            *[(str(u.pk), str(u)) for u in active_users_for(user)],
        ]
        fields["category"].queryset = selectors.categories_for(user, active_only=False)
        _style(self)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    via = forms.ChoiceField(
        label=_("Envoyer par"),
        required=False,
        choices=[("", ""), ("email", _("E-mail")), ("sms", _("SMS")), ("phone", _("Téléphone"))],
    )
    file = forms.FileField(label=_("Pièce jointe (photo ou PDF, 10 Mo au plus)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo ou PDF (10 Mo au plus)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class SidePanelForm(forms.Form):
    """Assignee, priority, category from the ticket's side panel."""

    assignee = forms.ModelChoiceField(
        label=_("Assignée à"),
        queryset=TicketCategory.objects.none(),
        required=False,
        empty_label=_("— file de l'équipe —"),
    )
    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int)
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=TicketCategory.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["assignee"].queryset = active_users_for(user)
        fields["category"].queryset = selectors.categories_for(user)
        _style(self)


def _hours(value: int) -> str:
    return f"{value / 60:g}".replace(".", ",")


class SlaForm(forms.Form):
    """Targets per priority, in open hours (decimals allowed: 0,5 = 30 min)."""

    def __init__(self, *args: Any, policies: dict[int, tuple[int, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for priority in Priority:
            first, resolution = policies.get(priority.value, (60, 240))
            for kind, minutes, label in (
                ("first", first, _("Première réponse (heures ouvrées)")),
                ("resolution", resolution, _("Résolution (heures ouvrées)")),
            ):
                self.fields[f"{kind}_{priority.value}"] = forms.DecimalField(
                    label=label,
                    min_value=0.25,
                    max_value=2000,
                    decimal_places=2,
                    initial=_hours(minutes),
                    localize=True,
                )
        _style(self)

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (str(p.label), self[f"first_{p.value}"], self[f"resolution_{p.value}"])
            for p in Priority
        ]

    def targets(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {
            p.value: (
                round(float(data[f"first_{p.value}"]) * 60),
                round(float(data[f"resolution_{p.value}"]) * 60),
            )
            for p in Priority
        }


class HoursForm(forms.Form):
    """Opening hours per weekday."""

    def __init__(
        self, *args: Any, days: dict[int, tuple[bool, dt.time, dt.time]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for weekday in range(7):
            is_open, opens, closes = days.get(weekday, (False, dt.time(8), dt.time(18)))
            name = WEEKDAYS[weekday]
            self.fields[f"open_{weekday}"] = forms.BooleanField(
                label=name, required=False, initial=is_open
            )
            self.fields[f"opens_{weekday}"] = forms.TimeField(
                label=_("Ouverture"),
                required=False,
                initial=opens,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{weekday}"] = forms.TimeField(
                label=_("Fermeture"),
                required=False,
                initial=closes,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
        _style(self)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"open_{d}"], self[f"opens_{d}"], self[f"closes_{d}"]) for d in range(7)]

    def days(self) -> dict[int, tuple[bool, dt.time | None, dt.time | None]]:
        data = self.cleaned_data
        return {
            d: (bool(data.get(f"open_{d}")), data.get(f"opens_{d}"), data.get(f"closes_{d}"))
            for d in range(7)
        }


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Nouvelle catégorie"), max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
