"""The customer list: tabs, filters in the URL, chips, real pagination, pinned queries."""

import pytest
from django.urls import reverse

from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts.models import ContactPoint, Interest
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
)

URL = reverse("contacts:list")


def email(person, value):
    return ContactPoint.objects.create(
        workspace=person.workspace,
        person=person,
        kind="email",
        value=value,
        normalized=value.lower(),
        is_primary=True,
    )


def test_anonymous_goes_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]


def test_people_table_shows_name_phone_email_city_category(agent_client, workspace):
    person = PersonFactory(
        workspace=workspace, first_name="Claire", last_name="Durand", city="Lyon"
    )
    PhoneFactory(person=person, value="0612345678", normalized="+33612345678", is_primary=True)
    email(person, "claire.durand@exemple.fr")
    AffiliationFactory(person=person, company=CompanyFactory(workspace=workspace, name="SCI Lilas"))

    response = agent_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "M. Claire Durand" in html
    assert "06 12 34 56 78" in html
    assert 'href="tel:+33612345678"' in html
    assert "claire.durand@exemple.fr" in html
    assert "Lyon" in html
    assert "Client" in html
    assert "SCI Lilas" in html
    assert "+ Nouveau client" in html
    assert reverse("contacts:person_create") in html
    assert reverse("contacts:company_create") in html


def test_companies_tab(agent_client, workspace):
    CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    PersonFactory(workspace=workspace, last_name="Invisible")

    html = agent_client.get(URL, {"vue": "societes"}).content.decode()

    assert "Boulangerie Martin" in html
    assert "Invisible" not in html


def test_other_workspace_customers_are_not_listed(agent_client, workspace, other_workspace):
    PersonFactory(workspace=workspace, last_name="Visible")
    PersonFactory(workspace=other_workspace, last_name="Secret")
    CompanyFactory(workspace=other_workspace, name="Concurrent secret")

    people = agent_client.get(URL).content.decode()
    companies = agent_client.get(URL, {"vue": "societes"}).content.decode()

    assert "Visible" in people and "Secret" not in people
    assert "Concurrent secret" not in companies


@pytest.mark.parametrize(
    ("params", "expected", "hidden"),
    [
        ({"q": "dur"}, "Durand", "Martin"),
        ({"q": "Élodie"}, "Martin", "Durand"),
        ({"q": "06.12.34.56.78"}, "Durand", "Martin"),
        ({"q": "+33 6 12 34 56 78"}, "Durand", "Martin"),
        ({"categorie": "prospect"}, "Martin", "Durand"),
        ({"ville": "ann"}, "Durand", "Martin"),
    ],
)
def test_people_filters(agent_client, workspace, params, expected, hidden):
    durand = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Durand")
    PhoneFactory(person=durand, value="06 12 34 56 78", normalized="+33612345678")
    PersonFactory(
        workspace=workspace,
        first_name="Elodie",
        last_name="Martin",
        city="Lyon",
        category="prospect",
    )

    html = agent_client.get(URL, params).content.decode()

    assert expected in html
    assert hidden not in html


def test_interest_filter_chips_and_clear_link(agent_client, workspace):
    interest = Interest.objects.get(workspace=workspace, name="Borne de recharge")
    tagged = PersonFactory(workspace=workspace, last_name="Borne")
    tagged.interests.add(interest)
    PersonFactory(workspace=workspace, last_name="Sansinteret")

    response = agent_client.get(URL, {"interet": interest.pk, "ville": "Annecy"})

    html = response.content.decode()
    assert "Borne" in html and "Sansinteret" not in html
    assert "Intérêt : Borne de recharge" in html
    assert "Ville : Annecy" in html
    assert "Effacer les filtres" in html
    # Each chip removes its own filter and keeps the others.
    assert f"?interet={interest.pk}&amp;vue=personnes" not in html
    assert "?ville=Annecy" in html or "ville=Annecy" in html


def test_interest_of_another_workspace_is_ignored(agent_client, workspace, other_workspace):
    foreign = Interest.objects.filter(workspace=other_workspace).first()
    PersonFactory(workspace=workspace, last_name="Toujours")

    html = agent_client.get(URL, {"interet": foreign.pk}).content.decode()

    assert "Toujours" in html
    assert "Intérêt :" not in html


def test_no_result_offers_to_clear_filters(agent_client, workspace):
    PersonFactory(workspace=workspace)

    html = agent_client.get(URL, {"q": "zzzz"}).content.decode()

    assert "Aucun client ne correspond" in html
    assert 'href="?vue=personnes"' in html


def test_first_use_teaches(agent_client, workspace):
    html = agent_client.get(URL).content.decode()

    assert "Créer une personne" in html


def test_real_pagination_with_counts(agent_client, workspace):
    PersonFactory.create_batch(120, workspace=workspace)

    first = agent_client.get(URL).content.decode()
    last = agent_client.get(URL, {"page": 3}).content.decode()

    assert "1–50 sur 120" in first
    assert "Page 1 sur 3" in first
    assert "?page=2" in first
    assert "101–120 sur 120" in last


def test_thousands_in_count_are_grouped(agent_client, workspace):
    PersonFactory.create_batch(1001, workspace=workspace)

    html = agent_client.get(URL).content.decode()

    assert "1–50 sur 1\u202f001" in html or "1–50 sur 1\xa0001" in html or "1–50 sur 1 001" in html


def test_htmx_filter_returns_the_results_only(agent_client, workspace):
    PersonFactory(workspace=workspace, last_name="Durand")

    response = agent_client.get(
        URL, {"q": "dur"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-results"
    )

    html = response.content.decode()
    assert "Durand" in html
    assert "<html" not in html


def _make_people(workspace, count):
    company = CompanyFactory(workspace=workspace)
    interest = Interest.objects.filter(workspace=workspace).first()
    for _ in range(count):
        person = PersonFactory(workspace=workspace)
        PhoneFactory(person=person)
        email(person, f"p{person.pk}@exemple.fr")
        AffiliationFactory(person=person, company=company)
        person.interests.add(interest)


@pytest.mark.parametrize("count", [3, 30])
def test_people_list_query_count_is_pinned(
    agent_client, workspace, count, django_assert_num_queries
):
    _make_people(workspace, count)

    # session, user, workspace, interests, count, page, contact points, current companies
    with django_assert_num_queries(8):
        response = agent_client.get(URL, {"categorie": "client", "ville": "Ann"})

    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_company_list_query_count_is_pinned(
    agent_client, workspace, count, django_assert_num_queries
):
    for _ in range(count):
        company = CompanyFactory(workspace=workspace)
        ContactPoint.objects.create(
            workspace=workspace,
            company=company,
            kind="phone",
            value="04 78 12 34 56",
            normalized="+33478123456",
        )

    # session, user, workspace, interests, count, page, contact points
    with django_assert_num_queries(7):
        response = agent_client.get(URL, {"vue": "societes", "q": "soc"})

    assert response.status_code == 200


def test_read_only_user_sees_no_create_button(client, workspace):
    reader = UserFactory(workspace=workspace, role="read_only")
    client.force_login(reader)

    html = client.get(URL).content.decode()

    assert "+ Nouveau client" not in html


def test_search_by_email_and_company_phone(agent_client, workspace):
    person = PersonFactory(workspace=workspace, last_name="Durand")
    email(person, "claire.durand@exemple.fr")
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    ContactPoint.objects.create(
        workspace=workspace,
        company=company,
        kind="phone",
        value="04 78 12 34 56",
        normalized="+33478123456",
    )
    CompanyFactory(workspace=workspace, name="Autre SARL")

    people = agent_client.get(URL, {"q": "Claire.Durand@exemple.fr"}).content.decode()
    companies = agent_client.get(URL, {"vue": "societes", "q": "0478123456"}).content.decode()

    assert "Durand" in people
    assert "SCI Les Tilleuls" in companies and "Autre SARL" not in companies
