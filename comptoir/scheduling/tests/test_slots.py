"""The slot engine: hours, bookings, absences, holidays, travel, capacity, skills, zones, DST."""

import datetime as dt

import pytest

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import Channel
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.slots import Need, conflicts, find_slots
from comptoir.scheduling.tests.conftest import PARIS, at
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory, service

LYON = (45.7640, 4.8357)
VILLEFRANCHE = (45.9899, 4.7188)  # about 30 km north of Lyon
VILLEURBANNE = (45.7719, 4.8902)


def lyon_site(workspace, **kwargs):
    person = PersonFactory(workspace=workspace, last_name="Dupont", first_name="Pierre")
    return SiteFactory(
        person=person, postcode="69003", city="Lyon", latitude=LYON[0], longitude=LYON[1], **kwargs
    )


@pytest.mark.django_db
def test_first_slots_are_the_start_of_the_working_day(workspace, gaetan, monday):
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=LYON)
    slots = find_slots(need, limit=3)
    assert [s.start for s in slots] == [at(monday, 8), at(monday, 8, 30), at(monday, 9)]
    assert all(s.end - s.start == dt.timedelta(hours=1) for s in slots)
    assert slots[0].technician_name.startswith("Gaëtan")


@pytest.mark.django_db
def test_slots_stay_inside_working_periods_with_the_buffer(workspace, gaetan, monday):
    # 60 min + 15 min buffer: the last morning start is 10:30 (ends 11:45 ≤ 12:00), not 11:00.
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=LYON)
    starts = {s.start for s in find_slots(need, limit=100)}
    assert at(monday, 10, 30) in starts
    assert at(monday, 11) not in starts
    assert at(monday, 12, 30) not in starts
    assert at(monday, 14) in starts


@pytest.mark.django_db
def test_a_booking_removes_its_slot_and_the_drive_around_it(workspace, gaetan, monday):
    dupont = lyon_site(workspace)
    visit_book(
        service=service(workspace),
        starts_at=at(monday, 9),
        channel=Channel.STAFF,
        site=dupont,
        person=dupont.person,
    )
    # Next door (Villeurbanne, 10 min away): 9:00-10:00, 15 min buffer, 10 min drive → 10:30.
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=VILLEURBANNE)
    morning = [s.start for s in find_slots(need, limit=100) if s.start < at(monday, 12)]
    assert morning == [at(monday, 10, 30)]
    # 30 km away, the drive leaves no room before noon; the afternoon is free.
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=VILLEFRANCHE)
    starts = [s.start for s in find_slots(need, limit=100)]
    assert [s for s in starts if s < at(monday, 12)] == []
    assert starts[0] == at(monday, 14)


@pytest.mark.django_db
def test_absences_and_public_holidays_have_no_slots(workspace, gaetan, monday):
    AbsenceFactory(technician=gaetan, starts_at=at(monday, 0), ends_at=at(monday, 23, 59))
    need = Need(service=service(workspace), earliest=at(monday, 0), days=2, point=LYON)
    slots = find_slots(need, limit=100)
    assert slots and all(
        s.start.astimezone(PARIS).date() == monday + dt.timedelta(days=1) for s in slots
    )
    christmas = dt.date(monday.year, 12, 25)
    need = Need(service=service(workspace), earliest=at(christmas, 0), days=1, point=LYON)
    assert find_slots(need) == []


@pytest.mark.django_db
def test_daily_capacity_is_respected(workspace, technician, monday):
    gaetan = TechnicianFactory(user=technician, daily_capacity_minutes=180)
    dupont = lyon_site(workspace)
    for hour in (8, 10):
        visit_book(
            service=service(workspace, duration_minutes=60),
            starts_at=at(monday, hour),
            channel=Channel.STAFF,
            site=dupont,
            technician=gaetan,
        )
    # 2 h planned, 3 h allowed: a 60-minute job still fits, a 90-minute one does not.
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=LYON)
    assert find_slots(need)
    need = Need(
        service=service(workspace, duration_minutes=90), earliest=at(monday, 0), days=1, point=LYON
    )
    assert find_slots(need) == []


@pytest.mark.django_db
def test_only_qualified_technicians_in_zone_are_proposed(workspace, gaetan, monday):
    karim = TechnicianFactory(
        user=UserFactory(workspace=workspace, role=Role.TECHNICIAN, first_name="Karim"),
        skills=["vmc"],
    )
    vmc = Need(service=service(workspace, "vmc"), earliest=at(monday, 0), days=1, point=LYON)
    assert {s.technician_id for s in find_slots(vmc, limit=50)} == {karim.pk}
    gaetan.zone_postcodes = "69, 01700"
    gaetan.save()
    far = Need(service=service(workspace), earliest=at(monday, 0), days=1, postcode="75011")
    assert find_slots(far) == []
    near = Need(service=service(workspace), earliest=at(monday, 0), days=1, postcode="01700")
    assert find_slots(near)


@pytest.mark.django_db
def test_soonest_first_then_least_travel(workspace, gaetan, monday):
    villefranche = TechnicianFactory(
        user=UserFactory(workspace=workspace, role=Role.TECHNICIAN, first_name="Alain"),
        home_latitude=VILLEFRANCHE[0],
        home_longitude=VILLEFRANCHE[1],
    )
    need = Need(service=service(workspace), earliest=at(monday, 0), days=1, point=LYON)
    first = find_slots(need, limit=2)
    assert first[0].start == first[1].start == at(monday, 8)
    assert first[0].technician_id == gaetan.pk  # lives in Lyon
    assert first[1].technician_id == villefranche.pk
    assert first[0].travel_minutes < first[1].travel_minutes
    distinct = find_slots(need, limit=2, distinct_starts=True)
    assert [s.start for s in distinct] == [at(monday, 8), at(monday, 8, 30)]


@pytest.mark.django_db
def test_working_hours_follow_wall_clock_time_across_daylight_saving(workspace, gaetan):
    # Last Sunday of March: the Monday after starts at 8:00 Paris time, i.e. 06:00 UTC.
    for year in range(dt.date.today().year + 1, dt.date.today().year + 10):
        march_end = dt.date(year, 3, 31)
        sunday = march_end - dt.timedelta(days=(march_end.weekday() + 1) % 7)
        monday = sunday + dt.timedelta(days=1)
        friday = sunday - dt.timedelta(days=2)
        if holiday_free(friday) and holiday_free(monday):
            break
    need = Need(service=service(workspace), earliest=at(friday, 0), days=4, point=LYON)
    slots = find_slots(need, limit=200, distinct_starts=True)
    first_by_day = {}
    for s in slots:
        first_by_day.setdefault(s.start.astimezone(PARIS).date(), s.start)
    assert first_by_day[friday].astimezone(dt.UTC).hour == 7
    assert first_by_day[monday].astimezone(dt.UTC).hour == 6
    assert first_by_day[monday].astimezone(PARIS).hour == 8


def holiday_free(day):
    from comptoir.lib.holidays import holiday_name

    return holiday_name(day) is None


@pytest.mark.django_db
def test_conflicts_explain_why_in_french(workspace, gaetan, monday):
    dupont = lyon_site(workspace)
    visit_book(
        service=service(workspace),
        starts_at=at(monday, 9),
        channel=Channel.STAFF,
        site=dupont,
        person=dupont.person,
        subject="Fuite tableau",
    )
    AbsenceFactory(technician=gaetan, starts_at=at(monday, 15), ends_at=at(monday, 17))
    overlap = conflicts(technician=gaetan, start=at(monday, 9, 30), end=at(monday, 10, 30))
    assert any("Chevauche « Fuite tableau »" in r for r in overlap)
    night = conflicts(technician=gaetan, start=at(monday, 19), end=at(monday, 20))
    assert any("En dehors des horaires" in r and "08:00–12:00" in r for r in night)
    absent = conflicts(technician=gaetan, start=at(monday, 15), end=at(monday, 16))
    assert any("est indisponible (Formation)" in r for r in absent)
    assert conflicts(technician=gaetan, start=at(monday, 14), end=at(monday, 15)) == []
