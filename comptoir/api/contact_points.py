"""Phones and e-mails of people and companies, as lists in a request body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from comptoir.accounts.models import User
from comptoir.api.errors import Errors, django_errors
from comptoir.api.schemas import EmailIn, EmailOut, PhoneIn, PhoneOut
from comptoir.contacts.models import Company, ContactKind, ContactPoint, Person
from comptoir.contacts.services import contact_point_add, contact_point_remove, normalize_contact

Entries = Sequence[PhoneIn | EmailIn]


def _lists(
    phones: Sequence[PhoneIn] | None, emails: Sequence[EmailIn] | None
) -> list[tuple[str, str, Entries | None]]:
    return [("phones", ContactKind.PHONE, phones), ("emails", ContactKind.EMAIL, emails)]


def contact_point_errors(
    *,
    phones: Sequence[PhoneIn] | None,
    emails: Sequence[EmailIn] | None,
    country: str = "FR",
    postcode: str = "",
) -> Errors:
    """Check every value before anything is written, so all the mistakes come at once."""
    errors: Errors = {}
    for key, kind, entries in _lists(phones, emails):
        for index, entry in enumerate(entries or ()):
            try:
                normalize_contact(kind, entry.value, country=country, postcode=postcode)
            except ValidationError as exc:
                errors.update(django_errors(exc, prefix=f"{key}.{index}"))
    return errors


def contact_points_save(
    *,
    by: User,
    owner: Person | Company,
    phones: Sequence[PhoneIn] | None,
    emails: Sequence[EmailIn] | None,
    created: bool = False,
) -> None:
    """Make the owner's phones (e-mails) the given list; ``None`` leaves that kind alone.

    A number already there with the same label is kept as it is (its history too); the
    others are removed and the new ones added, the first of a list becoming the primary one.
    """
    owner_kw: dict[str, Any] = (
        {"person": owner} if isinstance(owner, Person) else {"company": owner}
    )
    errors: Errors = {}
    for key, kind, entries in _lists(phones, emails):
        if entries is None:
            continue
        wanted: dict[str, tuple[int, PhoneIn | EmailIn]] = {}
        for index, entry in enumerate(entries):
            try:
                normalized = normalize_contact(
                    kind, entry.value, country=owner.country, postcode=owner.postcode
                )
            except ValidationError as exc:
                errors.update(django_errors(exc, prefix=f"{key}.{index}"))
                continue
            wanted.setdefault(normalized, (index, entry))
        current: list[ContactPoint] = (
            [] if created else list(owner.contact_points.filter(kind=kind))
        )
        kept: set[str] = set()
        for point in current:
            match = wanted.get(point.normalized)
            if match is not None and match[1].label == point.label:
                kept.add(point.normalized)
            else:
                contact_point_remove(point=point, by=by)
        has_primary = any(p.is_primary for p in current if p.normalized in kept)
        for normalized, (index, entry) in wanted.items():
            if normalized in kept:
                continue
            try:
                contact_point_add(
                    by=by,
                    kind=kind,
                    value=entry.value,
                    label=entry.label,
                    is_primary=not has_primary,
                    **owner_kw,
                )
            except ValidationError as exc:
                errors.update(django_errors(exc, prefix=f"{key}.{index}"))
            has_primary = True
    if errors:
        raise ValidationError(errors)


def phones_out(points: Sequence[ContactPoint]) -> list[PhoneOut]:
    return [
        PhoneOut(
            value=p.value,
            e164=p.normalized,
            display=p.display,
            label=p.label,
            is_primary=p.is_primary,
        )
        for p in points
        if p.kind == ContactKind.PHONE
    ]


def emails_out(points: Sequence[ContactPoint]) -> list[EmailOut]:
    return [
        EmailOut(value=p.normalized, label=p.label, is_primary=p.is_primary)
        for p in points
        if p.kind == ContactKind.EMAIL
    ]
