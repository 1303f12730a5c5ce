"""Live events: a short-lived log that open pages follow through Server-Sent Events."""

from __future__ import annotations

from django.db import models


class LiveEventQuerySet(models.QuerySet["LiveEvent"]):
    def for_topics(self, workspace_id: int, topics: list[str]) -> LiveEventQuerySet:
        return self.filter(workspace_id=workspace_id, topic__in=topics)


class LiveEvent(models.Model):
    """One event on one topic; kept ten minutes so a reconnecting page can catch up.

    ``key`` is shared by the rows of one ``publish()`` call: a page following several of its
    topics receives the event once.
    """

    workspace_id = models.PositiveBigIntegerField(db_index=True)
    topic = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    objects = LiveEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["workspace_id", "topic", "id"], name="live_ws_topic_id")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.kind} #{self.pk}"
