"""iCalendar files: an invitation attached to an e-mail, a calendar feed for a phone.

Pure functions over plain values: no database, no settings. Times are written in UTC
(``20250320T073000Z``), which every calendar converts to the reader's zone, so summer and
winter time never shift an appointment. Alarm texts are in the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText

PRODID = "-//Comptoir//Agenda//FR"

REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


@dataclass(frozen=True)
class Person:
    """An organizer or attendee: a name and an e-mail address."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment. ``uid`` stays the same for the life of the appointment and
    ``sequence`` grows with each change, so calendars update it instead of adding another."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    # Alarms, as how long before the start they ring (1 h, 1 day…).
    alarms: Sequence[dt.timedelta] = field(default_factory=tuple)
    organizer: Person | None = None
    attendee: Person | None = None
    stamp: dt.datetime | None = None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("iCalendar times must be time-zone aware")
    return moment.astimezone(dt.UTC)


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _alarm_text(before: dt.timedelta) -> str:
    minutes = int(before.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        if days == 1:
            return _("Rendez-vous demain")
        return ngettext(
            "Rendez-vous dans {count} jour", "Rendez-vous dans {count} jours", days
        ).format(count=days)
    if minutes % 60 == 0:
        return _("Rendez-vous dans {count} h").format(count=minutes // 60)
    return _("Rendez-vous dans {count} min").format(count=minutes)


def _event(item: CalendarEvent, *, now: dt.datetime) -> Event:
    if item.end <= item.start:
        raise ValueError("an event must end after it starts")
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", _utc(item.stamp or now))
    event.add("dtstart", _utc(item.start))
    event.add("dtend", _utc(item.end))
    event.add("sequence", max(int(item.sequence), 0))
    event.add("summary", item.summary)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.organizer is not None:
        event.add("organizer", _address(item.organizer))
    if item.attendee is not None:
        event.add(
            "attendee",
            _address(item.attendee, ROLE="REQ-PARTICIPANT", PARTSTAT="ACCEPTED", RSVP="FALSE"),
        )
    if not item.cancelled:
        for before in item.alarms:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _alarm_text(before))
            alarm.add("trigger", -abs(before))
            event.add_component(alarm)
    return event


def calendar(
    events: Iterable[CalendarEvent],
    *,
    method: str = "",
    name: str = "",
    now: dt.datetime | None = None,
    refresh: dt.timedelta | None = None,
) -> bytes:
    """A VCALENDAR with ``events``, as bytes (UTF-8, CRLF line ends, folded lines).

    ``method``: REQUEST for an invitation, CANCEL to withdraw it, PUBLISH (or nothing) for a
    feed. ``name`` and ``refresh`` are the feed's title and how often subscribers re-read it.
    """
    now = now or dt.datetime.now(dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))
    for item in events:
        cal.add_component(_event(item, now=now))
    return bytes(cal.to_ical())


def invitation(event: CalendarEvent, *, now: dt.datetime | None = None) -> bytes:
    """The .ics to attach to a confirmation: a REQUEST, or a CANCEL for a cancelled event."""
    return calendar([event], method=CANCEL if event.cancelled else REQUEST, now=now)
