"""People: list, filters, create (with phones, e-mails, employer), read, update."""

import datetime as dt

import pytest

from comptoir.api.tests.conftest import assert_invalid
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import Affiliation, ContactPoint, JobTitle, Person
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
)


def test_create_person_with_contact_points_and_employer(api, agent, workspace):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    gerant = JobTitle.objects.filter(workspace=workspace).first()
    response = api.post(
        "/people",
        {
            "civility": "Mme",
            "first_name": "Élodie",
            "last_name": "Dupont",
            "job_title": gerant.pk,
            "birthday": "1980-05-17",
            "phones": [{"value": "06 12 34 56 78", "label": "mobile"}],
            "emails": [{"value": "elodie@martin.fr", "label": "work"}],
            "company": company.pk,
            "role": "Gérante",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get()
    assert body["full_name"] == "Mme Élodie Dupont"
    assert body["job_title"] == {"id": gerant.pk, "name": gerant.name}
    assert body["birthday"] == "1980-05-17"
    assert body["phones"][0] == {
        "value": "06 12 34 56 78",
        "e164": "+33612345678",
        "display": "06 12 34 56 78",
        "label": "mobile",
        "is_primary": True,
    }
    assert body["emails"][0]["value"] == "elodie@martin.fr"
    assert body["companies"] == [
        {"id": company.pk, "name": "Boulangerie Martin", "role": "Gérante"}
    ]
    assert body["url"] == f"http://testserver/clients/personnes/{person.pk}/"
    assert Affiliation.objects.get().person == person
    assert AuditEntry.objects.filter(object_id=person.pk, actor=agent).exists()


def test_read_and_patch_person(api, workspace):
    person = PersonFactory(workspace=workspace, first_name="Jean", last_name="Morel")
    assert api.get(f"/people/{person.pk}").json()["full_name"] == "M. Jean Morel"
    response = api.patch(f"/people/{person.pk}", {"first_name": "Jean-Marc", "civility": ""})
    assert response.status_code == 200
    assert response.json()["full_name"] == "Jean-Marc Morel"
    person.refresh_from_db()
    assert person.first_name == "Jean-Marc"


def test_patch_emails_replaces_them(api, workspace):
    pk = api.post("/people", {"last_name": "Morel", "emails": [{"value": "old@morel.fr"}]}).json()[
        "id"
    ]
    response = api.patch(f"/people/{pk}", {"emails": [{"value": "new@morel.fr"}]})
    assert [e["value"] for e in response.json()["emails"]] == ["new@morel.fr"]
    assert list(ContactPoint.objects.values_list("normalized", flat=True)) == ["new@morel.fr"]


def test_employer_is_create_only(api, workspace):
    person = PersonFactory(workspace=workspace)
    company = CompanyFactory(workspace=workspace)
    errors = assert_invalid(api.patch(f"/people/{person.pk}", {"company": company.pk}), "company")
    assert errors["company"] == ["Champ inconnu."]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"last_name"}),
        ({"last_name": ""}, {"last_name"}),
        ({"last_name": "X", "birthday": "17/05/1980"}, {"birthday"}),
        ({"last_name": "X", "birthday": "2999-01-01"}, {"birthday"}),
        ({"last_name": "X", "civility": "Dr"}, {"civility"}),
        ({"last_name": "X", "job_title": 999999}, {"job_title"}),
        ({"last_name": "X", "company": 999999}, {"company"}),
        ({"last_name": "X", "phones": [{"value": "12"}]}, {"phones.0.value"}),
        ({"last_name": "X", "emails": [{"value": "a@"}]}, {"emails.0.value"}),
        ({"last_name": "X", "phones": {"value": "0612345678"}}, {"phones"}),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api, body, fields):
    assert_invalid(api.post("/people", body), *fields)
    assert not Person.objects.exists()
    assert not ContactPoint.objects.exists()
    assert not Affiliation.objects.exists()


def test_company_of_another_workspace_is_unknown(api, other_workspace):
    foreign = CompanyFactory(workspace=other_workspace)
    errors = assert_invalid(
        api.post("/people", {"last_name": "X", "company": foreign.pk}), "company"
    )
    assert errors["company"] == ["Élément introuvable."]
    assert not Person.objects.exists()


def test_future_birthday_on_patch_changes_nothing(api, workspace):
    person = PersonFactory(workspace=workspace, last_name="Morel")
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = api.patch(f"/people/{person.pk}", {"last_name": "Autre", "birthday": tomorrow})
    errors = assert_invalid(response, "birthday")
    assert errors["birthday"] == ["La date de naissance ne peut pas être dans le futur."]
    person.refresh_from_db()
    assert person.last_name == "Morel"


# --- List and filters -------------------------------------------------------------------


@pytest.fixture
def people(workspace):
    martin = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    elodie = PersonFactory(
        workspace=workspace, first_name="Élodie", last_name="Dupont", city="Annecy"
    )
    pierre = PersonFactory(
        workspace=workspace, first_name="Pierre", last_name="Durand", city="Thônes"
    )
    lea = PersonFactory(workspace=workspace, first_name="Léa", last_name="Bernard", city="Annecy")
    AffiliationFactory(person=elodie, company=martin, workspace=workspace)
    AffiliationFactory(
        person=lea,
        company=martin,
        workspace=workspace,
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 1, 1),
    )
    PhoneFactory(
        person=pierre, workspace=workspace, value="06 12 34 56 78", normalized="+33612345678"
    )
    ContactPoint.objects.create(
        workspace=workspace,
        person=lea,
        kind="email",
        value="Lea@Bernard.fr",
        normalized="lea@bernard.fr",
    )
    return {"martin": martin, "elodie": elodie, "pierre": pierre, "lea": lea}


def _ids(api, **params):
    response = api.get("/people", params)
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["items"]]


def test_people_are_listed_by_name(api, people):
    assert _ids(api) == [people["lea"].pk, people["elodie"].pk, people["pierre"].pk]


def test_filter_by_name_fragment_ignores_accents(api, people):
    assert _ids(api, q="elodie") == [people["elodie"].pk]
    assert _ids(api, q="DUP") == [people["elodie"].pk]
    assert _ids(api, q="lea bern") == [people["lea"].pk]


def test_filter_by_current_company(api, people):
    assert _ids(api, company=people["martin"].pk) == [people["elodie"].pk]


def test_filter_by_city_email_phone(api, people):
    assert _ids(api, city="annecy") == [people["lea"].pk, people["elodie"].pk]
    assert _ids(api, email=" LEA@bernard.fr ") == [people["lea"].pk]
    for number in ("+33 6 12 34 56 78", "0612345678", "06.12.34.56.78", "0033612345678"):
        assert _ids(api, phone=number) == [people["pierre"].pk]


def test_invalid_phone_filter_is_422(api, people):
    errors = assert_invalid(api.get("/people", {"phone": "bonjour"}), "phone")
    assert "bonjour" in errors["phone"][0]


def test_list_shows_current_employers(api, people):
    items = {p["id"]: p for p in api.get("/people").json()["items"]}
    assert items[people["elodie"].pk]["companies"][0]["name"] == "Boulangerie Martin"
    assert items[people["lea"].pk]["companies"] == []


def test_list_query_count_is_pinned(api, people, django_assert_num_queries):
    # token, count, rows, interests, contact points, current affiliations
    with django_assert_num_queries(6):
        response = api.get("/people")
    assert response.json()["count"] == 3
    with django_assert_num_queries(6):
        assert api.get("/people", {"phone": "0612345678", "q": "pierre"}).json()["count"] == 1


def test_pagination(api, workspace):
    for n in range(5):
        PersonFactory(workspace=workspace, last_name=f"Nom{n}", first_name="")
    page = api.get("/people", {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5 and page["page"] == 2
    assert [p["last_name"] for p in page["items"]] == ["Nom2", "Nom3"]
