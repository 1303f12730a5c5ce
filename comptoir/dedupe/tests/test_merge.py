"""A merge keeps every related row, whatever app it belongs to, and can be undone exactly."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import Company, ContactPoint, Interest, Person
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)
from comptoir.dedupe import services
from comptoir.dedupe.models import DuplicatePair, FieldProvenance, Merge, PairStatus

_counter = itertools.count(1)


def _value_for(field: models.Field, workspace: Any, cache: dict[str, Any]) -> Any:
    """A valid value for a required field of any model (generic row builder)."""
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        target = field.related_model
        if target._meta.label == "accounts.Workspace":
            return workspace
        if isinstance(field, models.OneToOneField):
            return build_row(target, workspace, {}, cache={})
        if target._meta.label not in cache:
            cache[target._meta.label] = build_row(target, workspace, {}, cache)
        return cache[target._meta.label]
    if field.choices:
        return field.choices[0][0]
    n = next(_counter)
    if isinstance(field, models.EmailField):
        return f"rel{n}@example.fr"
    if isinstance(field, models.CharField | models.TextField):
        return f"x{n}"[: field.max_length or 50]
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return dt.date(2024, 1, 1)
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.FloatField):
        # A number that must be unique (a ticket's number in its year…) gets a fresh one.
        return n if _is_unique(field) else 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.FileField):
        return f"tests/rel{n}.bin"  # a stored name is enough: no file is read
    raise NotImplementedError(f"{field.model._meta.label}.{field.name}")


def _is_unique(field: models.Field) -> bool:
    meta = field.model._meta
    groups = [set(names) for names in meta.unique_together]
    groups += [set(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint)]
    return field.unique or any(field.name in group for group in groups)


# Rows that need more than a generic value to be valid: built explicitly.
def _interaction(owner_field: str, target: Any, workspace: Any, cache: dict[str, Any]) -> Any:
    from comptoir.activities.models import Interaction, Process

    process = Process.objects.filter(workspace=workspace).first()
    owner = cache.setdefault("owner", UserFactory(workspace=workspace))
    return Interaction.objects.create(
        workspace=workspace,
        process=process,
        owner=owner,
        subject="Appel",
        starts_at=timezone.now(),
        deadline=timezone.now() + dt.timedelta(days=1),
        **{owner_field: target},
    )


def _site(owner_field: str, target: Any, workspace: Any, cache: dict[str, Any]) -> Any:
    from comptoir.contacts.models import Site

    customer = {} if owner_field != "occupant" else {"person": PersonFactory(workspace=workspace)}
    return Site.objects.create(workspace=workspace, **customer, **{owner_field: target})


SPECIAL = {"activities.interaction": _interaction, "contacts.site": _site}


def build_row(model: type[models.Model], workspace: Any, fixed: dict[str, Any], cache: dict) -> Any:
    values: dict[str, Any] = dict(fixed)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in values or field.attname in values:
            continue
        if field.null or field.has_default() or (field.blank and not field.is_relation):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        values[field.name] = _value_for(field, workspace, cache)
    return model._base_manager.create(**values)


def row_pointing_at(rel: Any, target: Any, workspace: Any, cache: dict) -> Any:
    label = rel.related_model._meta.label_lower
    if label in SPECIAL:
        return SPECIAL[label](rel.field.name, target, workspace, cache)
    if rel.related_model._meta.auto_created:  # a many-to-many table: link to a fresh item
        other = next(
            f
            for f in rel.related_model._meta.concrete_fields
            if f.is_relation and f is not rel.field
        )
        item = build_row(other.related_model, workspace, {}, cache)
        return rel.related_model._base_manager.create(**{rel.field.name: target, other.name: item})
    return build_row(rel.related_model, workspace, {rel.field.name: target}, cache)


@pytest.mark.parametrize(
    ("kind", "model", "factory"),
    [("person", Person, PersonFactory), ("company", Company, CompanyFactory)],
)
def test_merge_relinks_every_relation_found_in_the_model_metadata(
    agent, workspace, kind, model, factory
):
    kept = factory(workspace=workspace)
    merged = factory(workspace=workspace)
    relations = services.relations_to(model)
    # Every installed app's links to people and companies, not a hand-kept list.
    labels = {(r.related_model._meta.label_lower, r.field.name) for r in relations}
    assert ("contacts.contactpoint", kind) in labels
    assert ("activities.interaction", kind) in labels
    assert ("contacts.site", kind) in labels
    cache: dict[str, Any] = {}
    rows = [(rel, row_pointing_at(rel, merged, workspace, cache)) for rel in relations]
    audit = AuditEntry.objects.create(
        workspace=workspace,
        action="update",
        content_type=ContentType.objects.get_for_model(model),
        object_id=merged.pk,
        object_repr=str(merged),
    )
    provenance = FieldProvenance.objects.create(
        workspace=workspace,
        target=model._meta.label_lower,
        object_id=merged.pk,
        field="last_name" if kind == "person" else "name",
        value="Dupond",
        source="Excel",
    )

    services.merge(kind=kind, kept=kept, merged=merged, by=agent)

    assert not model.objects.filter(pk=merged.pk).exists()
    for rel, row in rows:
        row.refresh_from_db()
        assert getattr(row, rel.field.attname) == kept.pk, rel
    audit.refresh_from_db()
    provenance.refresh_from_db()
    assert audit.object_id == kept.pk
    assert provenance.object_id == kept.pk


def _dump_all(workspace: Any) -> dict[str, list[Any]]:
    """Every row of every model that belongs to the workspace (and m2m tables)."""
    out: dict[str, list[Any]] = {}
    skip = {"audit.auditentry", "dedupe.merge", "dedupe.duplicatepair", "dedupe.fieldprovenance"}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in skip or label.startswith(("sessions.", "admin.", "contenttypes.", "auth.")):
            continue
        rows = model._base_manager.all().order_by("pk")
        out[label] = serializers.serialize("python", rows)
    return out


def test_undo_restores_exactly(agent, workspace):
    interest = Interest.objects.create(workspace=workspace, name="Essai A")
    other = Interest.objects.create(workspace=workspace, name="Essai B")
    kept = PersonFactory(workspace=workspace, last_name="Dupont", first_name="Pierre", notes="")
    merged = PersonFactory(
        workspace=workspace, last_name="Dupond", first_name="Pierre", notes="Chien méchant"
    )
    kept.interests.set([interest])
    merged.interests.set([interest, other])
    PhoneFactory(person=kept, workspace=workspace, value="06 12 34 56 78")
    PhoneFactory(person=merged, workspace=workspace, value="06.12.34.56.78")
    PhoneFactory(
        person=merged, workspace=workspace, value="04 78 00 00 01", normalized="+33478000001"
    )
    SiteFactory(person=merged, workspace=workspace)
    AffiliationFactory(person=merged, workspace=workspace)
    occupied = SiteFactory(person=kept, workspace=workspace, occupant=merged)
    pair = DuplicatePair.objects.create(
        workspace=workspace, kind="person", left_id=kept.pk, right_id=merged.pk, score=90
    )
    before = _dump_all(workspace)

    record = services.merge(
        kind="person", kept=kept, merged=merged, choices={"last_name": "merged"}, by=agent
    )
    kept.refresh_from_db()
    assert kept.last_name == "Dupond"  # chosen
    assert kept.notes == "Chien méchant"  # empty on the kept record: filled
    assert set(kept.interests.all()) == {interest, other}
    # One phone both had stays once; the other is added.
    assert sorted(kept.contact_points.values_list("normalized", flat=True)) == [
        "+33478000001",
        "+33612345678",
    ]
    occupied.refresh_from_db()
    assert occupied.occupant_id == kept.pk
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert _dump_all(workspace) != before

    services.merge_undo(merge=Merge.objects.get(pk=record.pk), by=agent)

    after = _dump_all(workspace)
    for label in before:
        assert after[label] == before[label], label
    record.refresh_from_db()
    assert record.undone_at is not None
    with pytest.raises(ValidationError, match="déjà été annulée"):
        services.merge_undo(merge=record, by=agent)


def test_merge_writes_history_on_both_records_and_provenance(agent, workspace):
    kept = PersonFactory(workspace=workspace, last_name="Dupont", first_name="Pierre", city="")
    merged = PersonFactory(workspace=workspace, last_name="Dupont", first_name="P.", city="Lyon")
    services.merge(kind="person", kept=kept, merged=merged, by=agent)
    person_ct = ContentType.objects.get_for_model(Person)
    entries = AuditEntry.objects.filter(content_type=person_ct)
    assert entries.filter(object_id=kept.pk, changes__has_key="fusion").exists()
    assert entries.filter(object_id=merged.pk, action="delete").exists()
    kept.refresh_from_db()
    assert kept.city == "Lyon"
    prov = FieldProvenance.objects.get(object_id=kept.pk, field="city")
    assert (prov.value, prov.source) == ("Lyon", "Fusion")


def test_merge_refuses_a_record_already_merged_and_other_workspaces(agent, outsider, workspace):
    a, b, c = (PersonFactory(workspace=workspace) for _ in range(3))
    services.merge(kind="person", kept=a, merged=b, by=agent)
    with pytest.raises(ValidationError, match="n'existe plus"):
        services.merge(kind="person", kept=c, merged=b, by=agent)
    with pytest.raises(ValidationError, match="n'existe plus"):
        services.merge(kind="person", kept=a, merged=c, by=outsider)
    assert Person.objects.filter(pk=c.pk).exists()


def test_read_only_user_cannot_merge(workspace):
    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY, email="lecteur@duret.example")
    a, b = PersonFactory(workspace=workspace), PersonFactory(workspace=workspace)
    with pytest.raises(PermissionDenied):
        services.merge(kind="person", kept=a, merged=b, by=reader)


def test_undo_waits_for_later_merges_of_the_same_records(agent, workspace):
    a, b, c = (PersonFactory(workspace=workspace) for _ in range(3))
    first = services.merge(kind="person", kept=a, merged=b, by=agent)
    second = services.merge(kind="person", kept=c, merged=a, by=agent)
    with pytest.raises(ValidationError, match="plus récente"):
        services.merge_undo(merge=first, by=agent)
    services.merge_undo(merge=second, by=agent)
    services.merge_undo(merge=first, by=agent)
    assert Person.objects.filter(pk__in=[a.pk, b.pk, c.pk]).count() == 3


def test_contact_point_of_a_site_is_untouched(agent, workspace):
    kept, merged = PersonFactory(workspace=workspace), PersonFactory(workspace=workspace)
    site = SiteFactory(person=merged, workspace=workspace)
    point = ContactPoint.objects.create(
        workspace=workspace, kind="phone", value="0478000002", normalized="+33478000002", site=site
    )
    services.merge(kind="person", kept=kept, merged=merged, by=agent)
    site.refresh_from_db()
    point.refresh_from_db()
    assert site.person_id == kept.pk
    assert point.site_id == site.pk
