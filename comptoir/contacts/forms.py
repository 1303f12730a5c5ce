"""Forms of contacts: parse HTTP input, services validate and write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.contacts import selectors
from comptoir.contacts.models import (
    Category,
    Civility,
    Company,
    ContactKind,
    ContactLabel,
    Domain,
    Industry,
    Interest,
    JobTitle,
    LegalForm,
    Person,
    Site,
    Source,
)
from comptoir.contacts.services import ContactPointInput, normalize_contact
from comptoir.lib import normalize
from comptoir.lib.text import strip_spaces

COUNTRY_CHOICES = [
    ("FR", _("France (métropole et outre-mer)")),
    ("BE", _("Belgique")),
    ("CH", _("Suisse")),
    ("LU", _("Luxembourg")),
    ("MC", _("Monaco")),
    ("DE", _("Allemagne")),
    ("ES", _("Espagne")),
    ("IT", _("Italie")),
    ("PT", _("Portugal")),
    ("NL", _("Pays-Bas")),
    ("GB", _("Royaume-Uni")),
]
ADDRESS_FIELDS = ["street", "street2", "postcode", "city", "country"]
PHONE_ROWS = 3
EMAIL_ROWS = 2


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's French errors beside the fields they concern (others on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget; "—" for an empty choice."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
            field.empty_label = "—"
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


class AccessibleErrorsMixin:
    """Fields with an error say so to screen readers and point at their message."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: Any = self
        for name in form.errors:
            if name in form.fields:
                attrs = form.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = [attrs.get("aria-describedby", ""), f"{form[name].id_for_label}-error"]
                attrs["aria-describedby"] = " ".join(d for d in described if d)


def _choices_of(model: type[Any], user: Any, current_id: int | None) -> QuerySet[Any]:
    """Active entries of a reference list; an inactive one stays offered where it is in use."""
    active = Q(is_active=True)
    if current_id:
        active |= Q(pk=current_id)
    return model.objects.filter(workspace_id=user.workspace_id).filter(active)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- Companies and people --------------------------------------------------------------------


@dataclass
class ContactRow:
    """One phone or e-mail line of a creation form, with what already exists elsewhere."""

    field: forms.BoundField
    label_field: forms.BoundField | None
    duplicate: Person | Company | None


class CustomerForm(AccessibleErrorsMixin, forms.ModelForm):
    """Shared by companies and people: reference lists of the workspace, phones and e-mails."""

    reference_fields: dict[str, type[Any]] = {}

    def __init__(self, *args: Any, user: Any, with_contacts: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.with_contacts = with_contacts
        self.duplicates: dict[str, Person | Company] = {}
        self.contact_inputs: list[ContactPointInput] = []
        for name, model in self.reference_fields.items():
            current = getattr(self.instance, f"{name}_id", None)
            self.fields[name].queryset = _choices_of(model, user, current)  # type: ignore[attr-defined]
        current_interests = (
            [i.pk for i in self.instance.interests.all()] if self.instance.pk else []
        )
        self.fields["interests"].queryset = Interest.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk__in=current_interests), workspace_id=user.workspace_id
        )
        self.fields["country"] = forms.ChoiceField(
            label=_("Pays"), choices=self._country_choices(), initial="FR"
        )
        if with_contacts:
            self._add_contact_fields()
        _style(self)

    def _country_choices(self) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = list(COUNTRY_CHOICES)
        current = self.instance.country
        if current and current not in dict(choices):
            choices.append((current, current))
        return choices

    @staticmethod
    def _live_check(name: str) -> dict[str, Any]:
        """HTMX attributes: warn while typing when another record already has this value."""
        return {
            "hx-get": reverse_lazy("contacts:duplicate_check"),
            "hx-trigger": "keyup changed delay:500ms, change",
            "hx-target": f"#dup-{name}",
            "hx-include": "[name=country],[name=postcode]",
            "hx-sync": "this:replace",
            "aria-describedby": f"dup-{name}",
        }

    def _add_contact_field(self, name: str, label: str, *, max_length: int, **attrs: str) -> None:
        """An optional phone or e-mail input, checked against other records while typing."""
        self.fields[name] = forms.CharField(
            label=label,
            required=False,
            max_length=max_length,
            widget=forms.TextInput(attrs={**attrs, **self._live_check(name)}),
        )

    def _add_contact_fields(self) -> None:
        labels = [ContactLabel.MOBILE, ContactLabel.LANDLINE, ContactLabel.WORK]
        label_choices = [
            (c, label) for c, label in ContactLabel.choices if c != ContactLabel.OTHER
        ] + [(ContactLabel.OTHER, ContactLabel.OTHER.label)]
        for n in range(1, PHONE_ROWS + 1):
            self._add_contact_field(
                f"phone_{n}",
                _("Téléphone %(n)s") % {"n": n},
                max_length=40,
                type="tel",
                autocomplete="tel",
                inputmode="tel",
            )
            self.fields[f"phone_{n}_label"] = forms.ChoiceField(
                label=_("Type du téléphone %(n)s") % {"n": n},
                choices=label_choices,
                initial=labels[n - 1],
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm phone-label"}),
            )
        for n in range(1, EMAIL_ROWS + 1):
            self._add_contact_field(
                f"email_{n}",
                _("E-mail %(n)s") % {"n": n},
                max_length=254,
                type="email",
                autocomplete="email",
            )
        self.fields["create_anyway"] = forms.BooleanField(
            label=_("Créer quand même"), required=False
        )

    # Rows for the template: field, its label select, the record that already has the value.
    def phone_rows(self) -> list[ContactRow]:
        return [
            ContactRow(
                self[f"phone_{n}"],
                self[f"phone_{n}_label"],
                self.duplicates.get(f"phone_{n}"),
            )
            for n in range(1, PHONE_ROWS + 1)
        ]

    def email_rows(self) -> list[ContactRow]:
        return [
            ContactRow(self[f"email_{n}"], None, self.duplicates.get(f"email_{n}"))
            for n in range(1, EMAIL_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.with_contacts:
            return data
        country = data.get("country") or "FR"
        postcode = (data.get("postcode") or "").strip()
        inputs: list[ContactPointInput] = []
        normalized_by_field: dict[str, str] = {}
        rows = [(f"phone_{n}", ContactKind.PHONE) for n in range(1, PHONE_ROWS + 1)]
        rows += [(f"email_{n}", ContactKind.EMAIL) for n in range(1, EMAIL_ROWS + 1)]
        for name, kind in rows:
            value = (data.get(name) or "").strip()
            if not value:
                continue
            try:
                normalized = normalize_contact(kind, value, country=country, postcode=postcode)
            except ValidationError as exc:
                self.add_error(name, exc.messages)
                continue
            if normalized in normalized_by_field.values():
                self.add_error(name, _("Cette coordonnée est déjà saisie plus haut."))
                continue
            normalized_by_field[name] = normalized
            label = data.get(f"{name}_label") or ContactLabel.OTHER
            inputs.append(ContactPointInput(kind=kind, value=value, label=label, field=name))
        self.contact_inputs = inputs
        if normalized_by_field:
            owners = selectors.duplicate_owners(
                self.user,
                phones=[v for k, v in normalized_by_field.items() if k.startswith("phone")],
                emails=[v for k, v in normalized_by_field.items() if k.startswith("email")],
            )
            self.duplicates = {
                field: owners[value]
                for field, value in normalized_by_field.items()
                if value in owners
            }
        if self.duplicates and not data.get("create_anyway"):
            raise ValidationError(
                _(
                    "Un client a déjà ce numéro ou cette adresse e-mail. Ouvrez sa fiche, "
                    "ou cochez « Créer quand même » pour créer une nouvelle fiche."
                ),
                code="duplicate",
            )
        return data

    # What people type is saved cleaned: "R. de la Paix" → "rue de la Paix", "LYON" → "Lyon".
    def clean_street(self) -> str:
        return normalize.normalize_street(self.cleaned_data.get("street") or "")

    def clean_city(self) -> str:
        return normalize.case_city(self.cleaned_data.get("city") or "")

    def clean_postcode(self) -> str:
        return normalize.normalize_postcode(
            self.cleaned_data.get("postcode") or "",
            self.data.get(self.add_prefix("country")) or "FR",
        )

    def model_fields(self) -> dict[str, Any]:
        """The cleaned values of the model's own fields, for the services."""
        meta_fields = self._meta.fields or []
        return {name: self.cleaned_data[name] for name in meta_fields}


def _identifier_field(label: Any, max_length: int, **attrs: Any) -> forms.CharField:
    """Identifiers are typed with spaces or dots ("732 829 320 00074"): accept them."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs}),
    )


class CompanyForm(CustomerForm):
    siren = _identifier_field(_("SIREN"), 20, inputmode="numeric")
    siret = _identifier_field(_("SIRET"), 30, inputmode="numeric")
    vat_number = _identifier_field(_("N° TVA intracommunautaire"), 30)
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    reference_fields = {
        "legal_form": LegalForm,
        "industry": Industry,
        "domain": Domain,
        "subdomain": Domain,
        "source": Source,
    }

    class Meta:
        model = Company
        fields = [
            "name",
            "category",
            "legal_form",
            "siren",
            "siret",
            "vat_number",
            "industry",
            "domain",
            "subdomain",
            "source",
            "website",
            *ADDRESS_FIELDS,
            "interests",
            "external_ref",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domain_field: Any = self.fields["domain"]
        subdomain_field: Any = self.fields["subdomain"]
        domain_field.queryset = domain_field.queryset.filter(parent__isnull=True)
        domain_field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("contacts:subdomain_options"),
                "hx-trigger": "change",
                "hx-target": f"#{self['subdomain'].id_for_label}",
                "hx-swap": "innerHTML",
            }
        )
        if self.is_bound:
            domain_id = _int_or_none(self.data.get(self.add_prefix("domain")))
        else:
            domain_id = self.initial.get("domain") or self.instance.domain_id
        subdomain_field.queryset = subdomain_field.queryset.filter(
            parent_id=domain_id, parent__isnull=False
        )
        subdomain_field.label_from_instance = lambda domain: domain.name
        subdomain_field.empty_label = (
            _("— Choisissez d'abord un domaine —") if not domain_id else "—"
        )
        self.fields["siret"].help_text = _("14 chiffres ; le SIREN est déduit du SIRET.")
        self.fields["vat_number"].help_text = _("Exemple : FR40303265045")

    def clean_siren(self) -> str:
        return strip_spaces(self.cleaned_data["siren"]).replace(".", "")

    def clean_siret(self) -> str:
        return strip_spaces(self.cleaned_data["siret"]).replace(".", "")

    def clean_vat_number(self) -> str:
        return strip_spaces(self.cleaned_data["vat_number"]).replace(".", "").upper()


class PersonForm(CustomerForm):
    reference_fields = {"job_title": JobTitle, "source": Source}

    class Meta:
        model = Person
        fields = [
            "civility",
            "first_name",
            "last_name",
            "job_title",
            "birthday",
            "source",
            "category",
            *ADDRESS_FIELDS,
            "interests",
            "external_ref",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.CheckboxSelectMultiple,
            "birthday": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        civility: Any = self.fields["civility"]
        civility.choices = [("", "—"), *Civility.choices]
        if self.with_contacts:
            self.fields["company"] = forms.ModelChoiceField(
                label=_("Société"),
                queryset=selectors.companies_for(self.user),
                required=False,
                widget=forms.HiddenInput,
            )
            self.fields["role"] = forms.CharField(
                label=_("Rôle dans la société"),
                required=False,
                max_length=120,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "placeholder": _("ex. : Gérant"),
                    }
                ),
            )

    def clean_first_name(self) -> str:
        return normalize.case_name(self.cleaned_data.get("first_name") or "")

    def clean_last_name(self) -> str:
        return normalize.case_name(self.cleaned_data.get("last_name") or "")

    def chosen_company(self) -> Company | None:
        """The company picked (or passed in the URL), to show it checked again."""
        if "company" not in self.fields:
            return None
        if self.is_bound:
            value = self.cleaned_data.get("company") if hasattr(self, "cleaned_data") else None
            if value is None:
                pk = _int_or_none(self.data.get(self.add_prefix("company")))
                value = selectors.companies_for(self.user).filter(pk=pk).first() if pk else None
            return value
        initial = self.initial.get("company")
        return initial if isinstance(initial, Company) else None


def category_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in Category.choices]


# --- Contact points, affiliations, sites ----------------------------------------------------


class ContactPointForm(AccessibleErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ContactKind.choices)
    label = forms.ChoiceField(
        label=_("Libellé"), choices=ContactLabel.choices, initial=ContactLabel.MOBILE
    )
    value = forms.CharField(label=_("Numéro ou adresse"), max_length=254)
    is_primary = forms.BooleanField(label=_("Principal"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class AffiliationForm(AccessibleErrorsMixin, forms.Form):
    """Attach a person to a company: from the person's page (pick a company) or the reverse."""

    role = forms.CharField(label=_("Rôle"), max_length=120, required=False)
    job_title = forms.ModelChoiceField(
        label=_("Fonction"), queryset=JobTitle.objects.none(), required=False
    )
    start = forms.DateField(label=_("Début"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Fin"), required=False, widget=DateInput())
    is_primary = forms.BooleanField(label=_("Contact principal"), required=False)

    def __init__(self, *args: Any, user: Any, pick: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.pick = pick
        job_title: Any = self.fields["job_title"]
        job_title.queryset = _choices_of(JobTitle, user, None)
        if pick == "company":
            self.fields["company"] = forms.ModelChoiceField(
                label=_("Société"),
                queryset=selectors.companies_for(user),
                widget=forms.HiddenInput,
                error_messages={"required": _("Choisissez la société.")},
            )
        else:
            self.fields["person"] = forms.ModelChoiceField(
                label=_("Personne"),
                queryset=selectors.people_for(user),
                widget=forms.HiddenInput,
                error_messages={"required": _("Choisissez la personne.")},
            )
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La date de fin doit suivre la date de début."))
        return data


class AffiliationEndForm(AccessibleErrorsMixin, forms.Form):
    end = forms.DateField(label=_("Date de fin"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"end": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _style(self)


class SiteForm(AccessibleErrorsMixin, forms.ModelForm):
    """A site of a customer; the customer pays, the occupant lives or works there."""

    class Meta:
        model = Site
        fields = [
            "name",
            *ADDRESS_FIELDS,
            "occupant",
            "occupant_name",
            "access_notes",
            "is_primary",
            "latitude",
            "longitude",
            "external_ref",
        ]
        widgets = {
            "access_notes": forms.Textarea(attrs={"rows": 3}),
            "occupant": forms.HiddenInput,
        }

    def __init__(self, *args: Any, user: Any, with_customer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.with_customer = with_customer
        occupant: Any = self.fields["occupant"]
        occupant.queryset = selectors.people_for(user)
        self.fields["country"] = forms.ChoiceField(
            label=_("Pays"), choices=COUNTRY_CHOICES, initial="FR"
        )
        self.fields["access_notes"].help_text = _("Digicode, étage, clés, animaux…")
        if with_customer:
            self.fields["company"] = forms.ModelChoiceField(
                label=_("Société cliente"),
                queryset=selectors.companies_for(user),
                required=False,
                widget=forms.HiddenInput,
            )
            self.fields["person"] = forms.ModelChoiceField(
                label=_("Client particulier"),
                queryset=selectors.people_for(user),
                required=False,
                widget=forms.HiddenInput,
            )
        _style(self)

    def clean_street(self) -> str:
        return normalize.normalize_street(self.cleaned_data.get("street") or "")

    def clean_city(self) -> str:
        return normalize.case_city(self.cleaned_data.get("city") or "")

    def _post_clean(self) -> None:
        # The service validates the site with its customer; the instance stays untouched here.
        pass

    def picked(self, name: str) -> Any:
        """The person or company chosen in a picker, to show it checked after an error."""
        if name not in self.fields:
            return None
        if self.is_bound:
            pk = _int_or_none(self.data.get(self.add_prefix(name)))
            if not pk:
                return None
            qs = (
                selectors.companies_for(self.user)
                if name == "company"
                else selectors.people_for(self.user)
            )
            return qs.filter(pk=pk).first()
        value = self.initial.get(name)
        if value is None and name == "occupant":
            return self.instance.occupant if self.instance.pk else None
        return value

    def picked_company(self) -> Any:
        return self.picked("company")

    def picked_person(self) -> Any:
        return self.picked("person")

    def picked_occupant(self) -> Any:
        return self.picked("occupant")

    def model_fields(self) -> dict[str, Any]:
        meta_fields = self._meta.fields or []
        return {name: self.cleaned_data[name] for name in meta_fields}


# --- Reference lists ---------------------------------------------------------------------------


class ReferenceItemForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Libellé"), max_length=120)

    def __init__(self, *args: Any, parents: QuerySet[Domain] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"] = forms.ModelChoiceField(
                label=_("Domaine parent"),
                queryset=parents,
                required=False,
                empty_label=_("— Aucun (domaine principal) —"),
            )
        _style(self)
