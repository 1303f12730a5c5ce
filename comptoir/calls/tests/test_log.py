"""Appels: the workspace's calls newest first, filtered by chips in the URL, counted per page,
with today's figures on top; nothing of another workspace shows."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction, State
from comptoir.calls.models import CallStatus, Direction
from comptoir.calls.tests.factories import CallFactory, receive_call
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, PhoneFactory

URL = reverse("calls:log")


@pytest.fixture
def standard(workspace):
    return UserFactory(workspace=workspace, email="standard@duret.example")


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    PhoneFactory(person=person, workspace=workspace)  # 06 12 34 56 78
    return person


def _rows(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body, flags=re.S)


def test_each_row_tells_who_called_whom_when_how_long_and_how_it_ended(
    agent_client, agent, standard, dupont
):
    now = timezone.now()
    receive_call(by=standard, agent=agent, call_id="a", at=now - dt.timedelta(hours=2))
    receive_call(
        by=standard, agent=agent, call_id="b", number="04 78 12 34 56", missed=True, at=now
    )

    response = agent_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    newest, oldest = _rows(html)
    assert "04 78 12 34 56" in newest
    assert "Numéro inconnu" in newest
    assert "✕</span> Manqué" in newest
    assert "—" in newest  # no talk time
    assert "06 12 34 56 78" in oldest
    assert f'href="{dupont.get_absolute_url()}"' in oldest
    assert "M. Jean Dupont" in oldest
    assert "↙</span> Entrant" in oldest
    assert "03:12" in oldest
    assert "✓</span> Terminé" in oldest
    assert "Claire" in oldest


def test_a_missed_call_shows_its_callback_task_and_links_to_it(
    agent_client, agent, standard, dupont
):
    call = receive_call(by=standard, agent=agent, call_id="m", missed=True)
    task = Interaction.objects.get(pk=call.callback_task_id)

    (row,) = _rows(agent_client.get(URL).content.decode())

    assert f'href="{task.get_absolute_url()}"' in row
    assert "○ Ouvert" in row

    task.state = State.DONE
    task.save(update_fields=["state"])
    (row,) = _rows(agent_client.get(URL).content.decode())
    assert "✓ Terminé" in row.split("c-cb", 1)[1]


def test_a_company_customer_is_linked_and_an_outgoing_call_says_so(agent_client, agent, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    CallFactory(agent=agent, company=company, direction=Direction.OUT, to_e164="+33478123456")

    (row,) = _rows(agent_client.get(URL).content.decode())

    assert f'href="{company.get_absolute_url()}"' in row
    assert "↗</span> Sortant" in row
    assert "04 78 12 34 56" in row


def test_another_workspaces_calls_never_show(agent_client, agent, outsider):
    CallFactory(agent=agent, from_e164="+33612345678")
    CallFactory(agent=outsider, from_e164="+33699999999", status=CallStatus.MISSED)

    html = agent_client.get(URL).content.decode()

    assert len(_rows(html)) == 1
    assert "06 99 99 99 99" not in html
    assert re.search(r">0</span> manqué", html)
    assert re.search(r">1</span> appel aujourd'hui", html)


def test_todays_figures_count_calls_missed_pending_callbacks_and_traced_share(
    agent_client, agent, standard, dupont
):
    now = timezone.now()
    receive_call(by=standard, agent=agent, call_id="t1", at=now)
    receive_call(by=standard, agent=agent, call_id="t2", missed=True, at=now)
    old_missed = receive_call(
        by=standard, agent=agent, call_id="old", missed=True, at=now - dt.timedelta(days=3)
    )
    CallFactory(agent=agent, call_id="untraced", started_at=now)  # no "Appel" interaction
    assert old_missed.callback_task_id is not None

    html = agent_client.get(URL).content.decode()

    today = html.split('class="calls-today"', 1)[1].split("</section>", 1)[0]
    assert re.search(r">3</span> appels aujourd'hui", today)
    assert re.search(r">1</span> manqué", today)
    # Call-backs still owed, whatever day the call was: today's and the one of 3 days ago.
    assert re.search(r">2</span> rappels en attente", today)
    assert re.search(r">67 %</span> appels tracés", today)
    assert "(2/3)" in today


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("missed=1", {1}),
        ("direction=out", {2}),
        ("direction=in", {1, 3, 4, 5}),
        ("agent={sophie}", {3}),
        ("period=today", {1, 2, 3}),
        ("period=7d", {1, 2, 3}),
        ("period=30d", {1, 2, 3, 4}),
        ("direction=in&period=30d&agent={claire}", {1, 4}),
    ],
)
def test_filters_narrow_the_list(agent_client, agent, workspace, query, expected):
    sophie = UserFactory(workspace=workspace, first_name="Sophie", role=Role.MANAGER)
    now = timezone.now()
    # Call n is with 06 00 00 00 0n.
    for n, agent_, fields in (
        (1, agent, {"status": CallStatus.MISSED, "started_at": now}),
        (2, agent, {"direction": Direction.OUT, "started_at": now}),
        (3, sophie, {"started_at": now - dt.timedelta(minutes=1)}),
        (4, agent, {"started_at": now - dt.timedelta(days=10)}),
        (5, agent, {"started_at": now - dt.timedelta(days=40)}),
    ):
        CallFactory(agent=agent_, from_e164=f"+3360000000{n}", to_e164=f"+3360000000{n}", **fields)

    response = agent_client.get(f"{URL}?{query.format(sophie=sophie.pk, claire=agent.pk)}")

    rows = _rows(response.content.decode())
    assert response.status_code == 200
    shown = {n for n in range(1, 6) for row in rows if f"06 00 00 00 0{n}" in row}
    assert shown == expected
    assert len(rows) == len(expected)


def test_an_agent_filter_shows_as_a_chip_with_the_colleagues_name(agent_client, agent):
    CallFactory(agent=agent)

    html = agent_client.get(f"{URL}?agent={agent.pk}").content.decode()

    assert f"Collègue : {agent}" in html
    assert f'<option value="{agent.pk}" selected>' in html
    assert "Effacer les filtres" in html


def test_an_active_chip_removes_its_filter_and_keeps_the_others(agent_client, agent):
    CallFactory(agent=agent)

    html = agent_client.get(f"{URL}?missed=1&period=7d").content.decode()

    # Each active chip links to the list without its own filter; the others add theirs.
    active = re.findall(r'<a class="chip chip-on" href="([^"]*)" aria-current="true"', html)
    assert sorted(active) == ["?missed=1", "?period=7d"]
    assert 'href="?missed=1&amp;period=7d&amp;direction=in"' in html


def test_values_that_make_no_sense_are_ignored(agent_client, agent, outsider):
    CallFactory(agent=agent)

    for query in ("agent=abc", f"agent={outsider.pk}", "period=forever", "direction=up", "page=x"):
        response = agent_client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert len(_rows(response.content.decode())) == 1, query


def test_an_empty_result_offers_to_clear_the_filters(agent_client, agent):
    CallFactory(agent=agent)

    html = agent_client.get(f"{URL}?direction=out").content.decode()

    assert "Aucun appel ne correspond à ces filtres." in html
    assert f'href="{URL}"' in html


def test_no_call_yet_says_so(agent_client):
    html = agent_client.get(URL).content.decode()

    assert "Aucun appel pour l'instant." in html


def test_pages_of_fifty_with_counts(agent_client, agent):
    start = timezone.now()
    for n in range(53):
        CallFactory(agent=agent, started_at=start - dt.timedelta(minutes=n))

    first = agent_client.get(URL).content.decode()
    second = agent_client.get(f"{URL}?page=2").content.decode()

    assert len(_rows(first)) == 50
    assert "1–50 sur 53 appels" in first
    assert "Page 1 sur 2" in first
    assert len(_rows(second)) == 3
    assert "51–53 sur 53 appels" in second


def test_filters_survive_paging(agent_client, agent):
    for _n in range(51):
        CallFactory(agent=agent, status=CallStatus.MISSED, started_at=timezone.now())

    html = agent_client.get(f"{URL}?missed=1").content.decode()

    assert 'href="?missed=1&amp;page=2"' in html


def test_the_query_count_does_not_grow_with_the_rows(
    agent_client, agent, standard, dupont, django_assert_num_queries
):
    for n in range(3):
        receive_call(by=standard, agent=agent, call_id=f"q{n}", missed=n == 0)
    agent_client.get(URL)  # warm caches (content types, sessions)

    with django_assert_num_queries(7):
        first = agent_client.get(URL)
    for n in range(3, 12):
        receive_call(by=standard, agent=agent, call_id=f"q{n}", missed=n % 2 == 0)
    with django_assert_num_queries(7):
        second = agent_client.get(URL)

    assert len(_rows(first.content.decode())) == 3
    assert len(_rows(second.content.decode())) == 12


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.READ_ONLY, Role.AGENT])
def test_every_member_of_the_workspace_may_read_the_log(client, workspace, agent, role):
    CallFactory(agent=agent)
    client.force_login(UserFactory(workspace=workspace, role=role))

    response = client.get(URL)

    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 1


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_sidebar_leads_to_the_log(agent_client):
    html = agent_client.get(reverse("activities:desk")).content.decode()

    assert f'href="{URL}"' in html
