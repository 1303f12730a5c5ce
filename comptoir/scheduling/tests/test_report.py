"""« Délai de prise de RDV »: median and p90 of the time from first request to confirmation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.lib.stats import format_duration, percentile
from comptoir.scheduling.models import Visit
from comptoir.scheduling.reports import build_report
from comptoir.scheduling.services import visit_book, visit_cancel
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service

PARIS = ZoneInfo("Europe/Paris")


def test_median_and_p90_of_one_to_ten():
    values = list(range(1, 11))
    assert percentile(values, 50) == 5.5
    assert percentile(values, 90) == pytest.approx(9.1)
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10


def test_percentile_does_not_care_about_order_and_handles_one_value():
    assert percentile([30, 10, 20], 50) == 20
    assert percentile([7], 90) == 7
    with pytest.raises(ValueError):
        percentile([], 50)


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "0 s"),
        (40, "40 s"),
        (100, "1 min 40 s"),
        (180, "3 min"),
        (2 * 3600 + 5 * 60, "2 h 05"),
        (3600, "1 h 00"),
        (2 * 86400 + 3 * 3600, "2 j 3 h"),
        (3 * 86400, "3 j"),
    ],
)
def test_lead_times_are_said_in_french(seconds, label):
    assert format_duration(seconds) == label


def _row(channel, confirmed, seconds):
    return (channel, confirmed - dt.timedelta(seconds=seconds), confirmed)


def test_report_groups_by_iso_week_and_channel():
    monday = dt.date(2025, 3, 17)  # ISO week 12
    first = dt.datetime(2025, 3, 18, 10, tzinfo=PARIS)
    second = dt.datetime(2025, 3, 25, 10, tzinfo=PARIS)  # week 13
    rows = [
        *[_row("phone", first, s) for s in (60, 120, 180, 240, 300)],
        _row("online", first, 90),
        _row("email", second, 3 * 3600),
        _row("phone", second, 100),
        _row("phone", dt.datetime(2025, 4, 20, 10, tzinfo=PARIS), 999),  # outside the period
    ]
    report = build_report(rows, start=monday, end=dt.date(2025, 3, 30), tz=PARIS)

    assert [w.label for w in report.weeks] == ["S12 2025", "S13 2025"]
    codes = [c.code for c in report.channels]
    assert codes == ["phone", "online", "email"]
    week12 = dict(zip(codes, report.weeks[0].cells, strict=True))
    assert week12["phone"].count == 5
    assert week12["phone"].median == 180
    assert week12["phone"].p90 == pytest.approx(276)
    assert week12["online"].median_label == "1 min 30 s"
    assert week12["email"] is None
    week13 = dict(zip(codes, report.weeks[1].cells, strict=True))
    assert week13["email"].median_label == "3 h 00"
    phone = report.channels[0]
    assert phone.total.count == 6
    assert phone.on_target is True  # median 150 s ≤ 3 min
    assert report.channels[1].target_label == "2 min"
    assert report.total.count == 8
    assert report.chart["series"][0]["minutes"] == [3.0, pytest.approx(1.67, abs=0.01)]


def test_week_follows_local_time_not_utc():
    # Sunday 23:30 in Paris is still ISO week 12 although it is Sunday 22:30 UTC... and
    # Monday 00:30 in Paris (Sunday 23:30 UTC) already belongs to week 13.
    late_sunday = dt.datetime(2025, 3, 23, 23, 30, tzinfo=PARIS)
    early_monday = dt.datetime(2025, 3, 24, 0, 30, tzinfo=PARIS).astimezone(dt.UTC)
    rows = [_row("phone", late_sunday, 60), _row("phone", early_monday, 120)]
    report = build_report(rows, start=dt.date(2025, 3, 17), end=dt.date(2025, 3, 30), tz=PARIS)
    assert [w.total.count for w in report.weeks] == [1, 1]


def _book(workspace, monday, *, hour, waited, channel="phone", days=0):
    person = PersonFactory(workspace=workspace, last_name=f"Client{hour}")
    site = SiteFactory(person=person, postcode="69003", latitude=45.764, longitude=4.8357)
    return visit_book(
        service=service(workspace),
        starts_at=at(monday + dt.timedelta(days=days), hour),
        channel=channel,
        site=site,
        person=person,
        requested_at=timezone.now() - dt.timedelta(seconds=waited),
    )


@pytest.mark.django_db
def test_agent_sees_median_and_p90_per_channel_with_cancelled_visits_counted(
    agent_client, workspace, gaetan, monday
):
    _book(workspace, monday, hour=8, waited=100)
    _book(workspace, monday, hour=10, waited=200)
    cancelled = _book(workspace, monday, hour=14, waited=300)
    visit_cancel(visit=cancelled)
    _book(workspace, monday, hour=8, waited=70, channel="online", days=1)

    response = agent_client.get(reverse("scheduling:lead_times"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "objectif : 2 min en ligne, 3 min au téléphone" in page.lower()
    report = response.context["report"]
    phone = next(c for c in report.channels if c.code == "phone")
    assert phone.total.count == 3
    assert phone.total.median_label == "3 min 20 s"
    assert "3 min 20 s" in page
    online = next(c for c in report.channels if c.code == "online")
    assert online.total.median_label == "1 min 10 s"
    assert "dont 1 annulé depuis" in page
    assert 'id="lead-chart"' in page and "aria-label=" in page
    assert "vendor/chartjs/chart.umd.min.js" in page


@pytest.mark.django_db
def test_period_filter_and_bad_dates(agent_client, workspace, gaetan, monday):
    _book(workspace, monday, hour=8, waited=100)
    url = reverse("scheduling:lead_times")

    past = agent_client.get(url, {"du": "2020-01-06", "au": "2020-02-02"})
    assert past.context["report"].total is None
    assert past.context["report"].weeks[0].label == "S02 2020"
    assert len(past.context["report"].weeks) == 4

    wrong = agent_client.get(url, {"du": "2025-03-20", "au": "2025-01-01"})
    assert "La fin de la période est avant son début" in wrong.content.decode()
    assert wrong.context["report"].total.count == 1
    assert len(wrong.context["report"].weeks) == 12


@pytest.mark.django_db
def test_report_is_for_the_office_and_its_own_workspace(
    client, workspace, other_workspace, technician, gaetan, monday
):
    _book(workspace, monday, hour=8, waited=100)
    client.force_login(technician)
    assert client.get(reverse("scheduling:lead_times")).status_code == 403

    from comptoir.accounts.models import Role

    boss = UserFactory(workspace=other_workspace, role=Role.MANAGER, email="chef@ailleurs.example")
    client.force_login(boss)
    response = client.get(reverse("scheduling:lead_times"))
    assert response.status_code == 200
    assert response.context["report"].total is None
    assert Visit.objects.count() == 1
