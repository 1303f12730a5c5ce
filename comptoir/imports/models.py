"""Import jobs, saved column mappings, and what each imported row became."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    COMPANIES = "companies", _("Sociétés")
    PEOPLE = "people", _("Personnes")
    SITES = "sites", _("Sites")
    INTERACTIONS = "interactions", _("Interactions")


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échoué")
    UNDONE = "undone", _("Annulé")


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def unfinished(self) -> ImportJobQuerySet:
        return self.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


class ImportJob(models.Model):
    """One file imported into a workspace: its format, mapping, progress and outcome."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("type de fiches"), max_length=12, choices=ImportKind.choices)
    source = models.CharField(
        _("source"),
        max_length=60,
        help_text=_("Le logiciel d'où vient le fichier : « ERP MDE », « SAGE », « Excel »…"),
    )
    file = models.FileField(_("fichier"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    encoding = models.CharField(_("encodage"), max_length=20, blank=True)
    delimiter = models.CharField(_("séparateur"), max_length=1, blank=True)
    header_row = models.PositiveIntegerField(_("ligne d'en-tête"), default=0)
    columns = models.JSONField(_("colonnes"), default=list, blank=True)
    mapping = models.JSONField(_("correspondance"), default=dict, blank=True)
    dry_run = models.BooleanField(_("simulation"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT
    )
    rows_total = models.PositiveIntegerField(_("lignes"), default=0)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    created_count = models.PositiveIntegerField(_("créées"), default=0)
    updated_count = models.PositiveIntegerField(_("mises à jour"), default=0)
    skipped_count = models.PositiveIntegerField(_("inchangées"), default=0)
    error_count = models.PositiveIntegerField(_("erreurs"), default=0)
    errors = models.JSONField(_("erreurs"), default=list, blank=True)
    failure = models.TextField(_("cause de l'échec"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written with every committed batch: a job "running" without a recent heartbeat was
    # interrupted (worker killed) and is resumed from ``rows_done``.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    # After the rows, the records the job created are compared with the rest of the base:
    # progress of that pass, and how many pairs it put in the review queue.
    dedupe_done = models.PositiveIntegerField(default=0)
    dedupe_total = models.PositiveIntegerField(default=0)
    duplicates_found = models.PositiveIntegerField(_("doublons possibles"), default=0)
    # A large import hands the search over to a scan of the whole base (dedupe's ScanJob).
    duplicates_scan_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.source} · {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))

    @property
    def is_active(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING}


class SavedMapping(models.Model):
    """A reusable column mapping ("Export clients SAGE"), chosen by name."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("nom"), max_length=100)
    kind = models.CharField(_("type de fiches"), max_length=12, choices=ImportKind.choices)
    mapping = models.JSONField(_("correspondance"), default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("correspondance enregistrée")
        verbose_name_plural = _("correspondances enregistrées")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "name"], name="uniq_savedmapping_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RecordAction(models.TextChoices):
    CREATED = "created", _("Créée")
    MATCHED = "matched", _("Rapprochée d'une fiche existante")


class ImportedRecord(models.Model):
    """Which record a source's row became: re-importing the same key updates that record."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    source = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    # "ref:<external key>" when the file has one, else "fp:<fingerprint of the identity>".
    key = models.CharField(max_length=200)
    model = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    action = models.CharField(max_length=10, choices=RecordAction.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ligne importée")
        verbose_name_plural = _("lignes importées")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "kind", "key"], name="uniq_importedrecord_key"
            )
        ]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.key} → {self.model} {self.object_id}"


class ChangeAction(models.TextChoices):
    UPDATED = "updated", _("Modifiée")
    ADDED = "added", _("Ajoutée")


class ImportChange(models.Model):
    """What an import changed on a record it did not create, to undo it exactly.

    ``changes`` maps a field to [value before, value written]; ``added`` rows are phones,
    e-mails or sites the import attached to an existing record.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    model = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("modification d'import")
        verbose_name_plural = _("modifications d'import")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.job_id} {self.action} {self.model} {self.object_id}"
