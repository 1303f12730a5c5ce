import datetime as dt
from zoneinfo import ZoneInfo

from comptoir.messaging.services import appointment_context

PARIS = ZoneInfo("Europe/Paris")


def booking_context(workspace, **overrides):
    values = {
        "workspace": workspace,
        "client_name": "M. Jean Dupont",
        "starts_at": dt.datetime(2025, 3, 20, 8, 30, tzinfo=PARIS),
        "ends_at": dt.datetime(2025, 3, 20, 10, 0, tzinfo=PARIS),
        "address": "12 rue des Lilas, 69003 Lyon",
        "service": "Dépannage électrique",
        "technician": "Gaëtan",
        "reference": "R-2025-0118",
        "change_url": "https://comptoir.example/r/duret/rdv/k3P9xQ/",
    }
    values.update(overrides)
    return appointment_context(**values)


def ics_bytes(uid="rdv-118@comptoir.example"):
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Comptoir//FR")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("summary", "Dépannage électrique")
    event.add("dtstart", dt.datetime(2025, 3, 20, 8, 30, tzinfo=PARIS))
    event.add("dtend", dt.datetime(2025, 3, 20, 10, 0, tzinfo=PARIS))
    event.add("location", "12 rue des Lilas, 69003 Lyon")
    cal.add_component(event)
    return cal.to_ical()
