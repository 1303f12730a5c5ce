"""Telephone calls pushed by the PBX, the raw events they came from, who answers them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.lib.phone import format_phone


class Direction(models.TextChoices):
    IN = "in", _("Entrant")
    OUT = "out", _("Sortant")


class CallStatus(models.TextChoices):
    RINGING = "ringing", _("Sonne")
    ANSWERED = "answered", _("En cours")
    ENDED = "ended", _("Terminé")
    MISSED = "missed", _("Manqué")


FINISHED = (CallStatus.ENDED, CallStatus.MISSED)


class CallSettings(models.Model):
    """Per workspace: who calls back after a missed call, and how soon."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="call_settings"
    )
    callback_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rappels confiés à"),
        help_text=_("Vide : le collègue sur qui l'appel a sonné."),
    )
    callback_minutes = models.PositiveIntegerField(_("délai de rappel (minutes)"), default=30)

    class Meta:
        verbose_name = _("réglages de téléphonie")
        verbose_name_plural = _("réglages de téléphonie")

    def __str__(self) -> str:
        return str(self.workspace)


class CallQuerySet(models.QuerySet["Call"]):
    def unfinished(self) -> CallQuerySet:
        return self.exclude(status__in=FINISHED)


class Call(models.Model):
    """One phone call, as the PBX reported it: who, when, how long, and what it left behind."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    call_id = models.CharField(_("identifiant de l'appel (standard)"), max_length=100)
    direction = models.CharField(
        _("sens"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    from_number = models.CharField(_("appelant"), max_length=40, blank=True)
    from_e164 = models.CharField(_("appelant (E.164)"), max_length=20, blank=True)
    to_number = models.CharField(_("appelé"), max_length=40, blank=True)
    to_e164 = models.CharField(_("appelé (E.164)"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("collègue"),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=CallStatus.choices, default=CallStatus.RINGING
    )
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    answered_at = models.DateTimeField(_("décroché à"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("durée (secondes)"), default=0)
    person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("personne"),
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("société"),
    )
    interaction = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interaction « Appel »"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande ouverte pendant l'appel"),
    )
    callback_task = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tâche de rappel"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "call_id"], name="uniq_call_id")
        ]
        indexes = [
            models.Index(fields=["workspace", "agent", "started_at"]),
            models.Index(fields=["workspace", "status", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} · {self.customer_number_display}"

    @property
    def customer_e164(self) -> str:
        """The outside party's number: the caller of an incoming call, the callee otherwise."""
        return self.from_e164 if self.direction == Direction.IN else self.to_e164

    @property
    def customer_number(self) -> str:
        return self.from_number if self.direction == Direction.IN else self.to_number

    @property
    def customer_number_display(self) -> str:
        e164 = self.customer_e164
        return format_phone(e164) if e164 else self.customer_number

    @property
    def customer(self) -> object | None:
        return self.person or self.company

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


def format_duration(seconds: int) -> str:
    """``192`` → ``"03:12"``, ``3725`` → ``"1:02:05"``: how a phone shows a call's length."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


class CallEvent(models.Model):
    """One delivery of the PBX webhook, kept as received: replays are recognised by ``key``."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(_("événement"), max_length=10)
    # "ringing:<agent>" (a ring group rings several colleagues), else the event alone.
    key = models.CharField(max_length=300)
    payload = models.JSONField(_("contenu reçu"), default=dict)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    applied = models.BooleanField(_("pris en compte"), default=True)

    class Meta:
        verbose_name = _("événement d'appel")
        verbose_name_plural = _("événements d'appel")
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="uniq_call_event_key")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.event}"
