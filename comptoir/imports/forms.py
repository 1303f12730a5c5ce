"""Forms of the import wizard and of the list exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import users_for
from comptoir.activities.models import Kind, State
from comptoir.activities.selectors import processes_for
from comptoir.imports import fields as targets
from comptoir.imports.models import ImportJob, ImportKind
from comptoir.imports.selectors import saved_mappings_for

SOURCES = ["ERP MDE", "SAGE", "EBP", "Excel"]


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("CSV (tout séparateur, UTF-8 ou Windows-1252) ou classeur Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    kind = forms.ChoiceField(label=_("Type de fiches"), choices=ImportKind.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        help_text=_("Le logiciel d'où vient l'export : il sert à reconnaître ses lignes."),
        widget=forms.TextInput(attrs={"list": "import-sources", "autocomplete": "off"}),
    )
    mapping = forms.ChoiceField(label=_("Correspondance des colonnes"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = saved_mappings_for(user).order_by("kind", "name")
        field: Any = self.fields["mapping"]
        kinds = dict(ImportKind.choices)
        field.choices = [("auto", _("Suggestion automatique"))] + [
            (f"{m.kind}:{m.name}", f"{m.name} ({kinds[m.kind]})") for m in saved
        ]
        _style(self)

    def clean_mapping(self) -> str:
        value = self.cleaned_data.get("mapping") or "auto"
        if value == "auto":
            return value
        kind, _sep, name = value.partition(":")
        if kind != self.data.get("kind"):
            raise forms.ValidationError(
                _("Cette correspondance est faite pour un autre type de fiches.")
            )
        return name


class MappingForm(forms.Form):
    """One select per column of the file: what the column becomes."""

    save_as = forms.CharField(
        label=_("Enregistrer cette correspondance sous le nom"),
        required=False,
        max_length=100,
        help_text=_("Facultatif : pour la réutiliser avec le prochain export du même logiciel."),
    )

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        choices = [("", _("— Ignorer —"))] + [
            (t.name, str(t.label)) for t in targets.targets_for(job.kind)
        ]
        self.column_fields: list[str] = []
        for index, column in enumerate(job.columns):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=column, choices=choices, required=False, initial=job.mapping.get(column, "")
            )
            self.column_fields.append(name)
        _style(self)

    def rows(self) -> list[tuple[str, forms.BoundField]]:
        return [(self.job.columns[i], self[name]) for i, name in enumerate(self.column_fields)]

    def mapping(self) -> dict[str, str]:
        return {
            self.job.columns[i]: self.cleaned_data.get(name) or ""
            for i, name in enumerate(self.column_fields)
        }


class InteractionExportForm(forms.Form):
    """The interaction list's filters, as its URL carries them."""

    q = forms.CharField(required=False, max_length=200)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    process: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    state = forms.ChoiceField(required=False, choices=[("", ""), *State.choices])
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Kind.choices])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = users_for(user)
        process: Any = self.fields["process"]
        process.queryset = processes_for(user)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "owner_id": data["owner"].pk if data["owner"] else None,
            "process_id": data["process"].pk if data["process"] else None,
            "state": data["state"],
            "kind": data["kind"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "q": data["q"],
        }
