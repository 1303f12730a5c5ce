"""iCalendar files: times in UTC whatever the season, alarms, invitations and cancellations."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from comptoir.lib import ics

PARIS = ZoneInfo("Europe/Paris")


def appointment(**fields):
    values = {
        "uid": "rdv-7@comptoir.example",
        "start": dt.datetime(2025, 7, 1, 9, 0, tzinfo=PARIS),
        "end": dt.datetime(2025, 7, 1, 10, 30, tzinfo=PARIS),
        "summary": "Dépannage électrique · Duret Électricité",
        "location": "12 rue des Lilas, 69003 Lyon",
        "description": "Tél : 06 12 34 56 78\nAccès : digicode 4521, 2e étage",
        "alarms": (dt.timedelta(days=1), dt.timedelta(hours=1)),
    }
    values.update(fields)
    return ics.CalendarEvent(**values)


def parse(raw: bytes):
    cal = Calendar.from_ical(raw)
    return cal, list(cal.walk("VEVENT"))


@pytest.mark.parametrize(("day", "utc_hour"), [(dt.date(2025, 7, 1), 7), (dt.date(2025, 1, 14), 8)])
def test_nine_oclock_in_paris_is_written_in_utc_in_summer_and_winter(day, utc_hour):
    start = dt.datetime.combine(day, dt.time(9), PARIS)
    raw = ics.calendar([appointment(start=start, end=start + dt.timedelta(hours=1))])
    text = raw.decode()
    assert f"DTSTART:{day:%Y%m%d}T{utc_hour:02d}0000Z" in text
    _cal, (event,) = parse(raw)
    assert event.decoded("dtstart") == start


def test_the_last_sunday_of_march_keeps_the_wall_clock_time():
    # 2025-03-30: clocks go forward at 2:00; a 9:00 appointment that day is 07:00 UTC.
    start = dt.datetime(2025, 3, 30, 9, 0, tzinfo=PARIS)
    text = ics.calendar([appointment(start=start, end=start + dt.timedelta(hours=1))]).decode()
    assert "DTSTART:20250330T070000Z" in text
    assert "DTEND:20250330T080000Z" in text


def test_an_invitation_is_a_request_with_alarms_text_and_people():
    raw = ics.invitation(
        appointment(
            sequence=3,
            organizer=ics.Person("rdv@duret.example", "Duret Électricité"),
            attendee=ics.Person("jean.dupont@example.org", "M. Jean Dupont"),
        )
    )
    cal, (event,) = parse(raw)
    assert cal["method"] == "REQUEST"
    assert str(event["uid"]) == "rdv-7@comptoir.example"
    assert event["sequence"] == 3
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "12 rue des Lilas, 69003 Lyon"
    assert "digicode 4521" in str(event["description"])
    assert str(event["organizer"]) == "mailto:rdv@duret.example"
    assert str(event["attendee"]) == "mailto:jean.dupont@example.org"
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [-dt.timedelta(days=1), -dt.timedelta(hours=1)]
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_a_cancellation_has_method_cancel_the_same_uid_and_no_alarm():
    raw = ics.invitation(appointment(cancelled=True, sequence=9))
    cal, (event,) = parse(raw)
    assert cal["method"] == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == "rdv-7@comptoir.example"
    assert event["sequence"] == 9
    assert not list(event.walk("VALARM"))


def test_a_feed_has_a_name_a_refresh_interval_and_every_event():
    first = appointment(uid="a@x")
    second = appointment(
        uid="b@x", start=first.start + dt.timedelta(days=1), end=first.end + dt.timedelta(days=1)
    )
    cal, events = parse(
        ics.calendar(
            [first, second],
            method=ics.PUBLISH,
            name="Duret · Gaëtan",
            refresh=dt.timedelta(hours=1),
        )
    )
    assert str(cal["x-wr-calname"]) == "Duret · Gaëtan"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in cal.to_ical().decode()
    assert [str(e["uid"]) for e in events] == ["a@x", "b@x"]


def test_naive_or_backwards_times_are_refused():
    with pytest.raises(ValueError):
        ics.calendar(
            [appointment(start=dt.datetime(2025, 7, 1, 9), end=dt.datetime(2025, 7, 1, 10))]
        )
    start = dt.datetime(2025, 7, 1, 9, tzinfo=PARIS)
    with pytest.raises(ValueError):
        ics.calendar([appointment(start=start, end=start)])
