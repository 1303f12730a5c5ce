"""Forms of accounts: parse HTTP input, services validate and write."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import Role, Workspace
from comptoir.lib.phone import format_phone

LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}


def _timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/")
    )
    return [(z, z.replace("_", " ")) for z in zones]


class WorkspaceForm(forms.ModelForm):
    """Identity of the workspace: what appears on documents and e-mails."""

    timezone = forms.ChoiceField(label=_("Fuseau horaire"), choices=_timezone_choices)
    locale = forms.ChoiceField(label=_("Langue"), choices=settings.LANGUAGES)

    class Meta:
        model = Workspace
        fields = [
            "name",
            "siren",
            "street",
            "postcode",
            "city",
            "phone",
            "logo",
            "timezone",
            "locale",
        ]
        labels = {
            "name": _("Raison sociale"),
            "siren": _("SIREN"),
            "street": _("Adresse"),
            "postcode": _("Code postal"),
            "city": _("Ville"),
            "phone": _("Téléphone"),
            "logo": _("Logo"),
        }
        help_texts = {
            "siren": _("9 chiffres, espaces acceptés."),
            "logo": _("PNG, JPEG, WebP ou GIF, 512 Ko au plus."),
        }
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": ",".join(sorted(LOGO_TYPES))})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Validation lives in the service (workspace_update); the form only parses.
        siren = self.fields["siren"]
        assert isinstance(siren, forms.CharField)
        siren.max_length = None
        siren.validators = []
        siren.widget.attrs.pop("maxlength", None)
        siren.widget.attrs["inputmode"] = "numeric"
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"
        if not self.is_bound and self.instance.phone:
            self.initial["phone"] = format_phone(self.instance.phone)
        if not self.is_bound and len(self.instance.siren) == 9:
            raw = self.instance.siren
            self.initial["siren"] = f"{raw[:3]} {raw[3:6]} {raw[6:]}"
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            if logo.size is not None and logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(
                    _("Le logo dépasse 512 Ko : choisissez une image plus légère.")
                )
            if logo.content_type not in LOGO_TYPES:
                raise forms.ValidationError(
                    _("Le logo doit être une image PNG, JPEG, WebP ou GIF.")
                )
        return logo

    def _post_clean(self) -> None:
        # Fields are checked by the service, in French; skip the model's own validation.
        pass


class UserInviteForm(forms.Form):
    """A colleague to add: who, which role, an initial password they can change."""

    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    email = forms.CharField(label=_("Adresse e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.AGENT)
    password = forms.CharField(
        label=_("Mot de passe initial"),
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("8 caractères au moins ; transmettez-le à votre collègue de vive voix."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.input_type = "email"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    label = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        required=False,
        help_text=_("Pour vous en souvenir : « Standard téléphonique », « Export comptable »…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].widget.attrs["class"] = "form-control"


class ExtensionForm(forms.Form):
    """A colleague's phone extension; the service checks it (digits, one colleague each)."""

    extension = forms.CharField(
        label=_("Poste"),
        required=False,
        help_text=_(
            "Le numéro court de votre téléphone dans le standard (2 à 8 chiffres, par exemple "
            "201) : la fiche de l'appelant s'ouvre chez vous quand il sonne. Vide : aucun poste."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["extension"].widget.attrs.update(
            {"class": "form-control", "inputmode": "numeric", "autocomplete": "off", "size": 8}
        )
