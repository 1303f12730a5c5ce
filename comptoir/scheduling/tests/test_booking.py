"""Bookings: one slot, one customer; clear refusals; moves and cancellations stay in step."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from comptoir.activities.models import Interaction, Kind, State
from comptoir.activities.services import interaction_move, interaction_set_state
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import Channel, Reminder, Visit, VisitStatus
from comptoir.scheduling.services import (
    SlotTaken,
    visit_book,
    visit_cancel,
    visit_reschedule,
)
from comptoir.scheduling.tests.conftest import at, working_monday
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory, service


def dupont_site(workspace):
    person = PersonFactory(workspace=workspace, last_name="Dupont", first_name="Pierre")
    return SiteFactory(
        person=person, postcode="69003", city="Lyon", latitude=45.764, longitude=4.8357
    )


def book(workspace, when, site):
    return visit_book(service=service(workspace), starts_at=when, channel="phone", site=site)


@pytest.mark.django_db
def test_booking_creates_the_technicians_appointment_with_customer_and_site(
    workspace, agent, gaetan, monday
):
    site = dupont_site(workspace)
    visit = visit_book(
        service=service(workspace),
        starts_at=at(monday, 8),
        channel=Channel.PHONE,
        by=agent,
        person=site.person,
        site=site,
    )
    appointment = visit.interaction
    assert appointment.kind == Kind.APPOINTMENT
    assert appointment.owner == gaetan.user
    assert appointment.person == site.person and appointment.site == site
    assert appointment.duration_minutes == 60
    assert appointment.subject == f"Dépannage électrique · {site.person}"
    assert visit.ends_at == at(monday, 9, 15)  # buffer included
    assert visit.reference.startswith("R-") and visit.reference.endswith("0001")
    assert visit.confirmed_at >= visit.requested_at
    kinds = set(Reminder.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds == {"day_before", "same_day"}


@pytest.mark.django_db
def test_the_same_slot_cannot_be_booked_twice(workspace, agent, gaetan, monday):
    site = dupont_site(workspace)
    visit_book(service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site)
    with pytest.raises(SlotTaken) as taken:
        visit_book(service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site)
    assert "vient d'être pris" in str(taken.value)
    assert taken.value.alternatives
    assert all(s.start >= at(monday, 9, 15) for s in taken.value.alternatives)
    assert Visit.objects.count() == 1 and Interaction.objects.count() == 1


def next_holiday(after):
    """The next public holiday on a weekday (a day the technicians would otherwise work)."""
    from comptoir.lib.holidays import holiday_name

    day = after
    while not holiday_name(day) or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "channel", "message"),
    [
        (lambda m: at(m, 8) - dt.timedelta(days=30), "phone", "déjà passé"),
        (lambda m: at(m, 20), "phone", "en dehors de nos horaires"),
        (lambda m: at(next_holiday(m), 9), "phone", "jour férié"),
        (lambda m: at(m, 8), "online", "ne se réserve pas en ligne"),
    ],
)
def test_bad_requests_are_refused_in_french_and_book_nothing(
    workspace, gaetan, monday, when, channel, message
):
    with pytest.raises(ValidationError) as refused:
        visit_book(service=service(workspace, "tableau"), starts_at=when(monday), channel=channel)
    assert message in str(refused.value)
    assert not Visit.objects.exists() and not Interaction.objects.exists()


@pytest.mark.django_db
def test_a_read_only_user_cannot_book(workspace, gaetan, monday):
    from comptoir.accounts.models import Role
    from comptoir.accounts.tests.factories import UserFactory

    reader = UserFactory(workspace=workspace, role=Role.READ_ONLY)
    with pytest.raises(ValidationError):
        visit_book(service=service(workspace), starts_at=at(monday, 8), channel="phone", by=reader)
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_reschedule_moves_appointment_and_reminders_and_refuses_conflicts(
    workspace, agent, gaetan, monday
):
    site = dupont_site(workspace)
    first = visit_book(
        service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site
    )
    other = visit_book(
        service=service(workspace), starts_at=at(monday, 14), channel="phone", site=site
    )
    tuesday = monday + dt.timedelta(days=1)
    visit_reschedule(visit=first, starts_at=at(tuesday, 10), by=agent)
    first.refresh_from_db()
    assert first.interaction.starts_at == at(tuesday, 10) == first.starts_at
    same_day = Reminder.objects.get(visit=first, kind="same_day")
    assert same_day.due_at.date() == tuesday
    with pytest.raises(ValidationError) as refused:
        visit_reschedule(visit=other, starts_at=at(tuesday, 10, 30), by=agent)
    assert "Chevauche" in str(refused.value)
    other.refresh_from_db()
    assert other.starts_at == at(monday, 14)


@pytest.mark.django_db
def test_dragging_the_appointment_in_the_agenda_is_checked_and_keeps_the_visit_in_step(
    workspace, agent, gaetan, monday
):
    site = dupont_site(workspace)
    visit = visit_book(
        service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site
    )
    AbsenceFactory(technician=gaetan, starts_at=at(monday, 14), ends_at=at(monday, 18))
    with pytest.raises(ValidationError) as refused:
        interaction_move(interaction=visit.interaction, starts_at=at(monday, 15), by=agent)
    assert "indisponible (Formation)" in str(refused.value)
    interaction_move(interaction=visit.interaction, starts_at=at(monday, 10), by=agent)
    visit.refresh_from_db()
    assert visit.starts_at == at(monday, 10) and visit.ends_at == at(monday, 11, 15)


@pytest.mark.django_db
def test_cancel_frees_the_slot_and_cancels_unsent_reminders(workspace, agent, gaetan, monday):
    site = dupont_site(workspace)
    visit = visit_book(
        service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site
    )
    visit_cancel(visit=visit, by=agent, reason="Client absent")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert visit.interaction.state == State.CANCELLED
    assert Reminder.objects.filter(visit=visit, cancelled_at__isnull=True).count() == 0
    again = visit_book(
        service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site
    )
    assert again.pk != visit.pk


@pytest.mark.django_db
def test_cancelling_from_the_agenda_cancels_the_visit(workspace, agent, gaetan, monday):
    site = dupont_site(workspace)
    visit = visit_book(
        service=service(workspace), starts_at=at(monday, 8), channel="phone", site=site
    )
    interaction_set_state(interaction=visit.interaction, state=State.CANCELLED, by=agent)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_attempts_on_one_slot_give_exactly_one_booking(
    workspace, technician
):
    """200 customers click the same slot at once: 1 booked, 199 told it is taken, 0 errors."""
    gaetan = TechnicianFactory(user=technician)
    monday = working_monday()
    site = dupont_site(workspace)
    depannage = service(workspace)
    # As a server would see them: 200 requests at once, served by a pool of 40 workers each
    # holding one database connection (PostgreSQL allows 100 by default).
    workers = 40
    barrier = threading.Barrier(workers)

    def attempt(n):
        try:
            if n < workers:
                barrier.wait(timeout=10)
            visit_book(
                service=depannage,
                starts_at=at(monday, 8),
                channel="phone",
                site=site,
                technician=gaetan if n % 2 else None,
            )
            return "booked"
        except SlotTaken as taken:
            return "taken" if taken.alternatives else "taken-without-alternatives"
        except Exception as error:  # counted: the test asserts there are none
            return f"error: {error!r}"
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(attempt, range(200)))
    errors = [o for o in outcomes if o.startswith("error")]
    assert errors == []
    assert outcomes.count("booked") == 1
    assert outcomes.count("taken") == 199
    assert Visit.objects.filter(status="confirmed").count() == 1


@pytest.mark.django_db
def test_postgresql_itself_refuses_overlapping_visits(workspace, gaetan, monday):
    """The last line of defence: even a write that skips the service cannot overlap."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints are a PostgreSQL feature")
    site = dupont_site(workspace)
    visit = book(workspace, at(monday, 8), site)
    twin = Visit(
        workspace=workspace,
        interaction=Interaction.objects.create(
            workspace=workspace,
            kind=Kind.APPOINTMENT,
            process=visit.interaction.process,
            subject="Doublon",
            owner=gaetan.user,
            starts_at=at(monday, 8, 30),
            duration_minutes=30,
        ),
        technician=gaetan,
        service_type=visit.service_type,
        starts_at=at(monday, 8, 30),
        ends_at=at(monday, 9),
        channel="phone",
        reference="R-X-0001",
        requested_at=at(monday, 7),
    )
    with pytest.raises(IntegrityError, match="visit_no_overlap"), transaction.atomic():
        twin.save()
