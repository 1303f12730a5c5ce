"""Caller lookup: any format of a number finds the same record, cheaply."""

import pytest

from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    company = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    AffiliationFactory(person=person, company=company, workspace=workspace)
    PhoneFactory(
        person=person, workspace=workspace, value="06 12 34 56 78", normalized="+33612345678"
    )
    return person


@pytest.mark.parametrize("number", ["+33 6 12 34 56 78", "0612345678", "06.12.34.56.78"])
def test_three_formats_find_the_same_person(api, dupont, number):
    response = api.get("/calls/lookup", {"number": number})
    assert response.status_code == 200
    assert response.json() == {
        "e164": "+33612345678",
        "matches": [
            {
                "type": "person",
                "id": dupont.pk,
                "name": "M. Jean Dupont",
                "company": "Boulangerie Martin",
                "url": f"http://testserver/clients/personnes/{dupont.pk}/",
            }
        ],
    }


def test_company_and_site_numbers(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Garage Central")
    PhoneFactory(
        person=None,
        company=company,
        workspace=workspace,
        value="04 50 00 00 01",
        normalized="+33450000001",
    )
    owner = PersonFactory(workspace=workspace, first_name="Ana", last_name="Silva", civility="Mme")
    site = SiteFactory(person=owner)
    PhoneFactory(
        person=None, site=site, workspace=workspace, value="0450000002", normalized="+33450000002"
    )

    garage = api.get("/calls/lookup", {"number": "04 50 00 00 01"}).json()["matches"]
    assert garage == [
        {
            "type": "company",
            "id": company.pk,
            "name": "Garage Central",
            "company": None,
            "url": f"http://testserver/clients/societes/{company.pk}/",
        }
    ]
    via_site = api.get("/calls/lookup", {"number": "+33450000002"}).json()["matches"]
    assert [(m["type"], m["id"], m["company"]) for m in via_site] == [("person", owner.pk, None)]


def test_unknown_number_has_no_match(api, dupont):
    response = api.get("/calls/lookup", {"number": "06 98 76 54 32"})
    assert response.status_code == 200
    assert response.json()["matches"] == []


def test_another_workspace_never_matches(outsider_api, dupont):
    assert outsider_api.get("/calls/lookup", {"number": "0612345678"}).json()["matches"] == []


@pytest.mark.parametrize("number", ["bonjour", "12", "+33 6", "06 12 34 56 78 90 12"])
def test_not_a_phone_is_400_naming_number(api, number):
    response = api.get("/calls/lookup", {"number": number})
    assert response.status_code == 400
    body = response.json()
    assert "n'est pas un numéro de téléphone valide" in body["detail"]
    assert list(body["errors"]) == ["number"]


def test_missing_number_is_422(api):
    response = api.get("/calls/lookup")
    assert response.status_code == 422
    assert response.json()["errors"] == {"number": ["Ce champ est obligatoire."]}


def test_lookup_query_count_is_pinned(api, workspace, dupont, django_assert_num_queries):
    other = PersonFactory(workspace=workspace, last_name="Dupont-Fils")
    PhoneFactory(person=other, workspace=workspace, value="0612345678", normalized="+33612345678")
    # token, matching contact points with their owners, current employers
    with django_assert_num_queries(3):
        response = api.get("/calls/lookup", {"number": "06 12 34 56 78"})
    assert len(response.json()["matches"]) == 2


def test_lookup_requires_a_token(anonymous_api):
    assert anonymous_api.get("/calls/lookup", {"number": "0612345678"}).status_code == 401


def test_shared_number_lists_primary_first_each_caller_once(api, workspace):
    """A number on several records: primary points first, then oldest; a site of a company
    leads to the company; a caller reached twice is listed once."""
    later = PersonFactory(workspace=workspace, first_name="Paul", last_name="Primaire")
    first = PersonFactory(workspace=workspace, first_name="Anne", last_name="Ancienne")
    company = CompanyFactory(workspace=workspace, name="Fromagerie Alpine")
    site = SiteFactory(person=None, company=company, workspace=workspace)
    number = {"value": "04 50 11 22 33", "normalized": "+33450112233", "workspace": workspace}
    PhoneFactory(person=first, **number)
    PhoneFactory(person=None, site=site, **number)
    PhoneFactory(person=later, is_primary=True, **number)
    PhoneFactory(person=None, company=company, **number)
    PhoneFactory(person=first, label="fixe", **number)

    matches = api.get("/calls/lookup", {"number": "0450112233"}).json()["matches"]

    assert [(m["type"], m["id"], m["name"]) for m in matches] == [
        ("person", later.pk, later.full_name),
        ("person", first.pk, first.full_name),
        ("company", company.pk, "Fromagerie Alpine"),
    ]


def test_callers_load_their_other_fields_on_access(agent, workspace, dupont):
    from comptoir.contacts.selectors import callers_matching

    [caller] = callers_matching(agent, "0612345678")
    assert caller == dupont
    assert caller.full_name == "M. Jean Dupont"
    assert caller.workspace_id == workspace.pk
