"""Catalogue, checklists, intervention reports with materials and photos, needs detected on site."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the cent, halves away from zero (what an invoice shows)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class CatalogueItem(models.Model):
    """A part or a service the technician may put on a report (a minimal catalogue)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    reference = models.CharField(_("référence"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)
    unit = models.CharField(_("unité"), max_length=20, default="u")
    unit_price_ht = models.DecimalField(_("prix unitaire HT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("article du catalogue")
        verbose_name_plural = _("articles du catalogue")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "reference"], name="uniq_catalogue_ref")
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.label}"


class ChecklistItem(models.Model):
    """A point the technician checks for one service type (dépannage, VMC, IRVE…)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    service_type = models.ForeignKey(
        "scheduling.ServiceType",
        on_delete=models.CASCADE,
        related_name="checklist_items",
        verbose_name=_("type d'intervention"),
    )
    label = models.CharField(_("point de contrôle"), max_length=200)
    is_required = models.BooleanField(_("obligatoire"), default=False)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("point de contrôle")
        verbose_name_plural = _("points de contrôle")
        ordering = ["service_type", "position", "id"]

    def __str__(self) -> str:
        return self.label


class FieldSettings(models.Model):
    """Per workspace: who receives the needs technicians detect on site."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="field_settings"
    )
    sales_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable commercial"),
        help_text=_("Reçoit les besoins détectés par les techniciens."),
    )

    class Meta:
        verbose_name = _("réglages de l'application technicien")
        verbose_name_plural = _("réglages de l'application technicien")

    def __str__(self) -> str:
        return str(self.workspace)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("En cours")
    COMPLETED = "completed", _("Terminé")


def _report_path(instance: models.Model, filename: str) -> str:
    return f"field/{instance.workspace_id}/{timezone.now():%Y/%m}/{filename}"  # type: ignore[attr-defined]


class InterventionReport(models.Model):
    """What the technician did on a visit: time, work, materials, photos, checks, signature."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    visit = models.OneToOneField(
        "scheduling.Visit", on_delete=models.CASCADE, related_name="report"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("technicien"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    started_at = models.DateTimeField(_("arrivée"), null=True, blank=True)
    ended_at = models.DateTimeField(_("départ"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    work_done = models.TextField(_("travaux réalisés"), blank=True)
    # [{"label", "done", "required"}]: the checklist as it was when the report was signed.
    checklist = models.JSONField(_("points de contrôle"), default=list, blank=True)
    signer_name = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    signature = models.FileField(_("signature"), upload_to=_report_path, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    pdf = models.FileField(_("rapport PDF"), upload_to=_report_path, blank=True)
    # The id the phone gave the "Terminer" submission: a replay is recognised and answered
    # with the same result instead of being processed again.
    submission_uuid = models.UUIDField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rapport d'intervention")
        verbose_name_plural = _("rapports d'intervention")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "submission_uuid"],
                condition=Q(submission_uuid__isnull=False),
                name="uniq_report_submission",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(ended_at__gte=models.F("started_at")),
                name="report_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rapport {reference}").format(reference=self.visit.reference))

    @property
    def is_completed(self) -> bool:
        return self.status == ReportStatus.COMPLETED

    @property
    def total_ht(self) -> Decimal:
        return money(sum((line.total_ht for line in self.lines.all()), Decimal(0)))

    @property
    def total_vat(self) -> Decimal:
        """VAT summed per rate then rounded, as an invoice's VAT breakdown does."""
        by_rate: dict[Decimal, Decimal] = {}
        for line in self.lines.all():
            by_rate[line.vat_rate] = by_rate.get(line.vat_rate, Decimal(0)) + line.total_ht
        return money(sum((money(ht * rate / 100) for rate, ht in by_rate.items()), Decimal(0)))

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat


class MaterialLine(models.Model):
    """A part or service used: from the catalogue (priced) or typed freely with a quantity."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    report = models.ForeignKey(InterventionReport, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("article"),
    )
    label = models.CharField(_("désignation"), max_length=200)
    unit = models.CharField(_("unité"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2)
    unit_price_ht = models.DecimalField(
        _("prix unitaire HT"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ligne de fourniture")
        verbose_name_plural = _("lignes de fournitures")
        ordering = ["report", "position", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.label}"

    @property
    def total_ht(self) -> Decimal:
        return money(self.quantity * self.unit_price_ht)


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Avant")
    AFTER = "after", _("Après")


class ReportPhoto(models.Model):
    """A photo taken on site (compressed on the phone), before or after the work."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    report = models.ForeignKey(InterventionReport, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("moment"), max_length=8, choices=PhotoKind.choices)
    image = models.FileField(_("photo"), upload_to=_report_path)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo d'intervention")
        verbose_name_plural = _("photos d'intervention")
        ordering = ["report", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.image.name}"


class Urgency(models.TextChoices):
    LOW = "low", _("Pas pressé")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class DetectedNeedQuerySet(models.QuerySet["DetectedNeed"]):
    def converted(self) -> DetectedNeedQuerySet:
        return self.filter(opportunity__stage__outcome="won")


class DetectedNeed(models.Model):
    """A "besoin détecté": a need a technician noticed on site, turned into a sales opportunity."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    visit = models.ForeignKey(
        "scheduling.Visit", on_delete=models.CASCADE, related_name="detected_needs"
    )
    opportunity = models.OneToOneField(
        "activities.Interaction",
        on_delete=models.CASCADE,
        related_name="detected_need",
        verbose_name=_("opportunité"),
    )
    description = models.TextField(_("besoin"))
    urgency = models.CharField(
        _("urgence"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    photo = models.FileField(_("photo"), upload_to=_report_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="+"
    )
    submission_uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DetectedNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin détecté")
        verbose_name_plural = _("besoins détectés")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "submission_uuid"], name="uniq_need_submission"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]
