"""Read a Server-Sent Events stream the way a browser would, with a deadline."""

import json
import threading
import time

from django.db import connections
from django.urls import reverse

EVENTS = reverse("live:events")


def events_url(*topics, **params):
    query = "&".join([f"topics={','.join(topics)}", *(f"{k}={v}" for k, v in params.items())])
    return f"{EVENTS}?{query}"


def parse(chunks):
    """The ``(id, data)`` of every event in the text read so far."""
    found = []
    for block in "".join(chunks).split("\n\n"):
        lines = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if "data" in lines:
            found.append((int(lines["id"]), json.loads(lines["data"])))
    return found


def read_until_event(iterator, *, timeout=3.0, count=1):
    """Chunks until ``count`` events arrived or ``timeout`` passed (heartbeats keep it moving)."""
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline and len(parse(chunks)) < count:
        try:
            chunk = next(iterator)
        except StopIteration:
            break
        chunks.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
    return parse(chunks)


def later(function, delay=0.2):
    """Run ``function`` in another thread after ``delay``, as a colleague's request would."""

    def run():
        try:
            function()
        finally:
            connections.close_all()  # this thread's own connection, as at the end of a request

    thread = threading.Timer(delay, run)
    thread.start()
    return thread
