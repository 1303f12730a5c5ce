"""Forms of dedupe: the workspace's thresholds."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.dedupe.models import DedupeSettings
from comptoir.dedupe.services import AUTO_MERGE_RANGE, REVIEW_RANGE

AUTO_MIN, AUTO_MAX = AUTO_MERGE_RANGE
REVIEW_MIN, REVIEW_MAX = REVIEW_RANGE


class DedupeSettingsForm(forms.ModelForm):
    auto_merge_threshold = forms.IntegerField(
        label=_("Seuil de fusion automatique"),
        min_value=AUTO_MIN,
        max_value=AUTO_MAX,
        help_text=_(
            "À l'import, une ligne dont le score atteint ce seuil est rattachée sans question "
            "à la fiche existante, qui est complétée (téléphones, e-mails, champs vides). "
            "Plus le seuil est haut, moins il y a de rattachements, et moins d'erreurs : "
            "à 95 (réglage d'origine), il faut un nom proche et le même téléphone, e-mail "
            "ou SIREN ; à 100, seules des fiches quasi identiques sont rattachées."
        ),
        widget=forms.NumberInput(
            attrs={"step": 1, "inputmode": "numeric", "class": "form-control form-control-sm"}
        ),
    )
    review_threshold = forms.IntegerField(
        label=_("Seuil de la file des doublons"),
        min_value=REVIEW_MIN,
        max_value=REVIEW_MAX,
        help_text=_(
            "Une paire de fiches dont le score atteint ce seuil (sans atteindre la fusion "
            "automatique) est proposée dans la file « Doublons » pour que quelqu'un décide. "
            "Plus bas, la file montre plus de paires, dont des faux doublons ; plus haut, "
            "elle en montre moins mais peut en oublier. Réglage d'origine : 60."
        ),
        widget=forms.NumberInput(
            attrs={"step": 1, "inputmode": "numeric", "class": "form-control form-control-sm"}
        ),
    )

    class Meta:
        model = DedupeSettings
        fields = ["auto_merge_threshold", "review_threshold"]
