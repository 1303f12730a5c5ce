"""The mailbox settings form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.selectors import active_users_for
from comptoir.inbox.models import Mailbox, Security


class MailboxForm(forms.Form):
    address = forms.EmailField(
        label=_("Adresse de réception"),
        required=False,
        help_text=_("L'adresse donnée aux clients, par exemple support@votre-entreprise.fr."),
    )
    host = forms.CharField(label=_("Serveur IMAP"), required=False, max_length=200)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(label=_("Sécurité"), choices=Security.choices)
    username = forms.CharField(label=_("Identifiant"), required=False, max_length=200)
    password = forms.CharField(
        label=_("Mot de passe"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour garder le mot de passe enregistré."),
    )
    folder = forms.CharField(label=_("Dossier"), max_length=200, initial="INBOX")
    owner = forms.ModelChoiceField(
        label=_("Responsable des e-mails reçus"),
        queryset=Mailbox.objects.none(),
        required=False,
        empty_label=_("— le premier administrateur —"),
        help_text=_("Reçoit les interactions et les tâches créées par les e-mails."),
    )
    enabled = forms.BooleanField(label=_("Relever la boîte toutes les minutes"), required=False)
    create_tickets = forms.BooleanField(
        label=_("Créer une demande pour tout nouvel e-mail d'un client connu"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = active_users_for(user)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["port"].widget.attrs["inputmode"] = "numeric"
        self.fields["host"].widget.attrs["placeholder"] = "imap.exemple.fr"

    @classmethod
    def initial_for(cls, mailbox: Mailbox) -> dict[str, Any]:
        return {
            "address": mailbox.address,
            "host": mailbox.host,
            "port": mailbox.port,
            "security": mailbox.security,
            "username": mailbox.username,
            "folder": mailbox.folder,
            "owner": mailbox.owner,
            "enabled": mailbox.enabled,
            "create_tickets": mailbox.create_tickets,
        }
