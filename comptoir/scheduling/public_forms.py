"""Forms of the public booking pages, and the signed state carried from step to step.

No cookie is needed to book: what the visitor chose so far travels in one signed field
(``s``), in the URL for the first steps and in a hidden field once personal details are in.
It is signed, not secret: it only ever holds what the visitor typed themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.lib.geo import normalize_postcode
from comptoir.lib.phone import InvalidPhone, normalize_phone, region_for

SALT = "comptoir.scheduling.booking"
# A booking started more than a day ago starts again (the slots shown have long changed).
MAX_AGE = 24 * 3600


def dump_state(state: dict[str, Any]) -> str:
    return signing.dumps(state, salt=SALT, compress=True)


def load_state(raw: str | None) -> dict[str, Any] | None:
    """The state signed by ``dump_state``; None when missing, altered or too old."""
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def new_state() -> dict[str, Any]:
    """The first state: when the visitor opened the booking page, to measure the promise."""
    return {"t": int(timezone.now().timestamp())}


def requested_at(state: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(state["t"]), tz=dt.UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return timezone.now()


def parse_start(raw: str | None) -> dt.datetime | None:
    """An ISO start chosen among the slots shown (aware), or None."""
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if timezone.is_aware(value) else None


class AddressForm(forms.Form):
    street = forms.CharField(
        label=_("Adresse"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        error_messages={"required": _("Indiquez le numéro et la rue.")},
    )
    postcode = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
        ),
        error_messages={"required": _("Indiquez le code postal.")},
    )
    city = forms.CharField(
        label=_("Ville"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": _("Indiquez la ville.")},
    )

    def clean_postcode(self) -> str:
        raw = self.cleaned_data["postcode"]
        code = normalize_postcode(raw)
        if code is None:
            raise forms.ValidationError(
                _("« %(value)s » n'est pas un code postal : 5 chiffres, par exemple 74000."),
                params={"value": raw},
            )
        return code


class DetailsForm(forms.Form):
    name = forms.CharField(
        label=_("Nom et prénom"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Indiquez votre nom.")},
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=40,
        help_text=_("Le technicien vous appelle avant de venir."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Indiquez un numéro de téléphone.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Pour recevoir la confirmation et le lien de modification."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez une adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide (exemple : nom@exemple.fr)."),
        },
    )
    message = forms.CharField(
        label=_("Message (facultatif)"),
        required=False,
        max_length=2000,
        help_text=_("Ce qui ne fonctionne pas, un code d'accès, un étage…"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, postcode: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.postcode = postcode

    def clean_name(self) -> str:
        value = " ".join(self.cleaned_data["name"].split())
        if not any(c.isalpha() for c in value):
            raise forms.ValidationError(_("Indiquez votre nom."))
        return value

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        try:
            normalize_phone(raw, region_for("FR", self.postcode))
        except InvalidPhone:
            raise forms.ValidationError(
                _("« %(value)s » n'est pas un numéro de téléphone : par exemple 06 12 34 56 78."),
                params={"value": raw},
            ) from None
        return raw.strip()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
