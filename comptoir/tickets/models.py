"""Support requests (tickets) with their messages, attachments, SLA policies and opening hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 · Urgence sécurité")
    P2 = 2, _("P2 · Haute")
    P3 = 3, _("P3 · Normale")
    P4 = 4, _("P4 · Basse")


class TicketChannel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portail")
    OFFICE = "office", _("Bureau")
    TECHNICIAN = "technician", _("Technicien")


class Status(models.TextChoices):
    NEW = "new", _("Nouveau")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente client")
    SCHEDULED = "scheduled", _("Planifié")
    RESOLVED = "resolved", _("Résolu")
    CLOSED = "closed", _("Clos")


# Where a ticket may go from each status; "Résolu → En cours" is the reopening.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.WAITING, Status.SCHEDULED, Status.RESOLVED),
    Status.IN_PROGRESS: (Status.WAITING, Status.SCHEDULED, Status.RESOLVED),
    Status.WAITING: (Status.IN_PROGRESS, Status.SCHEDULED, Status.RESOLVED),
    Status.SCHEDULED: (Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED),
    Status.RESOLVED: (Status.IN_PROGRESS, Status.CLOSED),
    Status.CLOSED: (),
}
OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.SCHEDULED)
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)


class TicketCategory(models.Model):
    """A kind of request (Panne, Devis…): a reference list per workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("libellé"), max_length=80)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("catégorie de demande")
        verbose_name_plural = _("catégories de demande")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_ticket_category")
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets for one priority, in open (business) minutes."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("première réponse (minutes ouvrées)"))
    resolution_minutes = models.PositiveIntegerField(_("résolution (minutes ouvrées)"))

    class Meta:
        verbose_name = _("engagement de service (SLA)")
        verbose_name_plural = _("engagements de service (SLA)")
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "priority"], name="uniq_sla_priority"),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0) & Q(resolution_minutes__gt=0),
                name="sla_targets_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_priority_display())


class BusinessHours(models.Model):
    """Opening hours of one weekday: the SLA clock runs only inside them."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField(_("jour"))  # 0 = lundi
    is_open = models.BooleanField(_("ouvert"), default=True)
    opens = models.TimeField(_("ouverture"), default=dt.time(8))
    closes = models.TimeField(_("fermeture"), default=dt.time(18))

    class Meta:
        verbose_name = _("horaires d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "weekday"], name="uniq_business_day"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="business_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class TicketCounter(models.Model):
    """Last number given per workspace and year: locked while a ticket is numbered."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="uniq_ticket_counter")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def running(self) -> TicketQuerySet:
        """Open and not paused: the SLA clock is ticking."""
        return self.open().exclude(status=Status.WAITING)

    def overdue(self, now: dt.datetime | None = None) -> TicketQuerySet:
        now = now or timezone.now()
        return self.running().filter(
            Q(first_response_at__isnull=True, first_response_due_at__lt=now)
            | Q(resolution_due_at__lt=now)
        )

    def by_due(self) -> TicketQuerySet:
        """Most urgent first: the first due time still to meet, then priority."""
        return self.alias(
            _due=models.Case(
                models.When(
                    first_response_at__isnull=True,
                    first_response_due_at__lt=models.F("resolution_due_at"),
                    then=models.F("first_response_due_at"),
                ),
                default=models.F("resolution_due_at"),
            )
        ).order_by(models.F("_due").asc(nulls_last=True), "priority", "id")


class Ticket(models.Model):
    """Demande: a support case from a customer, with priority, SLA and a conversation."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    reference = models.CharField(_("référence"), max_length=20, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField(editable=False)
    person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("personne"),
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("société"),
    )
    site = models.ForeignKey(
        "contacts.Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("site"),
    )
    category = models.ForeignKey(
        TicketCategory,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        verbose_name=_("catégorie"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=Priority.choices, default=Priority.P3
    )
    channel = models.CharField(
        _("canal"), max_length=12, choices=TicketChannel.choices, default=TicketChannel.PHONE
    )
    subject = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignée à"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    interaction = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("interaction"),
    )
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("réponse avant"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("résolution avant"), null=True, blank=True)
    # The SLA clock stops while the customer is waited for: when it stopped, and how many
    # open minutes it has been stopped in total (they push the due times back).
    paused_at = models.DateTimeField(_("en pause depuis"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("minutes ouvrées en pause"), default=0)
    response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "year", "number"], name="uniq_ticket_number"
            ),
            models.UniqueConstraint(fields=["workspace", "reference"], name="uniq_ticket_ref"),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "resolution_due_at"]),
            models.Index(fields=["workspace", "assignee", "status"]),
            models.Index(fields=["workspace", "person", "status"]),
            models.Index(fields=["workspace", "company", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def customer(self) -> Any:
        return self.person or self.company

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == Status.WAITING

    @property
    def awaiting_first_response(self) -> bool:
        return self.first_response_at is None and self.is_open

    @property
    def next_due_at(self) -> dt.datetime | None:
        """The next due time to meet: first response until given, then resolution."""
        if not self.is_open:
            return None
        if (
            self.awaiting_first_response
            and self.first_response_due_at
            and (
                self.resolution_due_at is None
                or self.first_response_due_at < self.resolution_due_at
            )
        ):
            return self.first_response_due_at
        return self.resolution_due_at

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        due = self.next_due_at
        return bool(due and not self.is_paused and due < (now or timezone.now()))

    @property
    def allowed_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[Status(self.status)]


class MessageKind(models.TextChoices):
    NOTE = "note", _("Note interne")
    REPLY = "reply", _("Réponse")
    INCOMING = "incoming", _("Message du client")


class TicketMessage(models.Model):
    """One entry of a ticket's conversation: an internal note, a reply, a customer message."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("type"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    author_person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur (client)"),
    )
    author_name = models.CharField(_("nom de l'auteur"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    # For replies: the channel and address it went to, and the outbox entry.
    sent_via = models.CharField(_("envoyé par"), max_length=8, blank=True)
    sent_to = models.CharField(_("envoyé à"), max_length=254, blank=True)
    outbox_message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("message de demande")
        verbose_name_plural = _("messages de demande")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def author_label(self) -> str:
        if self.author is not None:
            return str(self.author)
        if self.author_person is not None:
            return str(self.author_person)
        return self.author_name


def _attachment_path(instance: TicketAttachment, filename: str) -> str:
    now = timezone.now()
    return f"tickets/{instance.workspace_id}/{now:%Y/%m}/{filename}"


class TicketAttachment(models.Model):
    """A photo or PDF attached to a ticket (≤ 10 Mo)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("fichier"), upload_to=_attachment_path, max_length=300)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} Mo".replace(".", ",")
        return f"{max(1, round(self.size / 1024))} Ko"
