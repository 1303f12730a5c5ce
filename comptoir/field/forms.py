"""Parse what the phone sends (report, timer, need) and the office's settings."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.field.models import Urgency


class ReportForm(forms.Form):
    """The scalar fields of "Terminer"; files and materials are read beside it."""

    uuid = forms.UUIDField(error_messages={"invalid": _("Identifiant d'envoi invalide.")})
    work_done = forms.CharField(required=False, max_length=10_000)
    started_at = forms.DateTimeField(required=False)
    ended_at = forms.DateTimeField(required=False)
    duration_minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "min_value": _("La durée doit être d'au moins une minute."),
            "max_value": _("La durée ne peut dépasser 24 h."),
        },
    )
    signer_name = forms.CharField(required=False, max_length=200)
    materials = forms.CharField(required=False)

    def clean_materials(self) -> list[dict[str, Any]]:
        raw = self.cleaned_data.get("materials") or "[]"
        try:
            rows = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Liste de fournitures illisible.")) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise forms.ValidationError(_("Liste de fournitures illisible."))
        if len(rows) > 200:
            raise forms.ValidationError(_("Au plus 200 lignes de fournitures."))
        return rows


class TimerForm(forms.Form):
    action = forms.ChoiceField(choices=[("start", _("Démarrer")), ("stop", _("Arrêter"))])
    at = forms.DateTimeField(required=False)


class NeedForm(forms.Form):
    uuid = forms.UUIDField(error_messages={"invalid": _("Identifiant d'envoi invalide.")})
    description = forms.CharField(
        max_length=5000, error_messages={"required": _("Décrivez le besoin détecté.")}
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.NORMAL)


class FieldSettingsForm(forms.Form):
    sales_owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Responsable commercial"),
        required=False,
        empty_label=_("Premier administrateur (par défaut)"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sales_owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(workspace_id=user.workspace_id, is_active=True)
