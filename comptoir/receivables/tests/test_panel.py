"""The « Impayés » panel of a customer's page: what is owed, how late, in words."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.receivables.tests.factories import OpenItemFactory, OpenItemImportFactory, days_ago
from comptoir.receivables.tests.factories import dupont as customer

HTMX = {"HTTP_HX_REQUEST": "true"}
NNBSP = "\u202f"


ago = days_ago


@pytest.fixture
def dupont(workspace):
    return customer(workspace)


@pytest.fixture
def imported(workspace):
    return OpenItemImportFactory(workspace=workspace)


def panel(client, kind, pk):
    return client.get(reverse("receivables:customer_panel", args=[kind, pk]), **HTMX)


def test_the_panel_lists_what_the_customer_owes_with_lateness_in_words(
    agent_client, workspace, dupont, imported
):
    OpenItemFactory(
        workspace=workspace, person=dupont, reference="F-2026-1188", due_on=ago(5), batch=imported
    )
    OpenItemFactory(
        workspace=workspace,
        person=dupont,
        reference="F-2026-1201",
        due_on=ago(-10),
        amount_due=Decimal("1000.50"),
    )
    OpenItemFactory(
        workspace=workspace, person=dupont, reference="F-2025-0999", settled_at=timezone.now()
    )
    OpenItemFactory(workspace=workspace, reference="F-2026-0001")  # nobody's

    response = panel(agent_client, "person", dupont.pk)

    html = response.content.decode()
    assert response.status_code == 200
    assert "F-2026-1188" in html
    assert "échue depuis 5 j" in html
    assert "F-2026-1201" in html
    assert "échéance dans 10 j" in html
    assert f"1{NNBSP}240,50{NNBSP}€" in html  # the total
    assert "F-2025-0999" not in html, "a paid invoice is not owed"
    assert "F-2026-0001" not in html
    assert html.index("F-2026-1188") < html.index("F-2026-1201"), "oldest due date first"
    assert "1 facture échue" in html


def test_a_company_panel_shows_the_company_items(agent_client, workspace, imported):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    OpenItemFactory(workspace=workspace, company=company, reference="F-2026-1192")

    html = panel(agent_client, "company", company.pk).content.decode()

    assert "F-2026-1192" in html


def test_nothing_owed_says_so_once_the_accounting_is_imported(
    agent_client, workspace, dupont, imported
):
    html = panel(agent_client, "person", dupont.pk).content.decode()

    assert "Aucune facture impayée." in html
    assert "Selon la comptabilité importée le" in html


def test_no_panel_at_all_when_the_accounting_was_never_imported(agent_client, dupont):
    response = panel(agent_client, "person", dupont.pk)

    assert response.status_code == 200
    assert response.content == b""


def test_another_workspace_customer_is_404(agent_client, other_workspace):
    theirs = PersonFactory(workspace=other_workspace)
    their_company = CompanyFactory(workspace=other_workspace)
    OpenItemFactory(workspace=other_workspace, person=theirs)

    assert panel(agent_client, "person", theirs.pk).status_code == 404
    assert panel(agent_client, "company", their_company.pk).status_code == 404
    assert panel(agent_client, "site", theirs.pk).status_code == 404


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.READ_ONLY])
def test_every_member_of_the_workspace_may_read_the_panel(client, workspace, dupont, role):
    OpenItemFactory(workspace=workspace, person=dupont, reference="F-2026-1188")
    client.force_login(UserFactory(workspace=workspace, role=role))

    assert "F-2026-1188" in panel(client, "person", dupont.pk).content.decode()


def test_the_panel_query_count_does_not_grow_with_the_items(
    agent_client, workspace, dupont, imported, django_assert_num_queries
):
    OpenItemFactory(workspace=workspace, person=dupont)
    panel(agent_client, "person", dupont.pk)  # warm caches (sessions, content types)

    # session, user, workspace (time zone), customer, items, last import
    with django_assert_num_queries(6):
        panel(agent_client, "person", dupont.pk)
    for _n in range(10):
        OpenItemFactory(workspace=workspace, person=dupont)
    with django_assert_num_queries(6):
        html = panel(agent_client, "person", dupont.pk).content.decode()
    assert html.count("<li>") == 11


def test_the_customer_page_loads_the_panel(agent_client, dupont):
    html = agent_client.get(dupont.get_absolute_url()).content.decode()

    assert reverse("receivables:customer_panel", args=["person", dupont.pk]) in html
