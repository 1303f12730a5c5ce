"""Duplicates: which source said what, pairs that look alike, merges that can be undone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExactJSONEncoder(DjangoJSONEncoder):
    """Dates and times to the microsecond (Django's encoder stops at milliseconds): an undo
    writes back exactly what was there."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Kind(models.TextChoices):
    PERSON = "person", _("Personne")
    COMPANY = "company", _("Société")


class DedupeSettings(models.Model):
    """A workspace's dedupe settings: above which score an import merges on its own."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="dedupe_settings"
    )
    auto_merge_threshold = models.PositiveSmallIntegerField(
        _("seuil de fusion automatique"),
        default=95,
        help_text=_("Score (0 à 100) à partir duquel un import rattache sans demander."),
    )
    review_threshold = models.PositiveSmallIntegerField(
        _("seuil de la file des doublons"),
        default=60,
        help_text=_("Score (0 à 100) à partir duquel une paire est proposée à la revue."),
    )

    class Meta:
        verbose_name = _("réglages des doublons")
        verbose_name_plural = _("réglages des doublons")
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_merge_threshold__lte=100) & Q(review_threshold__lte=100),
                name="dedupe_thresholds_max_100",
            )
        ]

    def __str__(self) -> str:
        return str(self.workspace)


class FieldProvenance(models.Model):
    """One source said this field of a record had this value, at that time."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    target = models.CharField(_("type d'enregistrement"), max_length=60)  # "contacts.person"
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("champ"), max_length=60)
    value = models.TextField(_("valeur"), blank=True)
    source = models.CharField(_("source"), max_length=60)  # "ERP MDE", "SAGE", "Excel"…
    source_ref = models.CharField(_("référence"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("provenance d'un champ")
        verbose_name_plural = _("provenances des champs")
        ordering = ["field", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["workspace", "target", "object_id"])]

    def __str__(self) -> str:
        return f"{self.field} = {self.value} ({self.source})"


class PairStatus(models.TextChoices):
    OPEN = "open", _("À examiner")
    DISMISSED = "dismissed", _("Pas un doublon")
    MERGED = "merged", _("Fusionné")


class DuplicatePairQuerySet(models.QuerySet["DuplicatePair"]):
    def open(self) -> DuplicatePairQuerySet:
        return self.filter(status=PairStatus.OPEN)


class DuplicatePair(models.Model):
    """Two records of the same kind that look alike, with the reasons, lower id on the left."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=7, choices=Kind.choices)
    left_id = models.PositiveBigIntegerField()
    right_id = models.PositiveBigIntegerField()
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("raisons"), default=list)
    status = models.CharField(
        _("statut"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    detected_at = models.DateTimeField(_("détectée le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DuplicatePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("doublon possible")
        verbose_name_plural = _("doublons possibles")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["workspace", "status", "kind", "-score"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "left_id", "right_id"], name="uniq_duplicate_pair"
            ),
            models.CheckConstraint(
                condition=Q(left_id__lt=models.F("right_id")), name="pair_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.left_id} ~ {self.right_id} ({self.score:.0f})"


class Merge(models.Model):
    """One record merged into another; ``snapshot`` holds all it takes to undo it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=7, choices=Kind.choices)
    kept_id = models.PositiveBigIntegerField()
    merged_id = models.PositiveBigIntegerField()
    merged_repr = models.CharField(max_length=200, blank=True)
    kept_repr = models.CharField(max_length=200, blank=True)
    choices = models.JSONField(default=dict)
    snapshot = models.JSONField(default=dict, encoder=ExactJSONEncoder)
    source = models.CharField(max_length=60, default="Fusion")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("fusion")
        verbose_name_plural = _("fusions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "kind", "merged_id"])]

    def __str__(self) -> str:
        return f"{self.merged_repr} → {self.kept_repr}"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("Échec")


class ScanJob(models.Model):
    """A background search for duplicates over a whole base, with its progress."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(max_length=7, choices=Kind.choices, blank=True)
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recherche de doublons")
        verbose_name_plural = _("recherches de doublons")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == ScanStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)
