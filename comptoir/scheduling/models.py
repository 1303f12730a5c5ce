"""Technicians, their skills, hours and absences; service types; booked visits and reminders."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Skill(models.Model):
    """Compétence (dépannage, tableau électrique, IRVE…) that a service type may require."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "code"], name="uniq_skill")]

    def __str__(self) -> str:
        return self.name


class CapacityProfile(models.TextChoices):
    """The manual's rule of thumb: planned work fills 5 h a day, break-fix work 3 h."""

    PLANNED = "planned", _("Interventions planifiées (5 h/jour)")
    BREAKFIX = "breakfix", _("Dépannage (3 h/jour)")


DEFAULT_CAPACITY_MINUTES = {CapacityProfile.PLANNED: 300, CapacityProfile.BREAKFIX: 180}


class Technician(models.Model):
    """A user who goes on site: skills, home base, zone, hours and daily capacity."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="technician",
        verbose_name=_("utilisateur"),
    )
    skills = models.ManyToManyField(Skill, blank=True, verbose_name=_("compétences"))
    home_postcode = models.CharField(_("code postal de départ"), max_length=10, blank=True)
    home_latitude = models.FloatField(_("latitude de départ"), null=True, blank=True)
    home_longitude = models.FloatField(_("longitude de départ"), null=True, blank=True)
    zone_postcodes = models.CharField(
        _("zone (codes postaux)"),
        max_length=500,
        blank=True,
        help_text=_("Codes postaux ou débuts de codes séparés par des virgules : 69, 01700."),
    )
    zone_radius_km = models.PositiveIntegerField(
        _("rayon d'intervention (km)"), null=True, blank=True
    )
    capacity_profile = models.CharField(
        _("profil"),
        max_length=10,
        choices=CapacityProfile.choices,
        default=CapacityProfile.PLANNED,
    )
    daily_capacity_minutes = models.PositiveIntegerField(
        _("capacité quotidienne (minutes)"),
        default=300,
        help_text=_("Temps maximal de rendez-vous planifiés par jour."),
    )
    color = models.CharField(_("couleur"), max_length=7, default="#0b5cad")
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("technicien")
        verbose_name_plural = _("techniciens")
        ordering = ["user__first_name", "user__last_name", "id"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        full = f"{self.user.first_name} {self.user.last_name}".strip()
        return full or self.user.email

    @property
    def zone_prefixes(self) -> list[str]:
        return [p.strip() for p in self.zone_postcodes.replace(";", ",").split(",") if p.strip()]


class WorkingHours(models.Model):
    """One working period of a weekday (a day may have two: 8:00-12:00 and 14:00-18:00)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("jour"),
        choices=[
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
            (5, _("samedi")),
            (6, _("dimanche")),
        ],
    )
    starts = models.TimeField(_("début"))
    ends = models.TimeField(_("fin"))

    class Meta:
        verbose_name = _("plage horaire")
        verbose_name_plural = _("horaires de travail")
        ordering = ["technician", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="hours_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Absence(models.Model):
    """Congé, formation, maladie: the technician cannot be booked in [starts_at, ends_at)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["workspace", "technician", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="absence_order"
            )
        ]

    def __str__(self) -> str:
        return self.reason or str(_("Absence"))


class ServiceType(models.Model):
    """What a customer can ask for: its length, the skill it needs, whether it is online."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=60)
    buffer_minutes = models.PositiveIntegerField(
        _("battement (minutes)"),
        default=0,
        help_text=_("Temps réservé après le rendez-vous (rangement, compte rendu)."),
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        verbose_name=_("compétence requise"),
    )
    bookable_online = models.BooleanField(_("réservable en ligne"), default=False)
    price_label = models.CharField(
        _("indication de prix"), max_length=120, blank=True, help_text=_("Ex. : 49,00 € TTC")
    )
    is_urgent = models.BooleanField(_("urgence"), default=False)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("type d'intervention")
        verbose_name_plural = _("types d'intervention")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="uniq_service_code"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="service_duration"),
        ]

    def __str__(self) -> str:
        return self.name


class BookingSettings(models.Model):
    """A workspace's booking rules: notice periods, reminder hours, the slot grid."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="booking_settings"
    )
    online_enabled = models.BooleanField(_("réservation en ligne ouverte"), default=True)
    min_notice_hours = models.PositiveIntegerField(
        _("délai minimal avant un rendez-vous en ligne (heures)"), default=2
    )
    change_notice_hours = models.PositiveIntegerField(
        _("modification ou annulation possible jusqu'à (heures avant)"), default=24
    )
    horizon_days = models.PositiveIntegerField(_("réservable sur (jours)"), default=60)
    slot_step_minutes = models.PositiveIntegerField(_("pas des créneaux (minutes)"), default=30)
    reminder_day_before_hour = models.PositiveSmallIntegerField(
        _("heure du rappel la veille"), default=18
    )
    reminder_same_day_hour = models.PositiveSmallIntegerField(
        _("heure du rappel le jour même"), default=7
    )
    average_speed_kmh = models.PositiveIntegerField(_("vitesse moyenne (km/h)"), default=40)

    class Meta:
        verbose_name = _("règles de réservation")
        verbose_name_plural = _("règles de réservation")

    def __str__(self) -> str:
        return str(self.workspace)


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    ONLINE = "online", _("En ligne")
    API = "api", _("Site web (API)")
    EMAIL = "email", _("E-mail")
    STAFF = "staff", _("Bureau")


class VisitStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmé")
    CANCELLED = "cancelled", _("Annulé")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Visit(models.Model):
    """A technician's booked time: the scheduling side of an appointment interaction.

    ``starts_at``/``ends_at`` cover the appointment and its buffer; no two confirmed visits of
    one technician overlap (a PostgreSQL exclusion constraint; on SQLite, immediate
    transactions and a check in the same transaction).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    interaction = models.OneToOneField(
        "activities.Interaction", on_delete=models.CASCADE, related_name="visit"
    )
    technician = models.ForeignKey(
        Technician, on_delete=models.RESTRICT, related_name="visits", verbose_name=_("technicien")
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.RESTRICT, verbose_name=_("type d'intervention")
    )
    request = models.ForeignKey(
        "activities.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demande d'origine"),
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin (battement compris)"))
    status = models.CharField(
        _("statut"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.CONFIRMED
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    reference = models.CharField(_("référence"), max_length=20)
    # The promise measured: from the customer's first request to the confirmation.
    requested_at = models.DateTimeField(_("première demande"))
    confirmed_at = models.DateTimeField(_("confirmé le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    contact_name = models.CharField(_("nom du contact"), max_length=200, blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    customer_notes = models.TextField(_("message du client"), blank=True)
    public_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("intervention planifiée")
        verbose_name_plural = _("interventions planifiées")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["workspace", "technician", "ends_at"]),
            models.Index(fields=["workspace", "confirmed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_order"
            ),
            models.UniqueConstraint(fields=["workspace", "reference"], name="uniq_visit_ref"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_confirmed(self) -> bool:
        return self.status == VisitStatus.CONFIRMED

    @property
    def lead_time(self) -> dt.timedelta:
        return self.confirmed_at - self.requested_at


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("La veille")
    SAME_DAY = "same_day", _("Le jour même")


class Reminder(models.Model):
    """One reminder to send for a visit; ``sent_at`` is claimed once, so nothing goes twice."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("type"), max_length=12, choices=ReminderKind.choices)
    due_at = models.DateTimeField(_("à envoyer le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["due_at"], name="reminder_due_idx")]
        constraints = [models.UniqueConstraint(fields=["visit", "kind"], name="uniq_reminder_kind")]

    def __str__(self) -> str:
        return f"{self.visit} · {self.get_kind_display()}"


class CalendarFeed(models.Model):
    """A user's private iCalendar feed URL; revoking it changes the token."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("agenda abonné")
        verbose_name_plural = _("agendas abonnés")

    def __str__(self) -> str:
        return str(self.user)
