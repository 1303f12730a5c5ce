"""Companies and people: the write their create and change endpoints share."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.db.models import QuerySet

from comptoir.accounts.models import User
from comptoir.api.contact_points import contact_point_errors, contact_points_save
from comptoir.api.errors import Errors
from comptoir.api.fields import nulls_to_blanks, resolve_links, save_or_refuse
from comptoir.api.schemas import EmailIn, PhoneIn
from comptoir.contacts.models import Company, Person

Owner = TypeVar("Owner", Company, Person)


class ContactLists(Protocol):
    """A request body with optional ``phones`` and ``emails`` lists."""

    @property
    def phones(self) -> Sequence[PhoneIn] | None: ...

    @property
    def emails(self) -> Sequence[EmailIn] | None: ...


def owner_save(
    *,
    user: User,
    model: type[Owner],
    data: dict[str, Any],
    lists: ContactLists,
    references: Mapping[str, QuerySet[Any]],
    save: Callable[[dict[str, Any]], Owner],
    instance: Owner | None = None,
    errors: Errors | None = None,
) -> Owner:
    """Check ``data`` (the body without phones and e-mails), then write it all or nothing.

    ``save`` creates or updates the record from the checked fields; the phones and e-mails
    of ``lists`` are then saved with it. ``instance`` is the record being changed (``None``
    on creation); ``errors`` are mistakes the endpoint already found. Any mistake → 422.
    """
    found: Errors = dict(errors or {})
    found |= nulls_to_blanks(model, data)
    found |= resolve_links(data, references, instance=instance)
    if instance is None:
        country, postcode = data.get("country") or "FR", data.get("postcode") or ""
    else:
        country = data.get("country") or instance.country
        postcode = data.get("postcode", instance.postcode)
    found |= contact_point_errors(
        phones=lists.phones, emails=lists.emails, country=country, postcode=postcode
    )

    def write(fields: dict[str, Any]) -> Owner:
        owner = save(fields)
        contact_points_save(
            by=user,
            owner=owner,
            phones=lists.phones,
            emails=lists.emails,
            created=instance is None,
        )
        return owner

    return save_or_refuse(found, data, write)
