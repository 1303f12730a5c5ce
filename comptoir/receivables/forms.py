"""Forms of receivables: the accounting file to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des échéances ouvertes (CSV)"),
        help_text=_(
            "Export CSV de la comptabilité (SAGE, EBP…) : séparateur point-virgule ou virgule, "
            "UTF-8 ou Windows-1252. Colonnes : client (code ou nom), e-mail ou téléphone "
            "(facultatifs), n° facture, date, échéance, montant dû."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,text/csv", "class": "form-control"}
        ),
    )
