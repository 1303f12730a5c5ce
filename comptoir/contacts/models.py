"""Companies, people, affiliations, sites, contact points, interests and reference lists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.lib.identifiers import InvalidIdentifier, clean_siren, clean_siret, clean_vat
from comptoir.lib.phone import format_phone
from comptoir.lib.text import fold


class WorkspaceQuerySet(models.QuerySet):
    def in_workspace(self, workspace_id: int | None) -> WorkspaceQuerySet:
        return self.filter(workspace_id=workspace_id)


# --- Reference lists (admin-editable, seeded with French defaults) -------------------------


class ReferenceItem(models.Model):
    """An entry of a workspace's reference list."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("libellé"), max_length=120)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LegalForm(ReferenceItem):
    """Forme juridique (SARL, SAS…)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("forme juridique")
        verbose_name_plural = _("formes juridiques")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_legalform_name")
        ]


class Industry(ReferenceItem):
    """Secteur d'activité."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_industry_name")
        ]


class Domain(ReferenceItem):
    """Domaine; an entry with a parent is a sous-domaine."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("domaine parent"),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "parent", "name"], name="uniq_domain_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name


class JobTitle(ReferenceItem):
    """Fonction."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("fonction")
        verbose_name_plural = _("fonctions")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_jobtitle_name")
        ]


class Source(ReferenceItem):
    """Origine du contact (bouche-à-oreille, site web…)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("origine")
        verbose_name_plural = _("origines")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_source_name")
        ]


class Interest(ReferenceItem):
    """Centre d'intérêt: a segmentation tag."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("centre d'intérêt")
        verbose_name_plural = _("centres d'intérêt")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_interest_name")
        ]


# --- Customers ---------------------------------------------------------------------------


class Address(models.Model):
    """Postal address fields shared by companies, people and sites."""

    street = models.CharField(_("adresse"), max_length=200, blank=True)
    street2 = models.CharField(_("complément"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.street, self.street2, place) if p)


class Category(models.TextChoices):
    CLIENT = "client", _("Client")
    PROSPECT = "prospect", _("Prospect")
    PARTNER = "partner", _("Partenaire")
    SUPPLIER = "supplier", _("Fournisseur")


class Company(Address):
    """Société: a customer, prospect, partner or supplier organisation."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("raison sociale"), max_length=200)
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        verbose_name=_("forme juridique"),
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("n° TVA intracommunautaire"), max_length=20, blank=True)
    industry = models.ForeignKey(
        Industry, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("secteur")
    )
    domain = models.ForeignKey(
        Domain,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domaine"),
    )
    subdomain = models.ForeignKey(
        Domain,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sous-domaine"),
    )
    source = models.ForeignKey(
        Source, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("origine")
    )
    category = models.CharField(
        _("catégorie"), max_length=10, choices=Category.choices, default=Category.CLIENT
    )
    website = models.URLField(_("site web"), blank=True)
    notes = models.TextField(_("remarques"), blank=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="companies", verbose_name=_("centres d'intérêt")
    )
    external_ref = models.CharField(_("référence externe"), max_length=100, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("société")
        verbose_name_plural = _("sociétés")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["workspace", "search_name"]),
            models.Index(fields=["workspace", "siren"]),
            models.Index(fields=["workspace", "siret"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field, cleaner, message in (
            (
                "siren",
                clean_siren,
                _("SIREN invalide : 9 chiffres avec une clé de contrôle juste."),
            ),
            (
                "siret",
                clean_siret,
                _("SIRET invalide : 14 chiffres avec une clé de contrôle juste."),
            ),
            ("vat_number", clean_vat, _("Numéro de TVA intracommunautaire invalide.")),
        ):
            raw = getattr(self, field)
            if raw:
                try:
                    setattr(self, field, cleaner(raw))
                except InvalidIdentifier:
                    errors[field] = str(message)
        if self.siret and "siret" not in errors:
            if not self.siren:
                self.siren = self.siret[:9]
            elif "siren" not in errors and self.siret[:9] != self.siren:
                errors["siret"] = str(_("Le SIRET doit commencer par le SIREN de la société."))
        if self.subdomain is not None and self.subdomain.parent_id != self.domain_id:
            errors["subdomain"] = str(_("Ce sous-domaine n'appartient pas au domaine choisi."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("contacts:company_detail", args=[self.pk])


class Civility(models.TextChoices):
    MR = "M.", _("M.")
    MRS = "Mme", _("Mme")


class Person(Address):
    """Personne: a human, customer in their own right or working for companies."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    civility = models.CharField(_("civilité"), max_length=4, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    job_title = models.ForeignKey(
        JobTitle, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("fonction")
    )
    birthday = models.DateField(_("date de naissance"), null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("origine")
    )
    category = models.CharField(
        _("catégorie"), max_length=10, choices=Category.choices, default=Category.CLIENT
    )
    notes = models.TextField(_("remarques"), blank=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="people", verbose_name=_("centres d'intérêt")
    )
    external_ref = models.CharField(_("référence externe"), max_length=100, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["workspace", "search_name"]),
            models.Index(fields=["workspace", "last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)

    def clean(self) -> None:
        if self.birthday and self.birthday > timezone.localdate():
            raise ValidationError(
                {"birthday": _("La date de naissance ne peut pas être dans le futur.")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # "dupont pierre" and "pierre dupont" both start a word: search matches word starts.
        self.search_name = fold(f"{self.last_name} {self.first_name} {self.last_name}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("contacts:person_detail", args=[self.pk])


class AffiliationQuerySet(WorkspaceQuerySet):
    def current(self) -> AffiliationQuerySet:
        today = timezone.localdate()
        return self.filter(Q(end__isnull=True) | Q(end__gte=today))

    def past(self) -> AffiliationQuerySet:
        return self.filter(end__lt=timezone.localdate())


class Affiliation(models.Model):
    """A person works (or worked) for a company, in a role, between two dates."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(_("rôle"), max_length=120, blank=True)
    job_title = models.ForeignKey(
        JobTitle, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("fonction")
    )
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    is_primary = models.BooleanField(_("contact principal"), default=False)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="affiliation_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.company}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La date de fin doit suivre la date de début.")})

    @property
    def is_current(self) -> bool:
        return self.end is None or self.end >= timezone.localdate()


class Site(Address):
    """Lieu d'intervention: where work happens. The payer and the occupant may differ."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("nom du site"), max_length=200, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("société cliente"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("client particulier"),
    )
    occupant = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occupied_sites",
        verbose_name=_("occupant"),
    )
    occupant_name = models.CharField(_("nom de l'occupant"), max_length=200, blank=True)
    access_notes = models.TextField(_("consignes d'accès"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_primary = models.BooleanField(_("site principal"), default=False)
    external_ref = models.CharField(_("référence externe"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_primary", "name", "id"]
        indexes = [models.Index(fields=["workspace", "postcode"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False) | Q(person__isnull=False),
                name="site_has_customer",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.address_line or f"Site {self.pk}"

    def clean(self) -> None:
        if self.company_id is None and self.person_id is None:
            raise ValidationError(
                {"company": _("Indiquez le client (société ou particulier) du site.")}
            )

    @property
    def customer(self) -> Company | Person | None:
        return self.company or self.person


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")


class ContactLabel(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Fixe")
    WORK = "work", _("Travail")
    HOME = "home", _("Domicile")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Autre")


class ContactPoint(models.Model):
    """A phone number or e-mail of a person, company or site: as typed and normalized."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=5, choices=ContactKind.choices)
    label = models.CharField(
        _("libellé"), max_length=10, choices=ContactLabel.choices, default=ContactLabel.OTHER
    )
    value = models.CharField(_("valeur saisie"), max_length=254)
    normalized = models.CharField(_("valeur normalisée"), max_length=254)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="contact_points"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="contact_points"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="contact_points"
    )
    is_primary = models.BooleanField(_("principal"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordonnée")
        verbose_name_plural = _("coordonnées")
        ordering = ["-is_primary", "kind", "id"]
        indexes = [models.Index(fields=["workspace", "kind", "normalized"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, company__isnull=True, site__isnull=True)
                    | Q(person__isnull=True, company__isnull=False, site__isnull=True)
                    | Q(person__isnull=True, company__isnull=True, site__isnull=False)
                ),
                name="contactpoint_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return format_phone(self.normalized) if self.kind == ContactKind.PHONE else self.normalized

    @property
    def href(self) -> str:
        scheme = "tel" if self.kind == ContactKind.PHONE else "mailto"
        return f"{scheme}:{self.normalized}"
