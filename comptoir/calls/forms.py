"""Forms of calls: an unknown caller made a customer, the call settings, the log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Role
from comptoir.accounts.selectors import active_users_for, users_for
from comptoir.calls.models import CallSettings, Direction
from comptoir.calls.selectors import PERIOD_DAYS
from comptoir.calls.services import CALLBACK_MINUTES_MAX, CALLBACK_MINUTES_MIN
from comptoir.contacts.models import Civility


def _add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's errors beside their fields (the others on top of the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class QuickCustomerForm(forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100)

    def add_service_errors(self, exc: ValidationError) -> None:
        _add_service_errors(self, exc)


class CallSettingsForm(forms.Form):
    """Réglages › Téléphonie: who calls back after a missed call, and how soon."""

    callback_owner = forms.ModelChoiceField(
        label=_("Rappels confiés à"),
        queryset=CallSettings.objects.none(),
        required=False,
        empty_label=_("— Le collègue appelé —"),
        help_text=_(
            "Reçoit la tâche « Rappeler » de chaque appel entrant manqué. "
            "Par défaut : le collègue sur qui l'appel a sonné."
        ),
        error_messages={
            "invalid_choice": _(
                "Choisissez un collègue actif de cet espace, ou laissez vide pour le "
                "collègue sur qui l'appel a sonné."
            )
        },
    )
    callback_minutes = forms.IntegerField(
        label=_("Délai de rappel (minutes)"),
        min_value=CALLBACK_MINUTES_MIN,
        max_value=CALLBACK_MINUTES_MAX,
        help_text=_("Échéance de la tâche « Rappeler » : de 1 à 1 440 minutes (24 heures)."),
        error_messages={
            "required": _("Indiquez le délai de rappel, en minutes."),
            "invalid": _("Le délai de rappel est un nombre entier de minutes."),
            "min_value": _("Le délai de rappel va de 1 à 1 440 minutes (24 heures)."),
            "max_value": _("Le délai de rappel va de 1 à 1 440 minutes (24 heures)."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["callback_owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = active_users_for(user).exclude(role=Role.READ_ONLY)
        owner.widget.attrs["class"] = "form-select"
        minutes = self.fields["callback_minutes"].widget
        minutes.attrs.update({"class": "form-control", "inputmode": "numeric"})

    @classmethod
    def initial_for(cls, found: CallSettings) -> dict[str, Any]:
        return {
            "callback_owner": found.callback_owner_id,
            "callback_minutes": found.callback_minutes,
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        _add_service_errors(self, exc)


class CallLogFilterForm(forms.Form):
    """The log's filters, as they stand in the URL; a value that makes no sense is ignored."""

    missed = forms.BooleanField(required=False)
    direction = forms.ChoiceField(required=False, choices=[("", ""), *Direction.choices])
    agent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    period = forms.ChoiceField(required=False, choices=[("", ""), *[(p, p) for p in PERIOD_DAYS]])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colleagues = users_for(user).order_by("-is_active", "first_name", "last_name", "id")
        self.colleagues = list(colleagues)
        agent = self.fields["agent"]
        assert isinstance(agent, forms.TypedChoiceField)
        agent.choices = [("", ""), *[(str(u.pk), str(u)) for u in self.colleagues]]

    def filters(self) -> dict[str, Any]:
        """The valid filters: a wrong value in the URL is dropped, the others still apply."""
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return {
            "missed": bool(data.get("missed")),
            "direction": data.get("direction") or "",
            "agent": data.get("agent"),
            "period": data.get("period") or "",
        }
