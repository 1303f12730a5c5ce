"""Write one batch of clean rows: create, update what a source already gave, or enrich the
record dedupe says is the same customer. New people and companies are written in bulk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.selectors import users_for
from comptoir.activities.models import Interaction
from comptoir.activities.selectors import processes_for
from comptoir.activities.services import interaction_create, interaction_update, note_add
from comptoir.audit.models import Action, AuditEntry
from comptoir.audit.services import audit_record
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person, Site
from comptoir.contacts.services import contact_point_add, site_create, site_update
from comptoir.dedupe import services as dedupe
from comptoir.dedupe.models import FieldProvenance
from comptoir.imports.bulk import Table, default_of
from comptoir.imports.models import (
    ChangeAction,
    ImportChange,
    ImportedRecord,
    ImportJob,
    RecordAction,
)
from comptoir.imports.rows import ADDRESS_FIELDS, CleanRow
from comptoir.lib import normalize
from comptoir.lib.text import fold

MODEL_LABELS = {
    "people": "contacts.Person",
    "companies": "contacts.Company",
    "sites": "contacts.Site",
    "interactions": "activities.Interaction",
}
POINT_LABEL = "contacts.ContactPoint"
SITE_LABEL = "contacts.Site"
# Columns of the bulk inserts, in the order of the tuples written (see ``bulk.Table``).
RECORD_COLUMNS = (
    "workspace_id",
    "source",
    "kind",
    "model",
    "job_id",
    "created_at",
    "key",
    "object_id",
    "action",
)
POINT_COLUMNS = (
    "workspace_id",
    "created_at",
    "kind",
    "label",
    "value",
    "normalized",
    "is_primary",
)  # + the owner's column
AUDIT_COLUMNS = (
    "workspace_id",
    "actor_id",
    "action",
    "content_type_id",
    "created_at",
    "object_id",
    "object_repr",
    "changes",
)
PROVENANCE_COLUMNS = (
    "workspace_id",
    "target",
    "source",
    "recorded_at",
    "object_id",
    "field",
    "value",
    "source_ref",
)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: CleanRow, column: str, message: str) -> None:
        self.errors.append({"row": row.line, "column": column, "message": message})


def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _is_initial_of(short: str, full: str) -> bool:
    """ "P." is the initial of "Pierre"."""
    letters = short.replace(".", "").replace("-", "")
    return (
        0 < len(letters) <= 2
        and fold(full).startswith(fold(letters[:1]))
        and len(full) > len(short)
    )


def _search_name(model: type[Person] | type[Company], values: dict[str, Any]) -> str:
    # As Person.save() / Company.save(): a bulk insert does not call save().
    if model is Person:
        last, first = values.get("last_name", ""), values.get("first_name", "")
        return fold(f"{last} {first} {last}")
    return fold(str(values.get("name", "")))


def _repr(model: type[Person] | type[Company], values: dict[str, Any]) -> str:
    # As str(instance): Person.full_name, Company.name.
    if model is Person:
        return " ".join(
            str(p) for p in (values.get(k) for k in ("civility", "first_name", "last_name")) if p
        )
    return str(values.get("name", ""))


def _match_data(kind: str, row: CleanRow) -> dict[str, str]:
    f = row.fields
    phones = [c.normalized for c in row.contacts if c.kind == "phone"]
    emails = [c.normalized for c in row.contacts if c.kind == "email"]
    data = {
        name: str(f.get(name, ""))
        for name in ("first_name", "last_name", "postcode", "city", "street", "siren", "name")
        if f.get(name)
    }
    if phones:
        data["phone"] = phones[0]
    if emails:
        data["email"] = emails[0]
    return data


class Importer:
    """Writes batches of one job; keeps what it learnt between batches (look-ups)."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.by = job.created_by
        self.workspace_id = job.workspace_id
        self.kind = job.kind
        self.label = MODEL_LABELS[job.kind]
        self.source_label = _("Import %(source)s n° %(n)s") % {"source": job.source, "n": job.pk}
        self.dry_seen: set[str] = set()
        self.customers: dict[tuple[str, str], Person | Company | None] = {}
        self.tz = ZoneInfo(job.workspace.timezone)
        self.now = timezone.now()
        self.tables: dict[tuple[Any, ...], Table] = {}
        if job.kind in {"people", "companies"}:
            model = Person if job.kind == "people" else Company
            mine = ImportedRecord.objects.filter(job=job, action=RecordAction.CREATED).values(
                "object_id"
            )
            self.had_records = (
                model.objects.filter(workspace_id=self.workspace_id).exclude(pk__in=mine).exists()
            )

    # --- entry point ---------------------------------------------------------------------

    def process(self, batch: list[CleanRow], outcome: Outcome) -> None:
        valid: list[CleanRow] = []
        for row in batch:
            if row.errors:
                for column, message in row.errors:
                    outcome.error(row, column, message)
            else:
                valid.append(row)
        if self.job.dry_run:
            fresh = []
            for row in valid:
                if row.key in self.dry_seen:
                    outcome.skipped += 1
                else:
                    self.dry_seen.add(row.key)
                    fresh.append(row)
            valid = fresh
        if not valid:
            return
        known = {
            r.key: r
            for r in ImportedRecord.objects.filter(
                workspace_id=self.workspace_id,
                source=self.job.source,
                kind=self.kind,
                key__in=[row.key for row in valid],
            )
        }
        if self.kind in {"people", "companies"}:
            self._customers(valid, known, outcome)
        elif self.kind == "sites":
            for row in valid:
                self._site(row, known.get(row.key), outcome)
        else:
            for row in valid:
                self._interaction(row, known.get(row.key), outcome)

    # --- people and companies ------------------------------------------------------------

    def _customers(
        self, rows: list[CleanRow], known: dict[str, ImportedRecord], outcome: Outcome
    ) -> None:
        model: type[Person] | type[Company] = Person if self.kind == "people" else Company
        existing = model.objects.in_bulk([r.object_id for r in known.values()])
        owner = "person_id" if self.kind == "people" else "company_id"
        self.points: dict[int, set[str]] = {}
        for owner_id, normalized in ContactPoint.objects.filter(
            **{f"{owner}__in": list(existing)}
        ).values_list(owner, "normalized"):
            self.points.setdefault(owner_id, set()).add(normalized)
        candidates = self._worth_matching(rows, known)
        pending: dict[str, CleanRow] = {}
        records: list[tuple[str, int, str]] = []  # (key, object id, action)
        for row in rows:
            if row.key in pending:
                outcome.skipped += 1  # the same line twice in one file
                continue
            record = known.get(row.key)
            target = existing.get(record.object_id) if record else None
            if record is not None and target is None:
                record.delete()  # the record was deleted or merged away since
                record = None
            if target is not None:
                self._enrich(target, row, outcome, overwrite=True)
                continue
            if id(row) in candidates:
                match = dedupe.best_match(
                    workspace=self.job.workspace,
                    kind="person" if self.kind == "people" else "company",
                    data=_match_data(self.kind, row),
                )
                matched = (
                    model.objects.filter(workspace_id=self.workspace_id, pk=match.record_id).first()
                    if match
                    else None
                )
                if matched is not None:
                    self._enrich(matched, row, outcome, overwrite=False)
                    records.append((row.key, matched.pk, RecordAction.MATCHED.value))
                    continue
            pending[row.key] = row
        if pending:
            self._create(model, list(pending.values()), records)
            outcome.created += len(pending)
        self._insert_records(records)

    def _worth_matching(self, rows: list[CleanRow], known: dict[str, ImportedRecord]) -> set[int]:
        """Rows dedupe should look at: those sharing a phone, e-mail, SIREN or postcode with a
        record this job did not create (asking for each of 100 000 rows would be slow)."""
        fresh = [r for r in rows if r.key not in known]
        if not fresh or not self.had_records:
            return set()
        owner = "person_id" if self.kind == "people" else "company_id"
        values = {c.normalized for r in fresh for c in r.contacts}
        mine = ImportedRecord.objects.filter(job=self.job, action=RecordAction.CREATED).values(
            "object_id"
        )
        found: set[str] = set()
        if values:
            found |= set(
                ContactPoint.objects.filter(
                    workspace_id=self.workspace_id,
                    # The kind lets the (workspace, kind, normalized) index find them.
                    kind__in={c.kind for r in fresh for c in r.contacts},
                    normalized__in=values,
                    **{f"{owner}__isnull": False},
                )
                .exclude(**{f"{owner}__in": mine})
                .values_list("normalized", flat=True)
            )
        model: type[models.Model] = Person if self.kind == "people" else Company
        postcodes = {r.fields["postcode"] for r in fresh if r.fields.get("postcode")}
        if postcodes:
            found |= {
                f"cp:{p}"
                for p in model._default_manager.filter(
                    workspace_id=self.workspace_id, postcode__in=postcodes
                )
                .exclude(pk__in=mine)
                .values_list("postcode", flat=True)
                .distinct()
            }
        sirens = {r.fields["siren"] for r in fresh if r.fields.get("siren")}
        if sirens and self.kind == "companies":
            found |= {
                f"siren:{s}"
                for s in Company.objects.filter(workspace_id=self.workspace_id, siren__in=sirens)
                .exclude(pk__in=mine)
                .values_list("siren", flat=True)
            }
        chosen = set()
        for row in fresh:
            keys = {c.normalized for c in row.contacts}
            keys.add(f"cp:{row.fields.get('postcode', '')}")
            keys.add(f"siren:{row.fields.get('siren', '')}")
            blind = (
                not row.contacts and not row.fields.get("postcode") and not row.fields.get("siren")
            )
            if keys & found or blind:
                chosen.add(id(row))
        return chosen

    def _table(
        self, model: type[models.Model], names: tuple[str, ...], *, ready: tuple[str, ...] = ()
    ) -> Table:
        key = (model, names, ready)
        if key not in self.tables:
            self.tables[key] = Table(model, names, ready=ready)
        return self.tables[key]

    def _record(self, row: CleanRow, instance: models.Model, action: str) -> ImportedRecord:
        return ImportedRecord(
            workspace_id=self.workspace_id,
            source=self.job.source,
            kind=self.kind,
            key=row.key,
            model=self.label,
            object_id=instance.pk,
            job=self.job,
            action=action,
        )

    def _insert_records(self, records: list[tuple[str, int, str]]) -> None:
        if not records:
            return
        table = self._table(ImportedRecord, RECORD_COLUMNS, ready=("created_at",))
        now = table.adapt("created_at", self.now)
        head = (self.workspace_id, self.job.source, self.kind, self.label, self.job.pk, now)
        table.insert([(*head, key, pk, action) for key, pk, action in records])

    def _create(
        self,
        model: type[Person] | type[Company],
        pending: list[CleanRow],
        records: list[tuple[str, int, str]],
    ) -> None:
        """Write brand-new records and what hangs off them (contact points, history,
        provenance, the import's records) with one insert per table."""
        self.now = timezone.now()
        fields = {f.attname: f for f in model._meta.concrete_fields}
        fixed = ("workspace_id", "external_ref", "search_name", "created_at", "updated_at")
        names = tuple(
            dict.fromkeys(
                k for row in pending for k in row.fields if k in fields and k not in fixed
            )
        )
        table = self._table(model, fixed + names, ready=("created_at", "updated_at"))
        now = table.adapt("created_at", self.now)
        defaults = [default_of(fields[n]) for n in names]
        values: list[tuple[Any, ...]] = []
        reprs: list[str] = []
        for row in pending:
            f = row.fields
            said = {
                n: d if (v := f.get(n)) is None or v == "" else v
                for n, d in zip(names, defaults, strict=True)
            }
            values.append(
                (
                    self.workspace_id,
                    row.external_key[:100] if row.external_key else "",
                    _search_name(model, said),
                    now,
                    now,
                    *said.values(),
                )
            )
            reprs.append(_repr(model, said)[:200])
        ids = table.insert_returning(values)

        owner = "person_id" if model is Person else "company_id"
        content_type = ContentType.objects.get_for_model(model)
        actor_id = self.by.pk if self.by else None
        points: list[tuple[Any, ...]] = []
        audits: list[tuple[Any, ...]] = []
        for pk, row, text in zip(ids, pending, reprs, strict=True):
            seen_kinds: set[str] = set()
            for contact in row.contacts:
                points.append(
                    (
                        contact.kind,
                        contact.label,
                        contact.value,
                        contact.normalized,
                        contact.kind not in seen_kinds,
                        pk,
                    )
                )
                seen_kinds.add(contact.kind)
            changes = {k: ["", _raw(v)] for k, v in row.fields.items() if v not in ("", None)}
            if row.contacts:
                changes["contact_points"] = ["", ", ".join(c.value for c in row.contacts)]
            changes["import"] = ["", self.source_label]
            audits.append((pk, text, changes))
            records.append((row.key, pk, RecordAction.CREATED.value))
        ready = ("created_at",)
        self._table(ContactPoint, (*POINT_COLUMNS, owner), ready=ready).insert(
            [(self.workspace_id, now, *point) for point in points]
        )
        head = (self.workspace_id, actor_id, Action.CREATE.value, content_type.pk, now)
        self._table(AuditEntry, AUDIT_COLUMNS, ready=ready).insert(
            [(*head, *audit) for audit in audits]
        )
        if model is Person:
            self._affiliations(list(zip(ids, pending, strict=True)))
        self._provenance_new(model, ids, pending)

    def _provenance_new(
        self, model: type[models.Model], ids: list[int], pending: list[CleanRow]
    ) -> None:
        """Provenance of brand-new records in one insert (``provenance_record`` would look
        for earlier values of each record first: a new record has none)."""
        table = self._table(FieldProvenance, PROVENANCE_COLUMNS, ready=("recorded_at",))
        now = table.adapt("recorded_at", self.now)
        head = (self.workspace_id, model._meta.label_lower, self.job.source[:60], now)
        rows: list[tuple[Any, ...]] = []
        for pk, row in zip(ids, pending, strict=True):
            ref = row.key[:200]
            for name, value in self._said(row.fields, row.contacts).items():
                rows.append((*head, pk, name[:60], value, ref))
        table.insert(rows)

    @staticmethod
    def _said(values: dict[str, Any], contacts: list[Any]) -> dict[str, str]:
        """What a row says, as provenance stores it: field → text; phones and e-mails joined."""
        said = {k: _raw(v).strip() for k, v in values.items() if v not in ("", None)}
        phones = [c.normalized for c in contacts if c.kind == "phone"]
        emails = [c.normalized for c in contacts if c.kind == "email"]
        if phones:
            said["phone"] = ", ".join(phones)
        if emails:
            said["email"] = ", ".join(emails)
        return {k: v for k, v in said.items() if v}

    def _affiliations(self, pending: list[tuple[int, CleanRow]]) -> None:
        names = {
            fold(row.extra["company"]): row.extra["company"]
            for _p, row in pending
            if row.extra.get("company")
        }
        if not names:
            return
        companies = {
            c.search_name: c
            for c in Company.objects.filter(workspace_id=self.workspace_id, search_name__in=names)
        }
        missing = [
            Company(
                workspace_id=self.workspace_id,
                name=normalize.case_name(n) if n.isupper() or n.islower() else n,
                search_name=k,
            )
            for k, n in names.items()
            if k not in companies
        ]
        if missing:
            Company.objects.bulk_create(missing)
            companies.update({c.search_name: c for c in missing})
            ImportChange.objects.bulk_create(
                [
                    ImportChange(
                        workspace_id=self.workspace_id,
                        job=self.job,
                        action=ChangeAction.ADDED,
                        model="contacts.Company",
                        object_id=c.pk,
                    )
                    for c in missing
                ]
            )
        Affiliation.objects.bulk_create(
            [
                Affiliation(
                    workspace_id=self.workspace_id,
                    person_id=person_id,
                    company=companies[fold(row.extra["company"])],
                    role=row.extra.get("role", "")[:120],
                )
                for person_id, row in pending
                if row.extra.get("company")
            ]
        )

    def _provenance(
        self, instance: models.Model, row: CleanRow, values: dict[str, Any], contacts: list[Any]
    ) -> None:
        written = self._said(values, contacts)
        if not written:
            return
        dedupe.provenance_record(
            workspace=self.job.workspace,
            instance=instance,
            values=written,
            source=self.job.source,
            source_ref=row.key,
        )

    def _enrich(
        self, target: Person | Company, row: CleanRow, outcome: Outcome, *, overwrite: bool
    ) -> None:
        """Write a row on an existing record. ``overwrite``: the same source says something
        newer; otherwise another source: fill what is empty, keep variants beside."""
        changes: dict[str, list[str]] = {}
        written: dict[str, Any] = {}
        address_variant = False
        row_address = {k: row.fields.get(k) for k in ADDRESS_FIELDS if row.fields.get(k)}
        has_address = bool(row_address.get("street") or row_address.get("postcode"))
        if not overwrite and has_address and (target.street or target.postcode):
            same_street = fold(str(row_address.get("street", ""))) == fold(target.street)
            same_postcode = str(row_address.get("postcode", target.postcode)) == target.postcode
            address_variant = not (same_street and same_postcode)
        for name, value in row.fields.items():
            if value in ("", None) or not hasattr(target, name):
                continue
            if address_variant and name in ADDRESS_FIELDS:
                continue
            current = getattr(target, name)
            if current == value:
                continue
            if not overwrite:
                if name == "first_name" and current and not _is_initial_of(current, str(value)):
                    continue
                if name not in {"first_name"} and current not in ("", None):
                    continue
                if name == "country" and not row_address:
                    continue
            changes[name] = [_raw(current), _raw(value)]
            written[name] = value
            setattr(target, name, value)
        if row.external_key and not target.external_ref:
            changes["external_ref"] = ["", row.external_key[:100]]
            target.external_ref = row.external_key[:100]
        added: list[models.Model] = []
        owner = "person" if isinstance(target, Person) else "company"
        if address_variant:
            added.extend(self._address_variant(target, row_address, owner))
        have = self.points.get(target.pk)
        if have is None:
            have = set(
                ContactPoint.objects.filter(**{owner: target}).values_list("normalized", flat=True)
            )
        new_contacts = [c for c in row.contacts if c.normalized not in have]
        for contact in new_contacts:
            added.append(
                contact_point_add(
                    by=self.by,
                    kind=contact.kind,
                    value=contact.value,
                    label=contact.label,
                    person=target if isinstance(target, Person) else None,
                    company=target if isinstance(target, Company) else None,
                )
            )
        if changes:
            target.save()
            ImportChange.objects.create(
                workspace_id=self.workspace_id,
                job=self.job,
                action=ChangeAction.UPDATED,
                model=MODEL_LABELS["people" if owner == "person" else "companies"],
                object_id=target.pk,
                changes=changes,
            )
        if changes or added:
            # One line in the record's history names the import, whatever it brought.
            audit_record(
                actor=self.by,
                instance=target,
                action=Action.UPDATE,
                changes={**changes, "import": ["", self.source_label]},
            )
        for item in added:
            ImportChange.objects.create(
                workspace_id=self.workspace_id,
                job=self.job,
                action=ChangeAction.ADDED,
                model=item._meta.label,
                object_id=item.pk,
            )
        if changes or added:
            outcome.updated += 1
            self._provenance(target, row, written, new_contacts)
        else:
            outcome.skipped += 1

    def _address_variant(
        self, target: Person | Company, address: dict[str, Any], owner: str
    ) -> list[Site]:
        """Another address for the same customer: kept as one of its sites (once)."""
        for site in Site.objects.filter(**{owner: target}):
            if fold(site.street) == fold(
                str(address.get("street", ""))
            ) and site.postcode == address.get("postcode", site.postcode):
                return []
        site = site_create(
            by=self.by,
            name=_("Adresse %(source)s") % {"source": self.job.source},
            **{owner: target},
            **{k: v for k, v in address.items() if k in ADDRESS_FIELDS},
        )
        return [site]

    # --- sites ---------------------------------------------------------------------------

    def _customer(self, row: CleanRow) -> Person | Company | None:
        ref = row.extra.get("customer_ref", "")
        name = row.extra.get("customer_name", "")
        cache_key = (ref, name)
        if cache_key in self.customers:
            return self.customers[cache_key]
        found: Person | Company | None = None
        if ref:
            record = ImportedRecord.objects.filter(
                workspace_id=self.workspace_id,
                source=self.job.source,
                kind__in=["people", "companies"],
                key=f"ref:{ref}",
            ).first()
            if record is not None:
                model = Person if record.kind == "people" else Company
                found = model.objects.filter(pk=record.object_id).first()
            if found is None:
                found = (
                    Company.objects.filter(workspace_id=self.workspace_id, external_ref=ref).first()
                    or Person.objects.filter(
                        workspace_id=self.workspace_id, external_ref=ref
                    ).first()
                )
        if found is None and name:
            found = Company.objects.filter(
                workspace_id=self.workspace_id, search_name=fold(name)
            ).first()
            if found is None:
                _title, first, last = normalize.split_full_name(name)
                found = Person.objects.filter(
                    workspace_id=self.workspace_id, search_name=fold(f"{last} {first} {last}")
                ).first()
        self.customers[cache_key] = found
        return found

    def _site(self, row: CleanRow, record: ImportedRecord | None, outcome: Outcome) -> None:
        site = Site.objects.filter(pk=record.object_id).first() if record else None
        values = {k: v for k, v in row.fields.items() if v not in ("", None)}
        if row.external_key:
            values["external_ref"] = row.external_key[:100]
        try:
            if site is not None:
                changed = {k: v for k, v in values.items() if getattr(site, k) != v}
                if not changed:
                    outcome.skipped += 1
                    return
                before = {k: _raw(getattr(site, k)) for k in changed}
                site_update(site=site, by=self.by, **changed)
                ImportChange.objects.create(
                    workspace_id=self.workspace_id,
                    job=self.job,
                    action=ChangeAction.UPDATED,
                    model=SITE_LABEL,
                    object_id=site.pk,
                    changes={k: [before[k], _raw(v)] for k, v in changed.items()},
                )
                outcome.updated += 1
                return
            customer = self._customer(row)
            if customer is None:
                outcome.error(
                    row, "customer_ref", _("Client introuvable : importez d'abord les clients.")
                )
                return
            owner = "person" if isinstance(customer, Person) else "company"
            site = site_create(by=self.by, **{owner: customer}, **values)
            for contact in row.contacts:
                contact_point_add(
                    by=self.by,
                    kind=contact.kind,
                    value=contact.value,
                    label=contact.label,
                    site=site,
                )
        except ValidationError as exc:
            for message in exc.messages:
                outcome.error(row, "", message)
            return
        if record is not None:
            record.delete()
        self._record(row, site, RecordAction.CREATED).save()
        outcome.created += 1

    # --- interactions --------------------------------------------------------------------

    def _process(self, name: str) -> Any:
        processes = list(processes_for(self.by).order_by("position", "pk"))
        if name:
            for process in processes:
                if fold(process.name) == fold(name) or fold(getattr(process, "code", "")) == fold(
                    name
                ):
                    return process
        return processes[0] if processes else None

    def _owner(self, text: str) -> Any:
        if not text:
            return self.by
        assert self.by is not None
        users = list(users_for(self.by).filter(is_active=True))
        key = fold(text)
        for user in users:
            if user.email.lower() == text.strip().lower() or fold(user.full_name) == key:
                return user
        for user in users:
            if fold(user.first_name) == key:
                return user
        return self.by

    def _aware(self, value: dt.datetime) -> dt.datetime:
        return timezone.make_aware(value, self.tz) if timezone.is_naive(value) else value

    def _interaction(self, row: CleanRow, record: ImportedRecord | None, outcome: Outcome) -> None:
        f = dict(row.fields)
        for name in ("starts_at", "deadline"):
            if f.get(name):
                f[name] = self._aware(f[name])
        existing = Interaction.objects.filter(pk=record.object_id).first() if record else None
        try:
            if existing is not None:
                changed = {k: v for k, v in f.items() if getattr(existing, k) != v}
                if not changed:
                    outcome.skipped += 1
                    return
                before = {k: _raw(getattr(existing, k)) for k in changed}
                interaction_update(interaction=existing, by=self.by, **changed)
                ImportChange.objects.create(
                    workspace_id=self.workspace_id,
                    job=self.job,
                    action=ChangeAction.UPDATED,
                    model=MODEL_LABELS["interactions"],
                    object_id=existing.pk,
                    changes={k: [before[k], _raw(v)] for k, v in changed.items()},
                )
                outcome.updated += 1
                return
            process = self._process(row.extra.get("process", ""))
            if process is None:
                outcome.error(row, "process", _("Aucun processus autorisé pour cet utilisateur."))
                return
            customer = (
                self._customer(row)
                if (row.extra.get("customer_ref") or row.extra.get("customer_name"))
                else None
            )
            if customer is None and (
                row.extra.get("customer_ref") or row.extra.get("customer_name")
            ):
                outcome.error(
                    row, "customer_ref", _("Client introuvable : importez d'abord les clients.")
                )
                return
            links: dict[str, Any] = {}
            if isinstance(customer, Person):
                links["person"] = customer
            elif isinstance(customer, Company):
                links["company"] = customer
            if f.get("deadline") and f.get("starts_at") and f["deadline"] < f["starts_at"]:
                f["deadline"] = f["starts_at"]
            interaction = interaction_create(
                by=self.by,
                process=process,
                owner=self._owner(row.extra.get("owner", "")),
                **links,
                **f,
            )
            if row.extra.get("notes"):
                note_add(interaction=interaction, body=row.extra["notes"], by=self.by)
        except ValidationError as exc:
            for message in exc.messages:
                outcome.error(row, "", message)
            return
        if record is not None:
            record.delete()
        self._record(row, interaction, RecordAction.CREATED).save()
        outcome.created += 1
