"""The workspace's inbound mailbox and the log of every e-mail received, with what became of it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.lib.crypto import EncryptedTextField


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("Aucune (réseau local uniquement)")


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


class Mailbox(models.Model):
    """Boîte de réception: where customers write, relevé par IMAP or fed by a mail provider.

    The IMAP password is encrypted in the database (COMPTOIR_FIELD_KEYS, see docs/email.md).
    """

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="mailbox"
    )
    address = models.EmailField(
        _("adresse de réception"),
        blank=True,
        help_text=_("L'adresse donnée aux clients, par exemple support@votre-entreprise.fr."),
    )
    host = models.CharField(_("serveur IMAP"), max_length=200, blank=True)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("sécurité"), max_length=8, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("identifiant"), max_length=200, blank=True)
    password = EncryptedTextField(_("mot de passe"), blank=True)
    folder = models.CharField(_("dossier"), max_length=200, default="INBOX")
    enabled = models.BooleanField(
        _("relever automatiquement"),
        default=False,
        help_text=_("Toutes les minutes, les nouveaux e-mails du dossier sont traités."),
    )
    create_tickets = models.BooleanField(
        _("créer une demande pour tout nouvel e-mail"),
        default=False,
        help_text=_(
            "Un e-mail d'un client connu qui ne répond à aucune demande ouvre une demande "
            "(canal e-mail), en plus de l'interaction sur sa fiche."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable des e-mails reçus"),
        help_text=_("Reçoit les interactions et les tâches créées par les e-mails."),
    )
    # For providers that POST raw MIME to /api/v1/inbound/email/<secret>.
    secret = models.CharField(max_length=64, unique=True, default=_new_secret, editable=False)
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("dernier relevé"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    # A poll in progress holds the mailbox until then: two workers never read it together.
    polling_until = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boîte de réception")
        verbose_name_plural = _("boîtes de réception")

    def __str__(self) -> str:
        return self.address or self.username or str(self.workspace)

    @property
    def is_configured(self) -> bool:
        return bool(self.host and self.username)

    @property
    def inbound_address(self) -> str:
        """The address to give customers: the mailbox's, else one on the inbound domain."""
        if self.address:
            return self.address.lower()
        domain = getattr(settings, "COMPTOIR_INBOUND_DOMAIN", "")
        if domain:
            return f"{self.workspace.slug}@{domain}".lower()
        return ""

    def reply_address(self, reference: str) -> str:
        """``support+T-2026-0001@…``: a customer's answer names its ticket even without subject."""
        address = self.inbound_address
        if not address:
            return ""
        local, _sep, domain = address.partition("@")
        return f"{local.split('+')[0]}+{reference}@{domain}"


class Source(models.TextChoices):
    IMAP = "imap", _("IMAP")
    API = "api", _("API")
    WEBHOOK = "webhook", _("Fournisseur d'e-mail")


class Outcome(models.TextChoices):
    TICKET_MESSAGE = "ticket_message", _("Message ajouté à une demande")
    NEW_TICKET = "new_ticket", _("Nouvelle demande")
    INTERACTION = "interaction", _("Interaction e-mail")
    UNKNOWN_SENDER = "unknown_sender", _("Tâche « e-mail d'un inconnu »")
    REJECTED = "rejected", _("Refusé")


def _raw_path(instance: InboundMessage, filename: str) -> str:
    now = timezone.now()
    return f"inbox/{instance.workspace_id}/{now:%Y/%m}/{filename}"


class InboundMessage(models.Model):
    """One e-mail received: its raw source is always kept, whatever became of it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    source = models.CharField(_("reçu par"), max_length=8, choices=Source.choices)
    # The Message-ID, or a digest of the raw source when there is none: same key, same e-mail.
    key = models.CharField(max_length=255, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    from_address = models.CharField(_("expéditeur"), max_length=254, blank=True)
    from_name = models.CharField(_("nom de l'expéditeur"), max_length=200, blank=True)
    to = models.CharField(_("destinataires"), max_length=1000, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    body = models.TextField(_("texte"), blank=True)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    raw = models.FileField(_("source"), upload_to=_raw_path, max_length=300)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    outcome = models.CharField(_("résultat"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande"),
    )
    ticket_message = models.ForeignKey(
        "tickets.TicketMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interaction = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interaction"),
    )
    person = models.ForeignKey(
        "contacts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "contacts.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("e-mail reçu")
        verbose_name_plural = _("e-mails reçus")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="uniq_inbound_key"),
        ]
        indexes = [models.Index(fields=["workspace", "message_id"])]

    def __str__(self) -> str:
        return f"{self.from_address} · {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("inbox:message", args=[self.pk])


def _attachment_path(instance: InboundAttachment, filename: str) -> str:
    now = timezone.now()
    return f"inbox/{instance.workspace_id}/{now:%Y/%m}/files/{filename}"


class InboundAttachment(models.Model):
    """A file of an e-mail that did not go onto a ticket (interaction, unknown sender)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fichier"), upload_to=_attachment_path, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta:
        verbose_name = _("pièce jointe reçue")
        verbose_name_plural = _("pièces jointes reçues")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} Mo".replace(".", ",")
        return f"{max(1, round(self.size / 1024))} Ko"


class ThreadReference(models.Model):
    """The Message-ID of a reply sent from a ticket: an answer quoting it belongs there."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "message_id"], name="uniq_thread_reference"
            ),
        ]

    def __str__(self) -> str:
        return self.message_id
