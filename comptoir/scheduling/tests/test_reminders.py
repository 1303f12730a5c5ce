"""Reminders: the day before and the same morning, appointments only, never twice."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from comptoir.activities.models import Kind, Process
from comptoir.activities.services import interaction_create
from comptoir.contacts.tests.factories import PersonFactory, PhoneFactory, SiteFactory
from comptoir.messaging.models import Message
from comptoir.messaging.sms import LocmemBackend
from comptoir.scheduling.models import BookingSettings, Channel, Reminder, Visit
from comptoir.scheduling.notify import reminders_send_due
from comptoir.scheduling.services import visit_book, visit_cancel, visit_reschedule
from comptoir.scheduling.tasks import reminders_send_due_task
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service


def customer_site(workspace):
    person = PersonFactory(workspace=workspace, first_name="Jean", last_name="Dupont")
    PhoneFactory(person=person, normalized="+33612345678", value="06 12 34 56 78")
    PhoneFactory(
        person=person,
        kind="email",
        label="home",
        value="jean.dupont@example.org",
        normalized="jean.dupont@example.org",
    )
    return SiteFactory(
        person=person, postcode="69003", city="Lyon", latitude=45.764, longitude=4.8357
    )


def book(workspace, monday, hour=10):
    site = customer_site(workspace)
    return visit_book(
        service=service(workspace),
        starts_at=at(monday, hour),
        channel=Channel.PHONE,
        person=site.person,
        site=site,
    )


def reminders_sent(code):
    return list(Message.objects.filter(template_code=code).order_by("id"))


def day_before(monday, hour=18, minute=0):
    return at(monday - dt.timedelta(days=1), hour, minute)


@pytest.mark.django_db
def test_nothing_goes_before_the_reminder_hour(workspace, gaetan, monday):
    book(workspace, monday)
    with time_machine.travel(day_before(monday, 17, 59), tick=False):
        assert reminders_send_due() == 0
    assert not Message.objects.filter(template_code__startswith="reminder").exists()


@pytest.mark.django_db
def test_the_day_before_reminder_goes_once_by_email_and_sms(
    workspace, gaetan, monday, django_capture_on_commit_callbacks, mailoutbox
):
    visit = book(workspace, monday)
    with (
        time_machine.travel(day_before(monday, 18, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0  # run twice: nothing more
    with time_machine.travel(day_before(monday, 18, 5), tick=False):
        assert reminders_send_due() == 0
    sent = reminders_sent("reminder_day_before")
    assert {m.channel for m in sent} == {"email", "sms"} and len(sent) == 2
    assert all(m.interaction_id == visit.interaction_id for m in sent)
    (mail,) = mailoutbox
    assert mail.subject == "Rappel : rendez-vous demain à 10 h"
    assert mail.to == ["jean.dupont@example.org"]
    (sms,) = LocmemBackend.outbox
    assert sms["to"] == "+33612345678" and "rappel, RDV demain" in sms["text"]
    assert Reminder.objects.get(visit=visit, kind="day_before").sent_at == day_before(monday)
    assert Reminder.objects.get(visit=visit, kind="same_day").sent_at is None


@pytest.mark.django_db
def test_the_same_day_reminder_goes_in_the_morning_at_the_configured_hour(
    workspace, gaetan, monday, django_capture_on_commit_callbacks
):
    BookingSettings.objects.filter(workspace=workspace).update(reminder_same_day_hour=6)
    book(workspace, monday)
    with time_machine.travel(day_before(monday, 18), tick=False):
        reminders_send_due()
    with time_machine.travel(at(monday, 5, 59), tick=False):
        assert reminders_send_due() == 0
    with (
        time_machine.travel(at(monday, 6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_send_due() == 1
    (mail,) = [m for m in reminders_sent("reminder_same_day") if m.channel == "email"]
    assert mail.subject == "Votre rendez-vous aujourd'hui à 10 h"


@pytest.mark.django_db
def test_a_day_before_reminder_never_goes_on_the_day_itself(workspace, gaetan, monday):
    """The worker was stopped all evening: "demain" would be wrong the next morning."""
    visit = book(workspace, monday)
    with time_machine.travel(at(monday, 7, 30), tick=False):
        assert reminders_send_due() == 1  # the same-day one only
    assert not reminders_sent("reminder_day_before")
    assert Reminder.objects.get(visit=visit, kind="day_before").cancelled_at is not None


@pytest.mark.django_db
def test_a_visit_moved_after_its_reminder_is_reminded_again_for_the_new_date(
    workspace, gaetan, agent, monday, django_capture_on_commit_callbacks
):
    visit = book(workspace, monday)
    with time_machine.travel(day_before(monday), tick=False):
        reminders_send_due()
        # Sunday evening the customer calls: Tuesday instead.
        visit_reschedule(
            visit=Visit.objects.get(pk=visit.pk),
            starts_at=at(monday + dt.timedelta(days=1), 9),
            by=agent,
        )
        assert reminders_send_due() == 0  # not due yet: Monday 18:00
    tuesday = monday + dt.timedelta(days=1)
    with (
        time_machine.travel(at(monday, 18), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    with time_machine.travel(at(monday, 18, 1), tick=False):
        assert reminders_send_due() == 0
    emails = [m for m in reminders_sent("reminder_day_before") if m.channel == "email"]
    assert len(emails) == 2
    assert "10 h" in emails[0].subject and "9 h" in emails[1].subject
    assert str(tuesday.day) in emails[1].body


@pytest.mark.django_db
def test_a_cancelled_visit_is_not_reminded(workspace, gaetan, agent, monday):
    visit = book(workspace, monday)
    visit_cancel(visit=visit, by=agent)
    assert Reminder.objects.filter(visit=visit, cancelled_at__isnull=False).count() == 2
    with time_machine.travel(at(monday, 8), tick=False):
        assert reminders_send_due() == 0
    assert not Message.objects.filter(template_code__startswith="reminder").exists()


@pytest.mark.django_db
def test_tasks_never_get_reminders(workspace, agent, monday):
    task = interaction_create(
        by=agent,
        kind=Kind.TASK,
        subject="Rappeler M. Dupont",
        process=Process.objects.get(workspace=workspace, code="support"),
        starts_at=at(monday, 10),
        deadline=at(monday, 12),
    )
    assert not Reminder.objects.exists()
    for moment in (day_before(monday), at(monday, 7), at(monday, 9, 59)):
        with time_machine.travel(moment, tick=False):
            assert reminders_send_due() == 0
    assert not Message.objects.filter(interaction=task).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_minute_send_one_reminder(workspace, gaetan, monday):
    book(workspace, monday)
    results = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(reminders_send_due())
        finally:
            connection.close()

    with time_machine.travel(day_before(monday), tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == [0, 1]
    assert Message.objects.filter(template_code="reminder_day_before", channel="email").count() == 1
    assert Message.objects.filter(template_code="reminder_day_before", channel="sms").count() == 1
    assert len([s for s in LocmemBackend.outbox if "rappel" in s["text"]]) == 1


@pytest.mark.django_db
def test_the_command_sends_what_is_due(workspace, gaetan, monday, capsys):
    book(workspace, monday)
    with time_machine.travel(day_before(monday), tick=False):
        call_command("scheduling_send_reminders")
        call_command("scheduling_send_reminders")
    out = capsys.readouterr().out
    assert out.splitlines() == ["1 rappel envoyé.", "0 rappels envoyés."]


def test_the_worker_runs_the_reminder_task_every_minute():
    """``run_huey`` (started by ``make run``) discovers the tasks modules and runs periodic ones."""
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    periodic = {HUEY._registry.task_to_string(type(t)) for t in HUEY._registry.periodic_tasks}
    assert "comptoir.scheduling.tasks.reminders_send_due_task" in periodic
    assert ConsumerConfig().periodic is True
    for minute in (0, 17, 59):
        assert reminders_send_due_task.s().validate_datetime(dt.datetime(2030, 1, 7, 18, minute))


@pytest.mark.django_db
def test_a_day_before_reminder_fires_through_the_periodic_task_to_the_smtp_server(
    workspace, gaetan, monday, smtp_server, django_capture_on_commit_callbacks
):
    """The quality bar's time travel: book, jump to the evening before, let the task run."""
    visit = book(workspace, monday, hour=14)
    with (
        time_machine.travel(day_before(monday, 18, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_send_due_task.call_local()
    (mail,) = smtp_server.messages
    assert str(mail["Subject"]).strip() == "Rappel : rendez-vous demain à 14 h"
    assert mail["To"] == "jean.dupont@example.org"
    body = mail.get_body(("plain",)).get_content()
    assert "Nous vous rappelons votre rendez-vous de demain" in body
    assert visit.reference in body
