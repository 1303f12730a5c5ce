"""Every write a user does on customers: validated, atomic, audited."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext as _

from comptoir.accounts.services import require_writer
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
from comptoir.lib.geo import Point, geocoder
from comptoir.lib.normalize import phone_e164

M = TypeVar("M", bound=models.Model)


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
    require_writer(by)
    m2m = _split_m2m(Company, fields)
    company = Company(workspace_id=by.workspace_id, **fields)
    _check_same_workspace(
        by, **{k: fields.get(k) for k in ("legal_form", "industry", "domain", "source")}
    )
    return _save_new(company, by=by, m2m=m2m)


@transaction.atomic
def company_update(*, company: Company, by: Any, **fields: Any) -> Company:
    require_writer(by)
    m2m = _split_m2m(Company, fields)
    return _save_changes(company, by=by, fields=fields, m2m=m2m)


@transaction.atomic
def company_delete(*, company: Company, by: Any) -> None:
    require_writer(by)
    before = snapshot(company)
    audit_record(actor=by, instance=company, action=Action.DELETE, before=before)
    company.delete()


@transaction.atomic
def person_create(*, by: Any, **fields: Any) -> Person:
    require_writer(by)
    m2m = _split_m2m(Person, fields)
    person = Person(workspace_id=by.workspace_id, **fields)
    _check_same_workspace(by, **{k: fields.get(k) for k in ("job_title", "source")})
    return _save_new(person, by=by, m2m=m2m)


@transaction.atomic
def person_update(*, person: Person, by: Any, **fields: Any) -> Person:
    require_writer(by)
    m2m = _split_m2m(Person, fields)
    return _save_changes(person, by=by, fields=fields, m2m=m2m)


@transaction.atomic
def person_delete(*, person: Person, by: Any) -> None:
    require_writer(by)
    audit_record(actor=by, instance=person, action=Action.DELETE, before=snapshot(person))
    person.delete()


class ContactPointInput(TypedDict):
    """A phone or e-mail typed on a creation form."""

    kind: str
    value: str
    label: str
    field: NotRequired[str]  # the form field it came from, to put an error beside it


def _add_contact_points(
    *, by: Any, points: Sequence[ContactPointInput], person: Person | None, company: Company | None
) -> None:
    errors: dict[str, list[str]] = {}
    seen_primary: set[str] = set()
    for index, point in enumerate(points):
        try:
            contact_point_add(
                by=by,
                kind=point["kind"],
                value=point["value"],
                label=point["label"],
                person=person,
                company=company,
                is_primary=point["kind"] not in seen_primary,
            )
        except ValidationError as exc:
            errors[point.get("field") or f"{point['kind']}_{index}"] = exc.messages
        seen_primary.add(point["kind"])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create_with_details(
    *,
    by: Any,
    contact_points: Sequence[ContactPointInput] = (),
    company: Company | None = None,
    role: str = "",
    **fields: Any,
) -> Person:
    """A new person with their phones and e-mails, and the company they work for: all or nothing.

    The first phone and the first e-mail become the primary ones.
    """
    person = person_create(by=by, **fields)
    _add_contact_points(by=by, points=contact_points, person=person, company=None)
    if company is not None:
        affiliation_add(
            person=person,
            company=company,
            by=by,
            role=role,
            job_title=fields.get("job_title"),
            start=None,
        )
    return person


@transaction.atomic
def company_create_with_details(
    *, by: Any, contact_points: Sequence[ContactPointInput] = (), **fields: Any
) -> Company:
    """A new company with its phones and e-mails: all or nothing."""
    company = company_create(by=by, **fields)
    _add_contact_points(by=by, points=contact_points, person=None, company=company)
    return company


# --- Affiliations and sites --------------------------------------------------------------


def _affiliation_text(affiliation: Affiliation, other: Person | Company) -> str:
    """How an affiliation reads in the history of one side: "SARL Dupont · Gérant (…)"."""
    text = " · ".join(p for p in (str(other), affiliation.role) if p)
    if affiliation.end:
        text += " " + _("(jusqu'au %(date)s)") % {
            "date": formats.date_format(affiliation.end, "d/m/Y")
        }
    return text


def _audit_affiliation(*, by: Any, affiliation: Affiliation, before: Affiliation | None) -> None:
    sides: tuple[tuple[Person | Company, Person | Company], ...] = (
        (affiliation.person, affiliation.company),
        (affiliation.company, affiliation.person),
    )
    for record, other in sides:
        old = _affiliation_text(before, other) if before is not None else ""
        new = _affiliation_text(affiliation, other)
        if old != new:
            audit_record(
                actor=by,
                instance=record,
                action=Action.UPDATE,
                changes={"affiliations": [old, new]},
            )


@transaction.atomic
def affiliation_add(*, person: Person, company: Company, by: Any, **fields: Any) -> Affiliation:
    require_writer(by)
    _check_same_workspace(by, person=person, company=company, job_title=fields.get("job_title"))
    affiliation = Affiliation(
        workspace_id=by.workspace_id, person=person, company=company, **fields
    )
    affiliation.full_clean()
    affiliation.save()
    _audit_affiliation(by=by, affiliation=affiliation, before=None)
    return affiliation


@transaction.atomic
def affiliation_update(*, affiliation: Affiliation, by: Any, **fields: Any) -> Affiliation:
    """Change a role or close it (``end``): the past stays visible, nothing is deleted."""
    require_writer(by)
    _check_same_workspace(by, job_title=fields.get("job_title"))
    before = Affiliation(role=affiliation.role, start=affiliation.start, end=affiliation.end)
    for name, value in fields.items():
        setattr(affiliation, name, value)
    affiliation.full_clean()
    affiliation.save()
    _audit_affiliation(by=by, affiliation=affiliation, before=before)
    return affiliation


@transaction.atomic
def site_create(*, by: Any, **fields: Any) -> Site:
    require_writer(by)
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
    if site.latitude is None or site.longitude is None:
        _site_place(site, _site_locate(site))
    site.full_clean()
    site.save()
    audit_record(actor=by, instance=site, action=Action.CREATE)
    customer = site.customer
    assert customer is not None
    audit_record(
        actor=by, instance=customer, action=Action.UPDATE, changes={"sites": ["", str(site)]}
    )
    return site


@transaction.atomic
def site_update(*, site: Site, by: Any, **fields: Any) -> Site:
    require_writer(by)
    _check_same_workspace(by, occupant=fields.get("occupant"))
    before = snapshot(site)
    old_address = {name: getattr(site, name) for name in SITE_ADDRESS_FIELDS}
    old_point = _site_point(site)
    for name, value in fields.items():
        setattr(site, name, value)
    if _site_point(site) == old_point and _site_needs_locating(site, old_address, old_point):
        _site_place(site, _site_locate(site))
    site.full_clean()
    site.save()
    audit_record(actor=by, instance=site, action=Action.UPDATE, before=before)
    return site


# --- Site coordinates ---------------------------------------------------------------------

SITE_ADDRESS_FIELDS = ("street", "postcode", "city", "country")


def _site_point(site: Site) -> Point | None:
    if site.latitude is None or site.longitude is None:
        return None
    return (float(site.latitude), float(site.longitude))


def _site_locate(site: Site, address: dict[str, str] | None = None) -> Point | None:
    """Where the configured geocoder puts the site's address (or ``address``)."""
    address = address or {name: getattr(site, name) for name in SITE_ADDRESS_FIELDS}
    if not address["postcode"]:
        return None
    return geocoder().locate(
        postcode=address["postcode"],
        city=address["city"],
        street=address["street"],
        country=address["country"],
    )


def _site_place(site: Site, point: Point | None) -> bool:
    """Set the site's coordinates to ``point`` (none when unknown); True when placed."""
    site.latitude, site.longitude = (
        (Decimal(f"{point[0]:.6f}"), Decimal(f"{point[1]:.6f}")) if point else (None, None)
    )
    return point is not None


def _site_needs_locating(site: Site, old_address: dict[str, str], old_point: Point | None) -> bool:
    """Coordinates the caller left alone follow the address.

    Missing ones are looked up. After a move they are looked up again, except precise
    coordinates typed by hand when only the street was corrected in the same town.
    """
    if old_point is None:
        return True
    new_address = {name: getattr(site, name) for name in SITE_ADDRESS_FIELDS}
    if new_address == old_address:
        return False
    same_town = all(new_address[k] == old_address[k] for k in ("postcode", "city", "country"))
    automatic = _site_locate(site, old_address)
    return not same_town or (
        automatic is not None and old_point == (round(automatic[0], 6), round(automatic[1], 6))
    )


def sites_geocode_missing(*, workspace: Any = None, batch_size: int = 500) -> tuple[int, int]:
    """Give coordinates to the sites that have none; returns (placed, still unknown).

    Coordinates are derived from the address, so this backfill leaves no audit entry.
    Running it again only retries the sites still without coordinates.
    """
    todo = Site.objects.filter(models.Q(latitude=None) | models.Q(longitude=None))
    if workspace is not None:
        todo = todo.filter(workspace=workspace)
    placed = unknown = last = 0
    fields = ["id", *SITE_ADDRESS_FIELDS, "latitude", "longitude"]
    while batch := list(todo.filter(pk__gt=last).only(*fields).order_by("pk")[:batch_size]):
        last = batch[-1].pk
        found = [site for site in batch if _site_place(site, _site_locate(site))]
        with transaction.atomic():
            Site.objects.bulk_update(found, ["latitude", "longitude"])
        placed += len(found)
        unknown += len(batch) - len(found)
    return placed, unknown


# --- Contact points -----------------------------------------------------------------------


def normalize_contact(kind: str, value: str, *, country: str = "FR", postcode: str = "") -> str:
    """Normalized form of a phone (E.164, region from the address) or e-mail (lower-case)."""
    value = (value or "").strip()
    if kind == ContactKind.PHONE:
        # A mainland mobile kept by someone living overseas is still read as French.
        e164 = phone_e164(value, country=country, postcode=postcode)
        if not e164:
            raise ValidationError(
                {
                    "value": _("« %(value)s » n'est pas un numéro de téléphone valide.")
                    % {"value": value}
                }
            )
        return e164
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
    require_writer(by)
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
    siblings = ContactPoint.objects.filter(
        workspace_id=by.workspace_id, kind=kind, person=person, company=company, site=site
    )
    if is_primary:
        # One primary phone and one primary e-mail per owner.
        siblings.filter(is_primary=True).update(is_primary=False)
    elif not siblings.exists():
        is_primary = True
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
    require_writer(by)
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
    if item is not None and item.workspace_id != by.workspace_id:
        raise PermissionDenied
    if "name" in fields:
        fields["name"] = " ".join(str(fields["name"] or "").split())
    parent = fields.get("parent")
    if parent is not None:
        _check_same_workspace(by, parent=parent)
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Un sous-domaine ne peut pas en contenir d'autres.")}
            )
    if item is None:
        rows = model._default_manager.filter(workspace_id=by.workspace_id)
        if model is Domain:
            rows = rows.filter(parent=parent)
        last = rows.aggregate(m=Max("position"))["m"]
        item = model(workspace_id=by.workspace_id, position=(last or 0) + 1)
    for name, value in fields.items():
        setattr(item, name, value)
    _check_reference_name(model=model, item=item)
    item.full_clean()
    item.save()
    return item


def _check_reference_name(*, model: type[models.Model], item: Any) -> None:
    """Names are unique within a list (and within a domain for sub-domains), whatever the case."""
    if not item.name:
        return
    same = model._default_manager.filter(
        workspace_id=item.workspace_id, name__iexact=item.name
    ).exclude(pk=item.pk)
    if model is Domain:
        same = same.filter(parent_id=item.parent_id)
    if same.exists():
        raise ValidationError(
            {"name": _("« %(name)s » existe déjà dans cette liste.") % {"name": item.name}}
        )


@transaction.atomic
def reference_item_move(*, model: type[models.Model], item: Any, by: Any, offset: int) -> Any:
    """Move an entry up (offset -1) or down (+1) its list; positions are renumbered 1…n."""
    if not getattr(by, "is_workspace_admin", False) or item.workspace_id != by.workspace_id:
        raise PermissionDenied
    siblings = model._default_manager.filter(workspace_id=by.workspace_id)
    if model is Domain:
        siblings = siblings.filter(parent_id=item.parent_id)
    ordered: list[Any] = list(siblings.order_by("position", "name", "pk"))
    index = next(i for i, row in enumerate(ordered) if row.pk == item.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
        if row.pk == item.pk:
            item.position = position
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
