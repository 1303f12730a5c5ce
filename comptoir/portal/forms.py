"""Forms of the portal (sign-in, requests, messages), the survey and the staff settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import User
from comptoir.accounts.selectors import active_users_for
from comptoir.portal.models import SurveyChannel


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-control")
        if field.help_text:
            widget.attrs.setdefault("aria-describedby", f"id_{field_name(form, field)}-help")


def field_name(form: forms.Form, field: forms.Field) -> str:
    return next(name for name, f in form.fields.items() if f is field)


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type, size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,.pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class IdentifierForm(StyledForm):
    identifier = forms.CharField(
        label=_("Votre e-mail ou votre numéro de mobile"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Indiquez votre adresse e-mail ou votre numéro de mobile.")},
    )


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("Code reçu (6 chiffres)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
        error_messages={"required": _("Saisissez le code à 6 chiffres reçu.")},
    )


class MessageForm(StyledForm):
    body = forms.CharField(
        label=_("Votre message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultipleFileField(
        label=_("Photos ou PDF (10 Mo au plus chacun)"),
        required=False,
    )


class NewRequestForm(StyledForm):
    subject = forms.CharField(
        label=_("Objet"),
        max_length=200,
        help_text=_("En quelques mots : « Disjoncteur qui saute », « Prise qui chauffe »…"),
        error_messages={"required": _("Indiquez l'objet de votre demande.")},
    )
    description = forms.CharField(
        label=_("Décrivez le problème"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Depuis quand, où, ce que vous avez déjà essayé, vos disponibilités."),
    )
    photos = MultipleFileField(label=_("Photos ou PDF (10 Mo au plus chacun)"), required=False)


class SurveyForm(StyledForm):
    csat = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait(e) ?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    nps = forms.TypedChoiceField(
        label=_("Recommanderiez-vous notre entreprise à un proche ?"),
        choices=[(n, str(n)) for n in range(0, 11)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire ? (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PortalSettingsForm(StyledForm):
    portal_enabled = forms.BooleanField(label=_("Portail client ouvert"), required=False)
    requests_owner = forms.ModelChoiceField(
        label=_("Responsable des demandes du portail"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Le premier administrateur"),
    )
    surveys_enabled = forms.BooleanField(
        label=_("Envoyer une enquête de satisfaction"), required=False
    )
    survey_delay_hours = forms.IntegerField(
        label=_("Délai après la résolution ou l'intervention (heures)"),
        min_value=0,
        max_value=336,
        help_text=_("0 = tout de suite."),
    )
    survey_channel = forms.ChoiceField(label=_("Canal"), choices=SurveyChannel.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requests_owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = active_users_for(user)
