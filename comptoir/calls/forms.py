"""The short form that turns an unknown caller into a customer."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.contacts.models import Civility


class QuickCustomerForm(forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100)

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's errors beside their fields (the others on top of the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
