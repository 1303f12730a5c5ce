"""The dashboard's figures on crafted data whose answers are known."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from comptoir.activities.models import Interaction, Kind, Process, Stage, State
from comptoir.calls.models import Call, CallStatus
from comptoir.field import services as field_services
from comptoir.field.tests.factories import customer, visit
from comptoir.reports import selectors
from comptoir.scheduling.models import Visit, VisitStatus
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory
from comptoir.tickets.models import Status, Ticket, TicketChannel
from comptoir.tickets.tests.factories import open_ticket

PARIS = ZoneInfo("Europe/Paris")
# Monday 3 March 2025 → Sunday 16 March 2025: two ISO weeks (S10, S11), no public holiday.
START, END = dt.date(2025, 3, 3), dt.date(2025, 3, 16)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=PARIS)


def ticket(by, created_at, **fields):
    """A ticket opened through the service, then moved back in time with the given times."""
    channel = fields.pop("channel", TicketChannel.PHONE)
    found = open_ticket(by=by, channel=channel)
    fields.setdefault("first_response_due_at", None)
    fields.setdefault("resolution_due_at", None)
    Ticket.objects.filter(pk=found.pk).update(created_at=created_at, **fields)
    return found


def test_nps_of_the_crafted_set_is_40():
    # 6 promoters (9-10), 2 passives (7-8), 2 detractors (0-6): 60 % − 20 % = 40.
    assert selectors.nps([9, 10, 9, 10, 9, 10, 7, 8, 0, 6]) == 40
    assert selectors.nps([0, 3, 6]) == -100
    assert selectors.nps([7, 8]) == 0
    assert selectors.nps([]) is None


def test_csat_average_and_weekly_trend():
    assert selectors.csat_average([5, 4, 4, 3]) == 4.0
    assert selectors.csat_average([]) is None
    answers = [
        (at(4), 5, 10),
        (at(5), 4, 9),
        (at(6), 3, 6),
        (at(11), 2, 3),  # second week
    ]
    figures = selectors.satisfaction_from(answers, start=START, end=END, tz=PARIS)
    assert figures.csat == 3.5
    assert figures.nps == 0  # 2 promoters, 2 detractors out of 4
    assert [(w.csat, w.nps, w.answers) for w in figures.weeks] == [(4.0, 33, 3), (2.0, -100, 1)]


@pytest.mark.django_db
def test_requests_per_channel_and_week(agent):
    ticket(agent, at(3), channel=TicketChannel.PHONE)
    ticket(agent, at(4), channel=TicketChannel.PHONE)
    ticket(agent, at(7, 17), channel=TicketChannel.EMAIL)
    ticket(agent, at(10), channel=TicketChannel.PORTAL)
    ticket(agent, at(16, 23, 30), channel=TicketChannel.PHONE)  # Sunday night, Paris time
    ticket(agent, at(17, 0, 30), channel=TicketChannel.PHONE)  # after the period
    ticket(agent, at(2, 23), channel=TicketChannel.PHONE)  # before
    figures = selectors.requests_by_channel(agent.workspace_id, START, END)
    assert figures.total == 5
    assert figures.weeks == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    assert {s.code: s.counts for s in figures.series} == {
        "phone": [2, 1],
        "email": [1, 0],
        "portal": [0, 1],
    }


@pytest.mark.django_db
def test_first_response_and_resolution_median_and_p90(agent):
    # Ten tickets answered after 1 h … 10 h: median 5 h 30, p90 9 h 06.
    for hours in range(1, 11):
        ticket(agent, at(4, 8), first_response_at=at(4, 8) + dt.timedelta(hours=hours))
    # Two answered and resolved in the second week, after 2 and 4 days.
    ticket(agent, at(8, 10), resolved_at=at(10, 10), first_response_at=at(10, 9))
    ticket(agent, at(8, 10), resolved_at=at(12, 10), first_response_at=at(10, 9))
    # Answered before the period: not counted.
    ticket(agent, at(20, 10, month=2), first_response_at=at(20, 11, month=2))
    times = selectors.response_times(agent.workspace_id, START, END)
    assert times.first_response is not None
    assert times.first_response.count == 12
    first_week = times.weeks[0].first_response
    assert first_week is not None and first_week.count == 10
    assert first_week.median == pytest.approx(5.5 * 3600)
    assert first_week.p90 == pytest.approx(9.1 * 3600)
    assert (first_week.median_label, first_week.p90_label) == ("5 h 30", "9 h 06")
    second_week = times.weeks[1].first_response
    assert second_week is not None and second_week.median == pytest.approx(47 * 3600)
    assert times.resolution is not None
    assert times.resolution.count == 2
    assert times.resolution.median == pytest.approx(3 * 86400)
    assert times.resolution.median_label == "3 j"
    assert times.weeks[0].resolution is None
    assert times.weeks[1].resolution is not None


@pytest.mark.django_db
def test_sla_compliance_counts_only_decided_tickets(agent):
    now = at(20, 12)
    due = {"first_response_due_at": at(5, 12), "resolution_due_at": at(7, 12)}
    # Met: answered and resolved in time (three of them).
    for _ in range(3):
        ticket(agent, at(5, 9), first_response_at=at(5, 10), resolved_at=at(6, 10), **due)
    # Missed: late answer; and no answer at all once the due time has passed.
    ticket(agent, at(5, 9), first_response_at=at(5, 13), resolved_at=at(6, 10), **due)
    ticket(agent, at(5, 9), **due)
    # Undecided: answered in time, resolution due after "now".
    ticket(
        agent,
        at(12, 9),
        first_response_at=at(12, 10),
        first_response_due_at=at(12, 12),
        resolution_due_at=at(25, 12),
    )
    # Undecided: waiting for the customer, the clock is stopped.
    ticket(agent, at(12, 9), status=Status.WAITING, **due)
    # No SLA: ignored.
    ticket(agent, at(12, 9))
    sla = selectors.sla_compliance(agent.workspace_id, START, END, now=now)
    assert (sla.met, sla.breached, sla.pending) == (3, 2, 2)
    assert sla.rate == 60.0
    assert sla.on_target is False
    assert [(w.met, w.breached) for w in sla.weeks] == [(3, 2), (0, 0)]
    assert sla.weeks[1].rate is None


@pytest.mark.django_db
def test_backlog_at_the_end_of_the_period_and_of_each_week(agent):
    ticket(agent, at(20, month=2))  # still open
    ticket(agent, at(20, month=2), resolved_at=at(1))  # resolved before the period
    ticket(agent, at(4), resolved_at=at(11))  # open at the end of the first week only
    ticket(agent, at(12), status=Status.CLOSED, closed_at=at(14))  # closed without resolution
    ticket(agent, at(13))  # opened in the second week, still open
    figures = selectors.backlog(agent.workspace_id, START, END, now=at(30))
    assert figures.weeks == [(dt.date(2025, 3, 3), 2), (dt.date(2025, 3, 10), 2)]
    assert figures.open_at_end == 2


@pytest.mark.django_db
def test_share_of_calls_traced(agent):
    process = Process.objects.get(workspace=agent.workspace, code="appel")

    def call(n, started_at, status=CallStatus.ENDED, traced=True, callback=False):
        def task():
            return Interaction.objects.create(
                workspace=agent.workspace,
                kind=Kind.TASK,
                process=process,
                subject="Appel",
                owner=agent,
                starts_at=started_at,
                state=State.DONE,
            )

        return Call.objects.create(
            workspace=agent.workspace,
            call_id=f"c{n}",
            status=status,
            started_at=started_at,
            interaction=task() if traced else None,
            callback_task=task() if callback else None,
        )

    call(1, at(3, 9))
    call(2, at(4, 9))
    call(3, at(11, 9))
    call(4, at(12, 9), status=CallStatus.MISSED, callback=True)
    call(5, at(12, 10), traced=False)  # the PBX event arrived but nothing was written
    call(6, at(12, 11), status=CallStatus.RINGING, traced=False)  # not finished: not counted
    call(7, at(20, 9), traced=False)  # after the period
    calls = selectors.calls_traced(agent.workspace_id, START, END)
    assert (calls.total, calls.traced, calls.untraced) == (5, 4, 1)
    assert calls.rate == 80.0
    assert (calls.missed, calls.callbacks) == (1, 1)
    assert calls.weeks == [(dt.date(2025, 3, 3), 2, 2), (dt.date(2025, 3, 10), 3, 2)]


@pytest.mark.django_db
def test_technician_workload_booked_against_capacity(workspace):
    gaetan = TechnicianFactory(user__workspace=workspace, user__first_name="Gaëtan")
    other = TechnicianFactory(
        user__workspace=workspace, user__first_name="Kevin", user__email="kevin@duret.example"
    )
    person, site = customer(workspace)
    first = visit(gaetan, starts_at=at(4, 9), person=person, site=site)
    second = visit(gaetan, starts_at=at(11, 14), person=person, site=site)
    cancelled = visit(gaetan, starts_at=at(12, 9), person=person, site=site)
    Visit.objects.filter(pk=cancelled.pk).update(status=VisitStatus.CANCELLED)
    visit(gaetan, starts_at=at(18, 9), person=person, site=site)  # after the period
    # Friday 14 March off all day: one working day less.
    AbsenceFactory(technician=gaetan, starts_at=at(14, 0), ends_at=at(15, 0))
    rows = {w.technician_id: w for w in selectors.technician_workload(workspace.pk, START, END)}
    booked = sum(int((v.ends_at - v.starts_at).total_seconds() // 60) for v in (first, second))
    assert rows[gaetan.pk].booked_minutes == booked
    assert rows[gaetan.pk].capacity_minutes == 9 * 300  # 10 weekdays, one absent
    assert rows[other.pk].booked_minutes == 0
    assert rows[other.pk].capacity_minutes == 10 * 300
    assert rows[other.pk].rate == 0.0
    only_mine = selectors.technician_workload(workspace.pk, START, END, user_id=other.user_id)
    assert [w.technician_id for w in only_mine] == [other.pk]


@pytest.mark.django_db
def test_workload_capacity_skips_public_holidays(workspace):
    gaetan = TechnicianFactory(user__workspace=workspace)
    # Thursday 1 May and Thursday 8 May 2025 are public holidays.
    rows = selectors.technician_workload(workspace.pk, dt.date(2025, 4, 28), dt.date(2025, 5, 9))
    assert rows[0].technician_id == gaetan.pk
    assert rows[0].capacity_minutes == 8 * 300


@pytest.mark.django_db
def test_needs_captured_and_converted(workspace, agent, manager):
    gaetan = TechnicianFactory(user__workspace=workspace)
    person, site = customer(workspace)
    on_site = visit(gaetan, starts_at=at(4, 9), person=person, site=site)
    needs = [
        field_services.need_capture(
            visit=on_site, by=gaetan.user, submission_uuid=uuid.uuid4(), description=text
        ).need
        for text in ("VMC à remplacer", "Borne de recharge", "Tableau vétuste")
    ]
    won = Stage.objects.get(workspace=workspace, process__code="vente", outcome="won")
    Interaction.objects.filter(pk=needs[0].opportunity_id).update(stage=won)
    type(needs[0]).objects.filter(pk__in=[n.pk for n in needs[:2]]).update(created_at=at(5))
    type(needs[0]).objects.filter(pk=needs[2].pk).update(created_at=at(12))
    figures = selectors.needs_captured(workspace.pk, START, END)
    assert (figures.captured, figures.converted) == (3, 1)
    assert figures.weeks == [(dt.date(2025, 3, 3), 2, 1), (dt.date(2025, 3, 10), 1, 0)]
    assert selectors.needs_captured(workspace.pk, START, END, user_id=agent.pk).captured == 0


@pytest.mark.django_db
def test_figures_never_mix_workspaces(agent, outsider):
    ticket(agent, at(4), first_response_at=at(4, 10))
    assert selectors.requests_by_channel(outsider.workspace_id, START, END).total == 0
    assert selectors.response_times(outsider.workspace_id, START, END).first_response is None
    assert selectors.requests_by_channel(agent.workspace_id, START, END).total == 1


@pytest.mark.django_db
def test_satisfaction_reads_the_survey_answers_of_the_period(agent, outsider):
    from comptoir.portal.models import Survey

    def answer(n, answered_at, nps, csat=None, workspace=agent.workspace):
        return Survey.objects.create(
            workspace=workspace,
            key=f"ticket:{n}",
            token=f"token-{n}",
            subject="Demande",
            send_after=answered_at,
            answered_at=answered_at,
            nps=nps,
            csat=csat,
        )

    # The crafted set: 6 × 9-10, 2 × 7-8, 2 × 0-6 → NPS 40.
    for n, score in enumerate([9, 10, 9, 10, 9, 10, 7, 8, 0, 6]):
        answer(n, at(4 if n < 5 else 12), score, csat=5 if score >= 9 else 3)
    answer(20, at(4), None)  # sent, opened, nothing answered
    answer(21, at(20), 0, csat=1)  # after the period
    answer(22, at(4), 0, csat=1, workspace=outsider.workspace)
    figures = selectors.satisfaction(agent.workspace_id, START, END)
    assert figures.nps == 40
    assert figures.nps_answers == 10
    assert figures.csat == 4.2  # six 5s, four 3s
    assert [w.nps for w in figures.weeks] == [100, -20]
