"""Forms of messaging: editing a message template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.messaging.models import Channel, MessageTemplate


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body", "is_active"]
        labels = {
            "subject": _("Objet de l'e-mail"),
            "body": _("Texte"),
            "is_active": _("Envoyer ce message"),
        }
        widgets = {
            "subject": forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
            "body": forms.Textarea(
                attrs={"class": "form-control template-body", "rows": 14, "spellcheck": "true"}
            ),
            "is_active": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
        help_texts = {"is_active": _("Décoché : ce message n'est plus envoyé aux clients.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.channel == Channel.SMS:
            del self.fields["subject"]
            self.fields["body"].widget.attrs["rows"] = 5
        else:
            self.fields["subject"].required = True
