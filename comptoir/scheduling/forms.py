"""scheduling forms: the need of a phone booking, a move on the planning board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.scheduling.models import Channel, ServiceType

STAFF_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.STAFF.value, _("Au bureau")),
]


class BookingNeedForm(forms.Form):
    """What the caller needs: a service, a place, from when; how they asked."""

    service = forms.ModelChoiceField(
        label=_("Intervention"), queryset=ServiceType.objects.none(), empty_label=None
    )
    site = forms.ModelChoiceField(
        label=_("Site d'intervention"),
        queryset=ServiceType.objects.none(),
        required=False,
        empty_label=_("Autre adresse (code postal)"),
    )
    postcode = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("Un code postal a 5 chiffres, par ex. 74000.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    earliest = forms.DateField(
        label=_("À partir du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    urgent = forms.BooleanField(label=_("Urgent : au plus tôt"), required=False)
    channel = forms.ChoiceField(label=_("Demande reçue par"), choices=STAFF_CHANNELS)

    def __init__(
        self, *args: Any, services: QuerySet[Any], sites: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        service_field: Any = self.fields["service"]
        service_field.queryset = services
        site_field: Any = self.fields["site"]
        site_field.queryset = sites
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"
            if name in ("site", "postcode"):
                field.widget.attrs["aria-describedby"] = "place-help"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("site") and not data.get("postcode") and "postcode" not in self.errors:
            self.add_error(
                "postcode",
                _("Choisissez un site ou indiquez un code postal pour trouver un technicien."),
            )
        return data


class PlanningMoveForm(forms.Form):
    """A drag, a resize or the « Déplacer… » dialog: local ISO times and a technician."""

    start = forms.CharField(max_length=40)
    end = forms.CharField(max_length=40, required=False)
    technician = forms.IntegerField(required=False)
    duration = forms.IntegerField(required=False, min_value=5, max_value=24 * 60)
