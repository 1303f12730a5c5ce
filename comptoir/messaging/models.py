"""Message templates (editable French texts with merge fields) and the outbox of e-mails and SMS."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.lib.crypto import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessageTemplate(models.Model):
    """The text of one kind of message (booking confirmed, reminder…) on one channel."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=60)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("texte"))
    is_active = models.BooleanField(
        _("actif"), default=True, help_text=_("Décoché : ce message n'est plus envoyé.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de messages")
        ordering = ["code", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code", "channel"], name="uniq_message_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_channel_display()})"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


STATUS_GLYPHS = {MessageStatus.PENDING: "◷", MessageStatus.SENT: "✓", MessageStatus.FAILED: "⚠"}


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: dt.datetime) -> MessageQuerySet:
        """Pending messages whose (next) attempt time has come."""
        return self.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)


class Message(models.Model):
    """One e-mail or SMS in the outbox: rendered when asked for, delivered after commit."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    template_code = models.CharField(_("modèle"), max_length=60, blank=True)
    to = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    body = models.TextField(_("texte"))
    # A message with a one-time secret (a sign-in code) shows it as •••••• in subject and
    # body; the real texts wait here, encrypted, until delivered (see masking.py).
    unmasked_subject = EncryptedTextField(blank=True, editable=False)
    unmasked_body = EncryptedTextField(blank=True, editable=False)
    # [{"filename", "mimetype", "content_b64"}]: small files (an .ics) kept with the message.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    # Extra e-mail headers ({"Message-ID": …, "In-Reply-To": …, "Reply-To": …}): threading.
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    status = models.CharField(
        _("statut"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    interaction = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("interaction"),
    )
    # Same key twice in a workspace → one message only: what makes "nothing sent twice" hold.
    dedupe_key = models.CharField(_("clé d'unicité"), max_length=200, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="uniq_message_dedupe_key",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}"

    @property
    def subject_to_send(self) -> str:
        return self.unmasked_subject or self.subject

    @property
    def body_to_send(self) -> str:
        return self.unmasked_body or self.body

    @property
    def status_glyph(self) -> str:
        return STATUS_GLYPHS.get(MessageStatus(self.status), "")
