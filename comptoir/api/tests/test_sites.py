"""Sites: list, filters, create, read, update."""

import pytest

from comptoir.api.tests.conftest import assert_invalid
from comptoir.contacts.models import Site
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory


def test_create_site_for_a_company(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Syndic Alpin")
    occupant = PersonFactory(workspace=workspace, first_name="Marc", last_name="Roux")
    response = api.post(
        "/sites",
        {
            "name": "Résidence Les Tilleuls",
            "company": company.pk,
            "occupant": occupant.pk,
            "street": "3 avenue de Genève",
            "postcode": "74000",
            "city": "Annecy",
            "latitude": 45.9012345678,
            "longitude": 6.1291,
            "access_notes": "Digicode 1234B",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["company"] == {"id": company.pk, "name": "Syndic Alpin"}
    assert body["occupant"]["name"] == "M. Marc Roux"
    assert body["address_line"] == "3 avenue de Genève, 74000 Annecy"
    assert body["latitude"] == 45.901235
    site = Site.objects.get()
    assert site.workspace == workspace and site.access_notes == "Digicode 1234B"


def test_read_and_patch_site(api, workspace):
    site = SiteFactory(person=PersonFactory(workspace=workspace), name="Maison")
    assert api.get(f"/sites/{site.pk}").json()["name"] == "Maison"
    response = api.patch(f"/sites/{site.pk}", {"name": "Chalet", "latitude": None})
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.name == "Chalet"


def test_site_needs_a_customer(api):
    errors = assert_invalid(api.post("/sites", {"name": "Orphelin"}), "company")
    assert errors["company"] == ["Indiquez le client (société ou particulier) du site."]
    assert not Site.objects.exists()


def test_removing_the_only_customer_is_refused(api, workspace):
    site = SiteFactory(person=PersonFactory(workspace=workspace))
    errors = assert_invalid(api.patch(f"/sites/{site.pk}", {"person": None, "name": "X"}), "person")
    assert errors["person"] == ["Indiquez le client (société ou particulier) du site."]
    site.refresh_from_db()
    assert site.person_id is not None and site.name == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": "est"}, "longitude"),
        ({"is_primary": "peut-être"}, "is_primary"),
        ({"occupant": 999999}, "occupant"),
        ({"postcode": "74000-74000-74000"}, "postcode"),
    ],
)
def test_bad_input_names_the_field(api, workspace, body, field):
    person = PersonFactory(workspace=workspace)
    assert_invalid(api.post("/sites", {"person": person.pk, **body}), field)
    assert not Site.objects.exists()


def test_customer_of_another_workspace_is_unknown(api, other_workspace):
    foreign = CompanyFactory(workspace=other_workspace)
    assert_invalid(api.post("/sites", {"company": foreign.pk}), "company")
    assert not Site.objects.exists()


def test_list_and_filters(api, workspace, django_assert_num_queries):
    company = CompanyFactory(workspace=workspace)
    person = PersonFactory(workspace=workspace)
    a = SiteFactory(person=None, company=company, workspace=workspace, postcode="74000", name="A")
    b = SiteFactory(person=person, postcode="73000", name="B")
    c = SiteFactory(person=person, postcode="74960", name="C")

    def ids(**params):
        return [s["id"] for s in api.get("/sites", params).json()["items"]]

    assert ids() == [a.pk, b.pk, c.pk]
    assert ids(company=company.pk) == [a.pk]
    assert ids(person=person.pk) == [b.pk, c.pk]
    assert ids(postcode="74") == [a.pk, c.pk]
    assert ids(person=person.pk, postcode="74") == [c.pk]
    # token, count, rows with their customers
    with django_assert_num_queries(3):
        assert api.get("/sites").json()["count"] == 3
