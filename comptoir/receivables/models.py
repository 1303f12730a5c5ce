"""Open items (unpaid invoices) copied from the accounting software, and each import of them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.lib.money import euros


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Aperçu")
    APPLIED = "applied", _("Appliqué")


class OpenItemImport(models.Model):
    """One accounting file of open items: who sent it, when, and what it changed."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    # The decoded text of the file, kept between the preview and the apply; emptied after.
    content = models.TextField(_("contenu"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    lines_count = models.PositiveIntegerField(_("lignes lues"), default=0)
    created_count = models.PositiveIntegerField(_("nouvelles"), default=0)
    updated_count = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged_count = models.PositiveIntegerField(_("inchangées"), default=0)
    settled_count = models.PositiveIntegerField(_("soldées"), default=0)
    unmatched_count = models.PositiveIntegerField(_("non rattachées"), default=0)
    # [{"lines": [7], "client": "…", "reference": "…", "amount": "12.00", "reason": "…"}]
    unmatched = models.JSONField(_("lignes non rattachées"), default=list, blank=True)
    open_total = models.DecimalField(
        _("encours après import"), max_digits=14, decimal_places=2, default=0
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now, editable=False)
    applied_at = models.DateTimeField(_("appliqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import des impayés")
        verbose_name_plural = _("imports des impayés")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status", "applied_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"


class OpenItemQuerySet(models.QuerySet["OpenItem"]):
    def unpaid(self) -> OpenItemQuerySet:
        """Still owed according to the last import."""
        return self.filter(settled_at__isnull=True)

    def overdue(self, today: dt.date) -> OpenItemQuerySet:
        """Owed and past their due date (a credit line, negative, is never overdue)."""
        return self.unpaid().filter(due_on__lt=today, amount_due__gt=0)


class OpenItem(models.Model):
    """Facture ouverte: an invoice (or what remains of it) the customer still owes."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    # A customer deleted in Comptoir leaves the line (the accounting still has it); the next
    # import reports it as not matched.
    person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="open_items",
        verbose_name=_("personne"),
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="open_items",
        verbose_name=_("société"),
    )
    reference = models.CharField(_("n° de facture"), max_length=60)
    issued_on = models.DateField(_("date de facture"), null=True, blank=True)
    due_on = models.DateField(_("échéance"))
    amount_due = models.DecimalField(_("montant dû"), max_digits=12, decimal_places=2)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    # The accounting's line id, else the invoice number: what makes a re-import an update.
    external_key = models.CharField(_("clé comptable"), max_length=100)
    settled_at = models.DateTimeField(_("soldée le"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importée le"), default=timezone.now)
    batch = models.ForeignKey(
        OpenItemImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("import"),
    )

    objects = OpenItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture ouverte")
        verbose_name_plural = _("factures ouvertes")
        ordering = ["due_on", "reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_key"], name="openitem_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(company__isnull=True),
                name="openitem_one_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "person", "settled_at"]),
            models.Index(fields=["workspace", "company", "settled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {euros(self.amount_due)}"

    @property
    def days_overdue(self) -> int:
        """Days since the due date (0 when not yet due, or settled)."""
        if self.settled_at is not None or self.amount_due <= 0:
            return 0
        return max(0, (timezone.localdate() - self.due_on).days)

    @property
    def days_to_due(self) -> int:
        """Days left before the due date (0 on the day, negative once overdue)."""
        return (self.due_on - timezone.localdate()).days
