import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from comptoir.live.models import LiveEvent
from comptoir.live.services import live_events_prune, publish
from comptoir.live.tasks import live_events_prune_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_publish_waits_for_the_commit(workspace):
    with transaction.atomic():
        publish(
            workspace_id=workspace.pk,
            topics=["user:1", f"workspace:{workspace.pk}:bookings"],
            kind="booking",
            payload={"subject": "Dépannage", "at": timezone.now()},
        )
        assert not LiveEvent.objects.exists()

    rows = list(LiveEvent.objects.order_by("topic"))
    assert [r.topic for r in rows] == ["user:1", f"workspace:{workspace.pk}:bookings"]
    assert {r.kind for r in rows} == {"booking"}
    assert len({r.key for r in rows}) == 1  # one event, followed on two topics
    assert isinstance(rows[0].payload["at"], str)  # dates travel as ISO text


def test_a_rolled_back_change_publishes_nothing(workspace):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(workspace_id=workspace.pk, topics=["user:1"], kind="interaction", payload={})
        raise RuntimeError("refused")

    assert not LiveEvent.objects.exists()


def test_prune_forgets_events_older_than_ten_minutes(workspace):
    publish(workspace_id=workspace.pk, topics=["user:1"], kind="interaction", payload={"n": 1})
    publish(workspace_id=workspace.pk, topics=["user:1"], kind="interaction", payload={"n": 2})
    LiveEvent.objects.filter(payload__n=1).update(
        created_at=timezone.now() - dt.timedelta(minutes=11)
    )

    assert live_events_prune() == 1
    assert [e.payload["n"] for e in LiveEvent.objects.all()] == [2]

    LiveEvent.objects.update(created_at=timezone.now() - dt.timedelta(minutes=11))
    live_events_prune_task()  # what the worker runs every five minutes
    assert not LiveEvent.objects.exists()
