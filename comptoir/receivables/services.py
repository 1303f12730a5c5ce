"""Writes of receivables: read an accounting file of open items, preview it, apply it.

Each file is a full snapshot of what customers owe: a line already known is updated, a new
one is created, a known open item the file no longer lists has been paid (settled). The
same file imported twice changes nothing. Customers are found by their accounting code
(``external_ref``), else their e-mail, phone number, then exact name; a line that finds no
single customer is listed with the reason and not imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.contacts.models import ContactKind
from comptoir.contacts.selectors import (
    companies_for,
    contact_points_for,
    people_for,
    sites_for,
)
from comptoir.lib.normalize import split_full_name
from comptoir.lib.text import fold
from comptoir.receivables.models import ImportStatus, OpenItem, OpenItemImport
from comptoir.receivables.reading import Line, Statement, check_file, read_statement

CHUNK = 500
Customer = tuple[str, int]  # ("person" | "company", id)


def require_manager(by: Any) -> None:
    """Only managers (and administrators) who may write import the accounting's figures."""
    if not (
        getattr(by, "can_write", False)
        and getattr(by, "is_manager", False)
        and getattr(by, "workspace_id", None)
    ):
        raise PermissionDenied(_("Seul un responsable importe les impayés de la comptabilité."))


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


# --- what a file says -------------------------------------------------------------------------


@dataclass
class Entry:
    """A future open item: the file's lines with one key (an invoice paid in instalments
    has a line per due date; without a line id they make one item)."""

    key: str
    lines: list[Line]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def numbers(self) -> list[int]:
        return [line.number for line in self.lines]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def due_on(self) -> Any:
        return min(line.due_on for line in self.lines)

    @property
    def issued_on(self) -> Any:
        dates = [line.issued_on for line in self.lines if line.issued_on]
        return min(dates) if dates else None

    @property
    def label(self) -> str:
        return next((line.label for line in self.lines if line.label), "")


@dataclass
class Unmatched:
    """Lines not imported, and why (shown in the preview and kept with the import)."""

    lines: list[int]
    client: str
    reference: str
    amount: Decimal
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "client": self.client,
            "reference": self.reference,
            "amount": str(self.amount),
            "reason": self.reason,
        }


@dataclass
class Change:
    """An entry matched to a customer, and the open item it creates or updates."""

    entry: Entry
    customer: Customer
    item: OpenItem | None = None
    customer_name: str = ""

    @property
    def person_id(self) -> int | None:
        return self.customer[1] if self.customer[0] == "person" else None

    @property
    def company_id(self) -> int | None:
        return self.customer[1] if self.customer[0] == "company" else None


@dataclass
class Plan:
    """What applying the file would do."""

    lines_count: int
    new: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    settled: list[OpenItem] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    zero_count: int = 0

    @property
    def unmatched_lines(self) -> int:
        return sum(len(u.lines) for u in self.unmatched)

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.updated or self.settled)


def _entries(statement: Statement) -> tuple[list[Entry], list[Unmatched]]:
    groups: dict[str, list[Line]] = {}
    for line in statement.lines:
        groups.setdefault(line.key, []).append(line)
    entries: list[Entry] = []
    rejected: list[Unmatched] = []
    for key, lines in groups.items():
        entry = Entry(key=key, lines=lines)
        clients = {(line.code, line.name, line.email, line.phone) for line in lines}
        reason = ""
        if statement.has_key_column and len(lines) > 1:
            reason = _("le même identifiant de ligne figure sur plusieurs lignes")
        elif len(clients) > 1:
            reason = _("le même n° de facture figure pour plusieurs clients")
        elif len({line.reference for line in lines}) > 1:
            reason = _("le même identifiant de ligne figure pour plusieurs factures")
        if reason:
            rejected.append(_unmatched(entry, reason))
        else:
            entries.append(entry)
    return entries, rejected


def _unmatched(entry: Entry, reason: str) -> Unmatched:
    return Unmatched(
        lines=entry.numbers,
        client=entry.first.client,
        reference=entry.first.reference,
        amount=entry.amount,
        reason=reason,
    )


# --- who the customer is ----------------------------------------------------------------------


def _person_keys(name: str) -> set[str]:
    """``search_name`` values a person named ``name`` would have, either order of names."""
    _title, first, last = split_full_name(name)
    if not last:
        return set()
    keys = {fold(f"{last} {first} {last}")}
    if first:
        keys.add(fold(f"{first} {last} {first}"))
    return keys


class _Matcher:
    """Finds the customer of each entry with a few queries for the whole file."""

    def __init__(self, by: Any, entries: list[Entry]) -> None:
        firsts = [entry.first for entry in entries]
        self.by_code: dict[str, set[Customer]] = {}
        self.by_email: dict[str, set[Customer]] = {}
        self.by_phone: dict[str, set[Customer]] = {}
        self.by_company_name: dict[str, set[Customer]] = {}
        self.by_person_key: dict[str, set[Customer]] = {}
        codes = {line.code for line in firsts if line.code}
        for chunk in _chunks(codes):
            for ref, pk in (
                people_for(by).filter(external_ref__in=chunk).values_list("external_ref", "pk")
            ):
                self.by_code.setdefault(ref, set()).add(("person", pk))
            for ref, pk in (
                companies_for(by).filter(external_ref__in=chunk).values_list("external_ref", "pk")
            ):
                self.by_code.setdefault(ref, set()).add(("company", pk))
        self._points(by, ContactKind.EMAIL, {line.email for line in firsts if line.email})
        self._points(by, ContactKind.PHONE, {line.phone for line in firsts if line.phone})
        company_keys = {fold(line.name) for line in firsts if fold(line.name)}
        for chunk in _chunks(company_keys):
            for key, pk in (
                companies_for(by).filter(search_name__in=chunk).values_list("search_name", "pk")
            ):
                self.by_company_name.setdefault(key, set()).add(("company", pk))
        person_keys = set().union(*(_person_keys(line.name) for line in firsts if line.name))
        for chunk in _chunks(person_keys):
            for key, pk in (
                people_for(by).filter(search_name__in=chunk).values_list("search_name", "pk")
            ):
                self.by_person_key.setdefault(key, set()).add(("person", pk))

    def _points(self, by: Any, kind: str, values: set[str]) -> None:
        index = self.by_email if kind == ContactKind.EMAIL else self.by_phone
        site_values: dict[int, set[str]] = {}
        for chunk in _chunks(values):
            rows = (
                contact_points_for(by)
                .filter(kind=kind, normalized__in=chunk)
                .values_list("normalized", "person_id", "company_id", "site_id")
            )
            for value, person_id, company_id, site_id in rows:
                if person_id:
                    index.setdefault(value, set()).add(("person", person_id))
                elif company_id:
                    index.setdefault(value, set()).add(("company", company_id))
                elif site_id:
                    site_values.setdefault(site_id, set()).add(value)
        # A site's number or address leads to the site's customer.
        for chunk in _chunks(site_values):
            for site_id, person_id, company_id in (
                sites_for(by).filter(pk__in=chunk).values_list("pk", "person_id", "company_id")
            ):
                owner: Customer | None = (
                    ("person", person_id)
                    if person_id
                    else ("company", company_id)
                    if company_id
                    else None
                )
                if owner is not None:
                    for value in site_values[site_id]:
                        index.setdefault(value, set()).add(owner)

    def match(self, line: Line) -> tuple[Customer | None, str]:
        """(customer, "") or (None, why not)."""
        if not (line.code or line.name or line.email or line.phone):
            return None, _("aucun client indiqué")
        by_name: set[Customer] = set(self.by_company_name.get(fold(line.name), set()))
        for key in _person_keys(line.name):
            by_name |= self.by_person_key.get(key, set())
        steps = (
            (_("code client"), self.by_code.get(line.code, set())),
            (_("e-mail"), self.by_email.get(line.email, set())),
            (_("téléphone"), self.by_phone.get(line.phone, set())),
            (_("nom"), by_name),
        )
        ambiguous: list[str] = []
        for label, found in steps:
            if len(found) == 1:
                return next(iter(found)), ""
            if found:
                ambiguous.append(str(label))
        if ambiguous:
            return None, _("plusieurs fiches correspondent (même %(what)s)") % {
                "what": ", ".join(ambiguous)
            }
        return None, _("aucune fiche ne correspond (code client, e-mail, téléphone ni nom)")


# --- the plan ---------------------------------------------------------------------------------


def _same(item: OpenItem, change: Change) -> bool:
    entry = change.entry
    return (
        item.settled_at is None
        and item.person_id == change.person_id
        and item.company_id == change.company_id
        and item.reference == entry.first.reference
        and item.issued_on == entry.issued_on
        and item.due_on == entry.due_on
        and item.amount_due == entry.amount
        and item.label == entry.label
    )


def _known_items(by: Any, keys: set[str]) -> dict[str, OpenItem]:
    """Every unpaid item of the workspace, and the settled ones the file lists again."""
    items = {
        item.external_key: item
        for item in OpenItem.objects.filter(workspace_id=by.workspace_id, settled_at__isnull=True)
    }
    settled_keys = keys - items.keys()
    for chunk in _chunks(settled_keys):
        for item in OpenItem.objects.filter(workspace_id=by.workspace_id, external_key__in=chunk):
            items[item.external_key] = item
    return items


def plan_statement(*, by: Any, statement: Statement) -> Plan:
    """What the file would change; reads only."""
    entries, rejected = _entries(statement)
    plan = Plan(lines_count=len(statement.lines), unmatched=rejected)
    # Keys of the file, matched or not: a line that no longer finds its customer keeps its
    # open item as it was rather than marking it paid.
    rejected_lines = {n for u in rejected for n in u.lines}
    present = {entry.key for entry in entries if entry.amount != 0}
    present |= {line.key for line in statement.lines if line.number in rejected_lines}
    matcher = _Matcher(by, entries)
    known = _known_items(by, {entry.key for entry in entries})
    for entry in entries:
        if entry.amount == 0:
            # Nothing left to pay: as if the line were absent.
            plan.zero_count += 1
            continue
        customer, reason = matcher.match(entry.first)
        if customer is None:
            plan.unmatched.append(_unmatched(entry, reason))
            continue
        change = Change(entry=entry, customer=customer, item=known.get(entry.key))
        if change.item is None:
            plan.new.append(change)
        elif _same(change.item, change):
            plan.unchanged.append(change)
        else:
            plan.updated.append(change)
    plan.settled = [
        item for key, item in known.items() if item.settled_at is None and key not in present
    ]
    plan.unmatched.sort(key=lambda u: u.lines[0])
    return plan


def plan_for(*, batch: OpenItemImport, by: Any) -> Plan:
    """The plan of a previewed import, computed again from its file."""
    return plan_statement(by=by, statement=read_statement(batch.content))


def customer_names(by: Any, changes: list[Change]) -> None:
    """Fill ``customer_name`` of the changes shown in a preview (two queries)."""
    people = {c.customer[1] for c in changes if c.customer[0] == "person"}
    companies = {c.customer[1] for c in changes if c.customer[0] == "company"}
    names: dict[Customer, str] = {}
    if people:
        for person in (
            people_for(by).filter(pk__in=people).only("civility", "first_name", "last_name")
        ):
            names[("person", person.pk)] = person.full_name
    if companies:
        for company in companies_for(by).filter(pk__in=companies).only("name"):
            names[("company", company.pk)] = company.name
    for change in changes:
        change.customer_name = names.get(change.customer, "")


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def import_upload(*, by: Any, file_name: str, data: bytes) -> OpenItemImport:
    """Read the file and keep it for its preview; a bad file changes nothing.

    A previous preview nobody applied is dropped: one preview at a time per workspace.
    """
    require_manager(by)
    text = check_file(file_name, data)
    read_statement(text)  # refuses an unreadable file before anything is kept
    OpenItemImport.objects.filter(
        workspace_id=by.workspace_id, status=ImportStatus.PREVIEW
    ).delete()
    return OpenItemImport.objects.create(
        workspace_id=by.workspace_id,
        file_name=file_name[:255],
        content=text,
        created_by=by,
    )


@transaction.atomic
def import_discard(*, batch: OpenItemImport, by: Any) -> None:
    """Drop a preview: nothing of it was applied."""
    require_manager(by)
    if batch.workspace_id != by.workspace_id:
        raise PermissionDenied
    OpenItemImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).delete()


@transaction.atomic
def import_apply(*, batch: OpenItemImport, by: Any) -> OpenItemImport:
    """Apply a previewed file in one transaction: create, update, settle; audited."""
    require_manager(by)
    locked = (
        OpenItemImport.objects.select_for_update()
        .filter(pk=batch.pk, workspace_id=by.workspace_id)
        .first()
    )
    if locked is None or locked.status != ImportStatus.PREVIEW:
        raise ValidationError(_("Cet import a déjà été appliqué ou abandonné."))
    newer = OpenItemImport.objects.filter(
        workspace_id=by.workspace_id,
        status=ImportStatus.APPLIED,
        applied_at__gt=locked.created_at,
    )
    if newer.exists():
        raise ValidationError(
            _(
                "Un import plus récent a été appliqué depuis cet aperçu : "
                "envoyez de nouveau le fichier."
            )
        )
    plan = plan_for(batch=locked, by=by)
    now = timezone.now()
    try:
        with transaction.atomic():
            _write(locked, plan, now)
    except IntegrityError as exc:
        raise ValidationError(
            _("Un autre import des impayés vient d'être appliqué : recommencez.")
        ) from exc
    locked.status = ImportStatus.APPLIED
    locked.applied_at = now
    locked.content = ""
    locked.lines_count = plan.lines_count
    locked.created_count = len(plan.new)
    locked.updated_count = len(plan.updated)
    locked.unchanged_count = len(plan.unchanged)
    locked.settled_count = len(plan.settled)
    locked.unmatched_count = plan.unmatched_lines
    locked.unmatched = [u.as_json() for u in plan.unmatched]
    locked.open_total = OpenItem.objects.filter(
        workspace_id=by.workspace_id, settled_at__isnull=True
    ).aggregate(total=Sum("amount_due"))["total"] or Decimal(0)
    locked.save()
    audit_record(
        actor=by,
        instance=locked,
        action=Action.CREATE,
        changes={
            "file_name": ["", locked.file_name],
            "created_count": ["", str(locked.created_count)],
            "updated_count": ["", str(locked.updated_count)],
            "settled_count": ["", str(locked.settled_count)],
            "unmatched_count": ["", str(locked.unmatched_count)],
            "open_total": ["", str(locked.open_total)],
        },
    )
    return locked


def _write(batch: OpenItemImport, plan: Plan, now: Any) -> None:
    OpenItem.objects.bulk_create(
        [
            OpenItem(
                workspace_id=batch.workspace_id,
                person_id=change.person_id,
                company_id=change.company_id,
                reference=change.entry.first.reference,
                issued_on=change.entry.issued_on,
                due_on=change.entry.due_on,
                amount_due=change.entry.amount,
                label=change.entry.label,
                external_key=change.entry.key,
                imported_at=now,
                batch=batch,
            )
            for change in plan.new
        ],
        batch_size=CHUNK,
    )
    updated = []
    for change in plan.updated:
        item = change.item
        assert item is not None
        item.person_id = change.person_id
        item.company_id = change.company_id
        item.reference = change.entry.first.reference
        item.issued_on = change.entry.issued_on
        item.due_on = change.entry.due_on
        item.amount_due = change.entry.amount
        item.label = change.entry.label
        item.settled_at = None
        item.imported_at = now
        item.batch = batch
        updated.append(item)
    OpenItem.objects.bulk_update(
        updated,
        [
            "person",
            "company",
            "reference",
            "issued_on",
            "due_on",
            "amount_due",
            "label",
            "settled_at",
            "imported_at",
            "batch",
        ],
        batch_size=CHUNK,
    )
    for chunk in _chunks(item.pk for item in plan.settled):
        OpenItem.objects.filter(workspace_id=batch.workspace_id, pk__in=chunk).update(
            settled_at=now
        )
