"""Forms of the scheduling settings: a technician's profile, hours and absences; skills, service
types, booking rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.scheduling.models import (
    DEFAULT_CAPACITY_MINUTES,
    BookingSettings,
    CapacityProfile,
    Skill,
    WorkingHours,
)
from comptoir.scheduling.settings_services import MAX_PERIODS_PER_DAY, Period, hours_errors

WEEKDAYS = [
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
]


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput
        ):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif getattr(widget, "input_type", "") == "color":
            widget.attrs.setdefault("class", "form-control form-control-sm form-control-color")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class TechnicianForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Compétences"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    home_postcode = forms.RegexField(
        label=_("Code postal de départ"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("Un code postal a 5 chiffres, par ex. 74000.")},
        help_text=_("Les coordonnées sont retrouvées à partir du code postal."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    zone_postcodes = forms.CharField(
        label=_("Zone (codes postaux)"),
        required=False,
        max_length=500,
        help_text=_("Départements ou codes postaux séparés par des virgules : 74, 73, 01700."),
    )
    zone_radius_km = forms.IntegerField(
        label=_("Ou rayon d'intervention (km)"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Autour du code postal de départ. Vide : la zone seule compte."),
    )
    capacity_profile = forms.ChoiceField(
        label=_("Profil"),
        choices=CapacityProfile.choices,
        help_text=_("Choisir un profil propose sa capacité par défaut, modifiable."),
    )
    daily_capacity_minutes = forms.IntegerField(
        label=_("Capacité quotidienne (minutes)"),
        min_value=30,
        max_value=720,
        help_text=_("Temps maximal de rendez-vous planifiés par jour."),
    )
    color = forms.RegexField(
        label=_("Couleur sur le planning"),
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": _("Une couleur au format #0b5cad.")},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    is_active = forms.BooleanField(label=_("Réservable (actif)"), required=False)

    def __init__(self, *args: Any, skills: QuerySet[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["skills"]
        field.queryset = skills
        profile: Any = self.fields["capacity_profile"].widget
        profile.attrs["data-capacity-defaults"] = ",".join(
            f"{key}:{minutes}" for key, minutes in DEFAULT_CAPACITY_MINUTES.items()
        )
        style(self)

    def clean_zone_postcodes(self) -> str:
        raw: str = self.cleaned_data["zone_postcodes"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        bad = [p for p in parts if not p.isdigit() or len(p) > 5]
        if bad:
            raise forms.ValidationError(
                _("Pas un début de code postal : %(bad)s.") % {"bad": ", ".join(bad)}
            )
        return ", ".join(parts)


class HoursForm(forms.Form):
    """A week of working hours: up to two periods per day, each a start and an end."""

    def __init__(self, *args: Any, hours: list[WorkingHours] | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {}
        by_day: dict[int, list[WorkingHours]] = {}
        for row in hours or []:
            by_day.setdefault(row.weekday, []).append(row)
        for day, rows in by_day.items():
            for index, row in enumerate(sorted(rows, key=lambda r: r.starts)[:2]):
                initial[f"d{day}_{index}_start"] = row.starts
                initial[f"d{day}_{index}_end"] = row.ends
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.day_errors = {}
        for day in range(7):
            for index in range(MAX_PERIODS_PER_DAY):
                for end, text in (("start", _("début")), ("end", _("fin"))):
                    self.fields[f"d{day}_{index}_{end}"] = forms.TimeField(
                        label=f"{WEEKDAYS[day]}, {_('plage')} {index + 1}, {text}",
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
                        error_messages={"invalid": _("Une heure comme 08:30.")},
                    )
        style(self)

    def days(self) -> list[dict[str, Any]]:
        """Rows for the template: the day, its bound fields, its errors."""
        rows = []
        for day in range(7):
            periods = [
                (self[f"d{day}_{i}_start"], self[f"d{day}_{i}_end"])
                for i in range(MAX_PERIODS_PER_DAY)
            ]
            errors = [e for start, end in periods for e in (*start.errors, *end.errors)]
            rows.append(
                {
                    "day": day,
                    "label": WEEKDAYS[day],
                    "periods": periods,
                    "errors": errors + list(self.day_errors.get(day, [])),
                }
            )
        return rows

    day_errors: dict[int, list[str]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.day_errors = {}
        week: dict[int, list[Period]] = {}
        for day in range(7):
            periods: list[Period] = []
            for index in range(MAX_PERIODS_PER_DAY):
                start = data.get(f"d{day}_{index}_start")
                end = data.get(f"d{day}_{index}_end")
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.day_errors.setdefault(day, []).append(
                        str(_("Plage %(n)s : indiquez le début et la fin.") % {"n": index + 1})
                    )
                    continue
                periods.append((start, end))
            week[day] = periods
        for day, problems in hours_errors(week).items():
            self.day_errors.setdefault(day, []).extend(problems)
        if self.day_errors:
            raise forms.ValidationError(
                _("Horaires non enregistrés : corrigez les jours signalés.")
            )
        self.week = week
        return data

    week: dict[int, list[Period]]


class AbsenceForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Congés, formation…")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and end <= start:
            self.add_error("ends_at", _("La fin de l'absence doit être après son début."))
        return data


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Nom de la compétence"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ServiceTypeForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Identifiant court utilisé par l'API et le site web : depannage."),
        error_messages={"invalid": _("Lettres minuscules, chiffres et tirets seulement.")},
    )
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=5, max_value=720)
    buffer_minutes = forms.IntegerField(
        label=_("Battement (minutes)"),
        min_value=0,
        max_value=240,
        help_text=_("Temps réservé après le rendez-vous (rangement, compte rendu)."),
    )
    skill = forms.ModelChoiceField(
        label=_("Compétence requise"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label=_("Aucune"),
    )
    price_label = forms.CharField(
        label=_("Indication de prix"),
        max_length=120,
        required=False,
        help_text=_("Montré au client en ligne. Ex. : 49,00 € TTC"),
    )
    position = forms.IntegerField(
        label=_("Ordre d'affichage"), min_value=0, max_value=9999, required=False
    )
    bookable_online = forms.BooleanField(label=_("Réservable en ligne"), required=False)
    is_urgent = forms.BooleanField(label=_("Urgence (au plus tôt)"), required=False)
    is_active = forms.BooleanField(label=_("Proposée (active)"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, skills: QuerySet[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["skill"]
        field.queryset = skills
        style(self)

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0


BOOKING_HELP = {
    "online_enabled": _("Fermée, la page publique l'indique et propose d'appeler."),
    "min_notice_hours": _("Un client en ligne ne peut pas réserver plus tôt que ce délai."),
    "change_notice_hours": _(
        "Le lien reçu par le client permet de déplacer ou d'annuler jusqu'à ce délai."
    ),
    "horizon_days": _("Jusqu'où les créneaux en ligne sont proposés."),
    "slot_step_minutes": _("Les créneaux commencent toutes les … minutes (30 : 8 h, 8 h 30…)."),
    "reminder_day_before_hour": _("Heure d'envoi du rappel la veille (0 à 23)."),
    "reminder_same_day_hour": _("Heure d'envoi du rappel le matin même (0 à 23)."),
    "average_speed_kmh": _("Sert à estimer les trajets entre deux interventions."),
}


class BookingSettingsForm(forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = list(BOOKING_HELP)
        help_texts = BOOKING_HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = {
            "min_notice_hours": (0, 720),
            "change_notice_hours": (0, 720),
            "horizon_days": (1, 365),
            "slot_step_minutes": (5, 240),
            "reminder_day_before_hour": (0, 23),
            "reminder_same_day_hour": (0, 23),
            "average_speed_kmh": (5, 130),
        }
        for name, (low, high) in limits.items():
            field: Any = self.fields[name]
            field.min_value, field.max_value = low, high
            field.widget.attrs.update({"min": low, "max": high})
            field.validators += [
                _min_validator(low),
                _max_validator(high),
            ]
        style(self)

    def _post_clean(self) -> None:
        """Validation is the service's: the instance is left untouched here."""


def _min_validator(low: int) -> Any:
    from django.core.validators import MinValueValidator

    return MinValueValidator(low, message=_("Au moins %(limit_value)s."))


def _max_validator(high: int) -> Any:
    from django.core.validators import MaxValueValidator

    return MaxValueValidator(high, message=_("Au plus %(limit_value)s."))
