"""Processes and stages, interactions (tasks and appointments) and their notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Process(models.Model):
    """Processus (Vente, Support…): a kind of work with ordered stages, per workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=100)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    color = models.CharField(_("couleur"), max_length=7, default="#6c757d")
    is_private = models.BooleanField(
        _("privé"), default=False, help_text=_("Seul le responsable voit ces interactions.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("processus")
        verbose_name_plural = _("processus")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="uniq_process_code")
        ]

    def __str__(self) -> str:
        return self.name


class StageOutcome(models.TextChoices):
    NONE = "", _("En cours")
    WON = "won", _("Gagnée")
    LOST = "lost", _("Perdue")


class Stage(models.Model):
    """An ordered step of a process (01 Prise de contact → … → Gagnée / Perdue)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("nom"), max_length=100)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    outcome = models.CharField(
        _("issue"), max_length=4, choices=StageOutcome.choices, default="", blank=True
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["process", "position"]

    def __str__(self) -> str:
        return self.name


class ProcessAccess(models.Model):
    """Restricts a user to some processes; a user with no row sees every process."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="process_access"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("processus autorisé")
        verbose_name_plural = _("processus autorisés")
        constraints = [
            models.UniqueConstraint(fields=["user", "process"], name="uniq_process_access")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.process}"


class Kind(models.TextChoices):
    TASK = "task", _("Tâche")
    APPOINTMENT = "appointment", _("Rendez-vous")


class State(models.TextChoices):
    OPEN = "open", _("Ouvert")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminé")
    # Only an appointment is cancelled (by the customer or the office); it stays on the
    # customer's history but leaves calendars, desks and technicians' days.
    CANCELLED = "cancelled", _("Annulé")


STATE_GLYPHS = {State.OPEN: "○", State.IN_PROGRESS: "◐", State.DONE: "✓", State.CANCELLED: "⊘"}
# What is still to do: neither done nor cancelled.
FINISHED_STATES = (State.DONE, State.CANCELLED)


def format_minutes(minutes: int) -> str:
    """``90`` → ``"1 h 30"``, ``45`` → ``"45 min"``, ``120`` → ``"2 h"``."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def unfinished(self) -> InteractionQuerySet:
        return self.exclude(state__in=FINISHED_STATES)

    def between(self, start: dt.datetime, end: dt.datetime) -> InteractionQuerySet:
        """Interactions overlapping [start, end).

        The start bound is wrapped so that planners seek on ``ends_at`` (what ends after
        ``start``: this week and the planned future) instead of scanning all of the past.
        """
        return self.alias(_starts_at=Coalesce("starts_at", "starts_at")).filter(
            ends_at__gte=start, _starts_at__lt=end
        )


class Interaction(models.Model):
    """A task (start + deadline) or an appointment (start + duration) that evolves over time."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.TASK)
    process = models.ForeignKey(Process, on_delete=models.RESTRICT, verbose_name=_("processus"))
    stage = models.ForeignKey(
        Stage, on_delete=models.RESTRICT, null=True, blank=True, verbose_name=_("étape")
    )
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.OPEN)
    subject = models.CharField(_("objet"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        related_name="interactions",
        verbose_name=_("responsable"),
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("société"),
    )
    person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("personne"),
    )
    site = models.ForeignKey(
        "contacts.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
        verbose_name=_("site"),
    )
    starts_at = models.DateTimeField(_("début"))
    deadline = models.DateTimeField(_("échéance"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    # Derived: deadline for tasks, start + duration for appointments. Stored so calendars
    # and the desk can query by range with an index.
    ends_at = models.DateTimeField(_("fin"), editable=False)
    outcome = models.TextField(_("résultat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True, editable=False)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "owner", "starts_at"]),
            models.Index(fields=["workspace", "owner", "state", "ends_at"]),
            # Today's desk and the week calendar ask "ends on or after <day> for this owner".
            models.Index(
                fields=["workspace", "owner", "ends_at"], name="interaction_owner_ends_idx"
            ),
            # The interaction list: newest first over the whole workspace.
            models.Index(fields=["workspace", "starts_at", "id"], name="interaction_ws_starts_idx"),
            models.Index(fields=["workspace", "person", "starts_at"]),
            models.Index(fields=["workspace", "company", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("starts_at")),
                name="interaction_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="task") | Q(duration_minutes__gt=0),
                name="interaction_appointment_has_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    def compute_ends_at(self) -> dt.datetime:
        if self.kind == Kind.APPOINTMENT and self.duration_minutes:
            return self.starts_at + dt.timedelta(minutes=self.duration_minutes)
        return self.deadline or self.starts_at

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.ends_at = self.compute_ends_at()
        super().save(*args, **kwargs)

    @property
    def glyph(self) -> str:
        return STATE_GLYPHS[State(self.state)]

    @property
    def is_late(self) -> bool:
        return self.state not in FINISHED_STATES and self.ends_at < timezone.now()

    @property
    def overdue_days(self) -> int:
        """Calendar days (local time) since it should have ended, 0 if on time or due today."""
        if self.state in FINISHED_STATES:
            return 0
        return max(0, (timezone.localdate() - timezone.localdate(self.ends_at)).days)

    @property
    def duration_label(self) -> str:
        """ "30 min", "1 h", "1 h 30": how people say a duration."""
        return format_minutes(self.duration_minutes or 0)

    @property
    def customer(self) -> Any:
        return self.person or self.company


class Note(models.Model):
    """An append-only, timestamped entry on an interaction, with its author."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, verbose_name=_("auteur")
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("note horodatée")
        verbose_name_plural = _("notes horodatées")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]
