"""Customer portal (sign-in codes, sessions) and satisfaction surveys."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An answer may be changed this long after it was first given; then the survey is closed.
ANSWER_EDIT_WINDOW = dt.timedelta(days=7)
# A survey nobody answered stops accepting answers after this long.
UNANSWERED_LIFETIME = dt.timedelta(days=30)
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(days=30)


class SurveyChannel(models.TextChoices):
    AUTO = "auto", _("E-mail, sinon SMS")
    EMAIL = "email", _("E-mail uniquement")
    SMS = "sms", _("SMS uniquement")


class PortalSettings(models.Model):
    """Per workspace: the customer portal and the satisfaction surveys."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="portal_settings"
    )
    portal_enabled = models.BooleanField(_("portail client ouvert"), default=True)
    requests_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable des demandes du portail"),
        help_text=_(
            "Reçoit les demandes déposées sur le portail. Vide : le premier administrateur."
        ),
    )
    surveys_enabled = models.BooleanField(_("envoyer les enquêtes de satisfaction"), default=True)
    survey_delay_hours = models.PositiveSmallIntegerField(
        _("délai d'envoi (heures)"),
        default=0,
        help_text=_("Après la résolution ou l'intervention ; 0 = tout de suite."),
    )
    survey_channel = models.CharField(
        _("canal"), max_length=5, choices=SurveyChannel.choices, default=SurveyChannel.AUTO
    )

    class Meta:
        verbose_name = _("réglages du portail et des avis")
        verbose_name_plural = _("réglages du portail et des avis")

    def __str__(self) -> str:
        return str(self.workspace)


class SignInCode(models.Model):
    """A one-time code asked for an e-mail address or a mobile: only its hash is kept.

    A row is written for every request, known identifier or not, so that what a visitor sees
    never tells whether the address belongs to a customer.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    # Opaque handle of the request, carried by the code page's URL.
    handle = models.CharField(max_length=64, unique=True)
    identifier_hash = models.CharField(max_length=64, db_index=True)
    person = models.ForeignKey(
        "contacts.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=5, blank=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code de connexion")
        verbose_name_plural = _("codes de connexion")
        indexes = [models.Index(fields=["workspace", "identifier_hash", "created_at"])]

    def __str__(self) -> str:
        return self.handle[:8]


class PortalSession(models.Model):
    """A customer signed in on the portal: the cookie holds a key whose hash is stored here."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    person = models.ForeignKey(
        "contacts.Person", on_delete=models.CASCADE, related_name="portal_sessions"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session du portail")
        verbose_name_plural = _("sessions du portail")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.created_at:%d/%m/%Y %H:%M}"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def answered(self) -> SurveyQuerySet:
        return self.filter(answered_at__isnull=False)

    def due(self, now: dt.datetime) -> SurveyQuerySet:
        return self.filter(sent_at__isnull=True, cancelled_at__isnull=True, send_after__lte=now)


class Survey(models.Model):
    """A satisfaction survey about one resolved ticket or one completed visit."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    # "ticket:<id>" or "visit:<id>": one survey per ticket or visit, whatever happens twice.
    key = models.CharField(max_length=40)
    token = models.CharField(max_length=64, unique=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("demande"),
    )
    visit = models.ForeignKey(
        "scheduling.Visit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("intervention"),
    )
    person = models.ForeignKey(
        "contacts.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "contacts.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technicien"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    send_after = models.DateTimeField(_("à envoyer à partir de"))
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    sent_via = models.CharField(_("envoyée par"), max_length=5, blank=True)
    sent_to = models.CharField(_("envoyée à"), max_length=254, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1 à 5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("recommandation (0 à 10)"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    answered_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("réponse modifiée le"), null=True, blank=True)
    interaction = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquête de satisfaction")
        verbose_name_plural = _("enquêtes de satisfaction")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="uniq_survey_key"),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | (Q(csat__gte=1) & Q(csat__lte=5)),
                name="survey_csat_range",
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10), name="survey_nps_range"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "answered_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def closes_at(self) -> dt.datetime | None:
        if self.answered_at is not None:
            return self.answered_at + ANSWER_EDIT_WINDOW
        if self.sent_at is not None:
            return self.sent_at + UNANSWERED_LIFETIME
        return None

    def is_open(self, now: dt.datetime | None = None) -> bool:
        closes = self.closes_at
        return self.cancelled_at is None and closes is not None and (now or timezone.now()) < closes

    @property
    def nps_group(self) -> str:
        """``promoter`` (9-10), ``passive`` (7-8), ``detractor`` (0-6) or ``""``."""
        if self.nps is None:
            return ""
        return "promoter" if self.nps >= 9 else "passive" if self.nps >= 7 else "detractor"
