"""The "Sources" panel of a customer's page: which source said what, when."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.dedupe.services import provenance_record

PARIS_NOON = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace,
        first_name="Pierre",
        last_name="Dupont",
        street="12 rue de la Mairie",
        postcode="74000",
        city="Annecy",
    )
    ContactPoint.objects.create(
        workspace=workspace,
        kind="phone",
        value="06 12 34 56 78",
        normalized="+33612345678",
        person=person,
    )
    provenance_record(
        workspace=workspace,
        instance=person,
        values={"last_name": "DUPONT", "first_name": "P.", "phone": "+33612345678"},
        source="SAGE",
        source_ref="C0412",
        at=dt.datetime(2024, 3, 12, 10, 0, tzinfo=PARIS_NOON),
    )
    provenance_record(
        workspace=workspace,
        instance=person,
        values={"last_name": "Dupond", "street": "12 r. de la Mairie"},
        source="Excel",
        source_ref="ligne 5",
        at=dt.datetime(2025, 1, 7, 9, 0, tzinfo=PARIS_NOON),
    )
    provenance_record(
        workspace=workspace,
        instance=person,
        values={"last_name": "Dupont", "civility": "M."},
        source="ERP MDE",
        source_ref="CLI-000412",
        at=dt.datetime(2023, 6, 1, 9, 0, tzinfo=PARIS_NOON),
    )
    return person


def panel_url(kind, pk):
    return reverse("dedupe:provenance", args=[kind, pk])


def test_the_customer_page_loads_the_sources_panel(agent_client, dupont):
    html = agent_client.get(dupont.get_absolute_url()).content.decode()
    assert f'hx-get="{panel_url("person", dupont.pk)}"' in html


def test_each_field_shows_its_value_then_every_source_most_recent_first(agent_client, dupont):
    response = agent_client.get(panel_url("person", dupont.pk))
    assert response.status_code == 200
    html = response.content.decode()
    # Collapsed by default, with the sources named in the summary, most recent first.
    assert "<details" in html and "<details open" not in html
    assert "Excel, SAGE, ERP MDE" in html
    name = html[html.index(">Nom<") : html.index(">Téléphone<")]
    assert "Dupont" in name  # the value now
    assert name.index("Dupond") < name.index("DUPONT") < name.index("CLI-000412")
    assert "réf. ligne 5" in name and "07/01/2025" in name
    assert "réf. C0412" in name and "12/03/2024" in name
    # Phones as the page shows them, the address variant kept beside the current one.
    assert "06 12 34 56 78" in html and "+33612345678" not in html
    assert "12 r. de la Mairie" in html and "12 rue de la Mairie" in html
    assert "Civilité" in html and "Adresse" in html


def test_the_value_a_source_gave_that_is_still_current_is_marked(dupont, agent):
    from comptoir.dedupe.selectors import provenance_of

    fields = {f.name: f for f in provenance_of(agent, "person", dupont.pk).fields}
    assert fields["last_name"].current == "Dupont"
    said = {(s.source, s.value): s.is_current for s in fields["last_name"].sources}
    assert said == {
        ("Excel", "Dupond"): False,
        ("SAGE", "DUPONT"): False,
        ("ERP MDE", "Dupont"): True,
    }
    assert fields["phone"].sources[0].is_current
    assert [f.name for f in provenance_of(agent, "person", dupont.pk).fields][:3] == [
        "civility",
        "first_name",
        "last_name",
    ]


def test_a_record_typed_in_comptoir_says_so(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Favre")
    html = agent_client.get(panel_url("company", company.pk)).content.decode()
    assert "aucune autre source" in html
    assert "<details" not in html


def test_companies_have_their_sources_too(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Favre", siren="552100554")
    provenance_record(
        workspace=workspace,
        instance=company,
        values={"name": "BOULANGERIE FAVRE SARL", "siren": "552100554"},
        source="SAGE",
        source_ref="F0099",
    )
    html = agent_client.get(panel_url("company", company.pk)).content.decode()
    assert "BOULANGERIE FAVRE SARL" in html and "Boulangerie Favre" in html
    assert "SIREN" in html and "réf. F0099" in html


def test_read_only_users_see_it_too(client, workspace, dupont):
    client.force_login(UserFactory(workspace=workspace, role=Role.READ_ONLY))
    assert client.get(panel_url("person", dupont.pk)).status_code == 200


def test_another_workspace_or_an_unknown_kind_is_not_found(client, outsider, agent, dupont):
    client.force_login(outsider)
    assert client.get(panel_url("person", dupont.pk)).status_code == 404
    client.force_login(agent)
    assert client.get(panel_url("company", dupont.pk)).status_code == 404
    assert client.get(panel_url("site", dupont.pk)).status_code == 404
    client.logout()
    assert client.get(panel_url("person", dupont.pk)).status_code == 302


def test_the_panel_costs_a_few_queries_however_many_sources(
    agent_client, workspace, dupont, django_assert_max_num_queries
):
    for n in range(30):
        provenance_record(
            workspace=workspace,
            instance=dupont,
            values={"notes": f"Remarque {n}", "city": f"Annecy {n}", "email": f"p{n}@x.fr"},
            source=f"Import {n}",
            at=timezone.now() - dt.timedelta(days=n),
        )
    with django_assert_max_num_queries(6):
        response = agent_client.get(panel_url("person", dupont.pk))
    assert response.content.decode().count("Import 29") >= 3
