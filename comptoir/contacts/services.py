"""Every write a user does on customers: validated, atomic, audited."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record, snapshot
from comptoir.contacts import defaults
from comptoir.contacts.models import (
    Affiliation,
    Company,
    ContactKind,
    ContactPoint,
    Domain,
    Industry,
    Interest,
    JobTitle,
    LegalForm,
    Person,
    Site,
)
from comptoir.contacts.models import Source as ContactSource
from comptoir.lib.phone import InvalidPhone, normalize_phone, region_for

M = TypeVar("M", bound=models.Model)


def _require_writer(by: Any) -> None:
    if not getattr(by, "can_write", False):
        raise PermissionDenied(_("Votre rôle ne permet pas de modifier les données."))


def _check_same_workspace(by: Any, **related: Any) -> None:
    for name, obj in related.items():
        if obj is not None and getattr(obj, "workspace_id", None) != by.workspace_id:
            raise ValidationError({name: _("Élément introuvable.")})


def _save_new(instance: M, *, by: Any, m2m: dict[str, Any] | None = None) -> M:
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    audit_record(actor=by, instance=instance, action=Action.CREATE)
    return instance


def _save_changes(
    instance: M, *, by: Any, fields: dict[str, Any], m2m: dict[str, Any] | None = None
) -> M:
    before = snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    audit_record(actor=by, instance=instance, action=Action.UPDATE, before=before)
    return instance


def _split_m2m(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in model._meta.many_to_many}
    return {k: fields.pop(k) for k in list(fields) if k in names}


# --- Companies and people -------------------------------------------------------------------


@transaction.atomic
def company_create(*, by: Any, **fields: Any) -> Company:
    _require_writer(by)
    m2m = _split_m2m(Company, fields)
    company = Company(workspace_id=by.workspace_id, **fields)
    _check_same_workspace(
        by, **{k: fields.get(k) for k in ("legal_form", "industry", "domain", "source")}
    )
    return _save_new(company, by=by, m2m=m2m)


@transaction.atomic
def company_update(*, company: Company, by: Any, **fields: Any) -> Company:
    _require_writer(by)
    m2m = _split_m2m(Company, fields)
    return _save_changes(company, by=by, fields=fields, m2m=m2m)


@transaction.atomic
def company_delete(*, company: Company, by: Any) -> None:
    _require_writer(by)
    before = snapshot(company)
    audit_record(actor=by, instance=company, action=Action.DELETE, before=before)
    company.delete()


@transaction.atomic
def person_create(*, by: Any, **fields: Any) -> Person:
    _require_writer(by)
    m2m = _split_m2m(Person, fields)
    person = Person(workspace_id=by.workspace_id, **fields)
    _check_same_workspace(by, **{k: fields.get(k) for k in ("job_title", "source")})
    return _save_new(person, by=by, m2m=m2m)


@transaction.atomic
def person_update(*, person: Person, by: Any, **fields: Any) -> Person:
    _require_writer(by)
    m2m = _split_m2m(Person, fields)
    return _save_changes(person, by=by, fields=fields, m2m=m2m)


@transaction.atomic
def person_delete(*, person: Person, by: Any) -> None:
    _require_writer(by)
    audit_record(actor=by, instance=person, action=Action.DELETE, before=snapshot(person))
    person.delete()


# --- Affiliations and sites --------------------------------------------------------------


@transaction.atomic
def affiliation_add(*, person: Person, company: Company, by: Any, **fields: Any) -> Affiliation:
    _require_writer(by)
    _check_same_workspace(by, person=person, company=company)
    affiliation = Affiliation(
        workspace_id=by.workspace_id, person=person, company=company, **fields
    )
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def affiliation_update(*, affiliation: Affiliation, by: Any, **fields: Any) -> Affiliation:
    """Change a role or close it (``end``): the past stays visible, nothing is deleted."""
    _require_writer(by)
    for name, value in fields.items():
        setattr(affiliation, name, value)
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def site_create(*, by: Any, **fields: Any) -> Site:
    _require_writer(by)
    site = Site(workspace_id=by.workspace_id, **fields)
    _check_same_workspace(
        by,
        company=fields.get("company"),
        person=fields.get("person"),
        occupant=fields.get("occupant"),
    )
    if site.company_id is None and site.person_id is None:
        raise ValidationError(
            {"company": _("Indiquez le client (société ou particulier) du site.")}
        )
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, by: Any, **fields: Any) -> Site:
    _require_writer(by)
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    return site


# --- Contact points -----------------------------------------------------------------------


def normalize_contact(kind: str, value: str, *, country: str = "FR", postcode: str = "") -> str:
    """Normalized form of a phone (E.164, region from the address) or e-mail (lower-case)."""
    value = (value or "").strip()
    if kind == ContactKind.PHONE:
        try:
            return normalize_phone(value, region_for(country, postcode))
        except InvalidPhone:
            raise ValidationError(
                {
                    "value": _("« %(value)s » n'est pas un numéro de téléphone valide.")
                    % {"value": value}
                }
            ) from None
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            {"value": _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": value}}
        ) from None
    return value.lower()


@transaction.atomic
def contact_point_add(
    *,
    by: Any,
    kind: str,
    value: str,
    label: str = "other",
    person: Person | None = None,
    company: Company | None = None,
    site: Site | None = None,
    is_primary: bool = False,
) -> ContactPoint:
    _require_writer(by)
    owner = person or company or site
    if owner is None:
        raise ValidationError(
            _("Une coordonnée appartient à une personne, une société ou un site.")
        )
    _check_same_workspace(by, owner=owner)
    normalized = normalize_contact(
        kind,
        value,
        country=getattr(owner, "country", "FR"),
        postcode=getattr(owner, "postcode", ""),
    )
    point = ContactPoint(
        workspace_id=by.workspace_id,
        kind=kind,
        label=label,
        value=value.strip(),
        normalized=normalized,
        person=person,
        company=company,
        site=site,
        is_primary=is_primary,
    )
    point.full_clean()
    point.save()
    audit_record(
        actor=by,
        instance=owner,
        action=Action.UPDATE,
        changes={"contact_points": ["", point.display]},
    )
    return point


@transaction.atomic
def contact_point_remove(*, point: ContactPoint, by: Any) -> None:
    _require_writer(by)
    owner = point.person or point.company or point.site
    assert owner is not None
    audit_record(
        actor=by,
        instance=owner,
        action=Action.UPDATE,
        changes={"contact_points": [point.display, ""]},
    )
    point.delete()


# --- Reference lists ------------------------------------------------------------------------

REFERENCE_MODELS: dict[str, type[models.Model]] = {
    "legal-forms": LegalForm,
    "industries": Industry,
    "domains": Domain,
    "job-titles": JobTitle,
    "sources": ContactSource,
    "interests": Interest,
}


@transaction.atomic
def reference_item_save(
    *, model: type[models.Model], by: Any, item: Any = None, **fields: Any
) -> Any:
    """Create or rename an entry of a reference list (workspace admins only)."""
    if not getattr(by, "is_workspace_admin", False):
        raise PermissionDenied
    if item is None:
        rows = model._default_manager.filter(workspace_id=by.workspace_id)
        last = rows.aggregate(m=Max("position"))["m"]
        item = model(workspace_id=by.workspace_id, position=(last or 0) + 1)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def reference_lists_seed(*, workspace: Any) -> None:
    """Fill a new workspace's reference lists with French defaults (idempotent)."""
    for model, names in (
        (LegalForm, defaults.LEGAL_FORMS),
        (Industry, defaults.INDUSTRIES),
        (JobTitle, defaults.JOB_TITLES),
        (ContactSource, defaults.SOURCES),
        (Interest, defaults.INTERESTS),
    ):
        for position, name in enumerate(names, start=1):
            model.objects.get_or_create(
                workspace=workspace, name=name, defaults={"position": position}
            )
    for position, (name, children) in enumerate(defaults.DOMAINS.items(), start=1):
        parent, _created = Domain.objects.get_or_create(
            workspace=workspace, parent=None, name=name, defaults={"position": position}
        )
        for child_position, child in enumerate(children, start=1):
            Domain.objects.get_or_create(
                workspace=workspace,
                parent=parent,
                name=child,
                defaults={"position": child_position},
            )
