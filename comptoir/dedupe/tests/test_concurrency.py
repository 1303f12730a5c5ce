"""Merges and undos racing each other: whatever the order, the records stay coherent.

Written for PostgreSQL (row locks, READ COMMITTED); on SQLite writers are serialised and the
same invariants hold.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from comptoir.contacts.models import ContactPoint, Person
from comptoir.contacts.tests.factories import PersonFactory
from comptoir.dedupe import services
from comptoir.dedupe.models import Merge

pytestmark = pytest.mark.django_db(transaction=True)


def _phone(person, e164):
    return ContactPoint.objects.create(
        workspace=person.workspace, kind="phone", value=e164, normalized=e164, person=person
    )


def _wait_until_someone_waits_for_a_lock(timeout=5.0):
    """On PostgreSQL, until another connection is blocked on a row lock; elsewhere a pause."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("nobody ended up waiting for the lock")


def _run(target, outcomes, key):
    def body():
        try:
            target()
            outcomes[key] = "ok"
        except ValidationError as exc:
            outcomes[key] = " ".join(exc.messages)
        finally:
            connection.close()

    return threading.Thread(target=body)


def test_chained_merges_at_once_lose_nothing(agent, workspace):
    """B into A while C goes into B: whichever wins, no phone is lost or orphaned."""
    a, b, c = (PersonFactory(workspace=workspace, last_name=f"Dupont{i}") for i in range(3))
    for person, number in ((a, "+33600000001"), (b, "+33600000002"), (c, "+33600000003")):
        _phone(person, number)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def b_into_a():
        barrier.wait()
        services.merge(kind="person", kept=a, merged=b, by=agent)

    def c_into_b():
        barrier.wait()
        services.merge(kind="person", kept=b, merged=c, by=agent)

    threads = [_run(b_into_a, outcomes, "ab"), _run(c_into_b, outcomes, "bc")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes["ab"] == "ok", outcomes
    assert ContactPoint.objects.count() == 3
    assert not Person.objects.filter(pk=b.pk).exists()
    owners = set(ContactPoint.objects.values_list("person_id", flat=True))
    assert owners <= set(Person.objects.values_list("pk", flat=True))
    if outcomes["bc"] == "ok":
        # C went into B first, then B (with C's phone) into A.
        assert owners == {a.pk}
        assert not Person.objects.filter(pk=c.pk).exists()
    else:
        assert "n'existe plus" in outcomes["bc"]
        assert owners == {a.pk, c.pk}
        assert Merge.objects.count() == 1


def test_undo_racing_a_new_merge_of_the_kept_record(agent, workspace):
    """Undoing B→A while D→A commits: the undo is refused, D's values on A are not wiped."""
    a = PersonFactory(workspace=workspace, last_name="Dupont", city="")
    b = PersonFactory(workspace=workspace, last_name="Dupond", city="")
    d = PersonFactory(workspace=workspace, last_name="Dupon", city="Vénissieux")
    first = services.merge(kind="person", kept=a, merged=b, by=agent)
    outcomes: dict[str, str] = {}
    locked = threading.Event()
    undo_waiting = threading.Event()

    def merge_d_into_a():
        with transaction.atomic():
            Person.objects.select_for_update().get(pk=a.pk)
            locked.set()
            undo_waiting.wait(5)
            services.merge(kind="person", kept=a, merged=d, by=agent, choices={"city": "merged"})

    def undo_first():
        locked.wait(5)
        services.merge_undo(merge=Merge.objects.get(pk=first.pk), by=agent)

    merging = _run(merge_d_into_a, outcomes, "merge")
    undoing = _run(undo_first, outcomes, "undo")
    merging.start()
    undoing.start()
    locked.wait(5)
    _wait_until_someone_waits_for_a_lock()
    undo_waiting.set()
    merging.join()
    undoing.join()

    assert outcomes["merge"] == "ok", outcomes
    assert "fusion plus récente" in outcomes["undo"], outcomes
    assert Person.objects.get(pk=a.pk).city == "Vénissieux"
    assert not Person.objects.filter(pk__in=[b.pk, d.pk]).exists()
    first.refresh_from_db()
    assert first.undone_at is None
