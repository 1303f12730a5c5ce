"""Workspace, users and their roles, API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone as tz
from django.utils.translation import gettext_lazy as _


class Workspace(models.Model):
    """The company using Comptoir: every other row belongs to exactly one workspace."""

    name = models.CharField(_("raison sociale"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    locale = models.CharField(_("langue"), max_length=8, default="fr")
    created_at = models.DateTimeField(default=tz.now, editable=False)

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MANAGER = "manager", _("Responsable")
    AGENT = "agent", _("Assistant(e)")
    TECHNICIAN = "technician", _("Technicien")
    READ_ONLY = "read_only", _("Lecture seule")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; belongs to one workspace. Deactivated = "licence en sommeil"."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="users", null=True, blank=True
    )
    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.AGENT)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    extension = models.CharField(_("poste"), max_length=20, blank=True)
    color = models.CharField(_("couleur"), max_length=7, default="#3b6ea5")
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    date_joined = models.DateTimeField(default=tz.now)
    deactivated_at = models.DateTimeField(_("mis en sommeil le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p]
        return "".join(p[0] for p in parts).upper() or self.email[:2].upper()

    @property
    def can_write(self) -> bool:
        return self.is_active and self.role != Role.READ_ONLY

    @property
    def is_manager(self) -> bool:
        return self.role in {Role.ADMIN, Role.MANAGER}

    @property
    def can_view_colleagues(self) -> bool:
        """Office roles plan for others: they may open a colleague's desk and week."""
        return self.role in {Role.ADMIN, Role.MANAGER, Role.AGENT}

    @property
    def is_workspace_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=tz.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.created_at:%d/%m/%Y}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
