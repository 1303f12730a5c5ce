"""Another workspace's records: every detail route answers 404, lists never show them."""

import pytest

from comptoir.activities.models import Interaction, Note
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.contacts.models import Company, LegalForm, Person, Site
from comptoir.contacts.tests.factories import (
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)


@pytest.fixture
def foreign(other_workspace, outsider):
    person = PersonFactory(workspace=other_workspace, last_name="Étranger")
    PhoneFactory(person=person, workspace=other_workspace)
    company = CompanyFactory(workspace=other_workspace, name="Concurrent")
    return {
        "companies": company,
        "people": person,
        "sites": SiteFactory(person=person),
        "interactions": InteractionFactory(owner=outsider, person=person),
    }


ROUTES = [
    ("get", "/companies/{id}", None),
    ("patch", "/companies/{id}", {"name": "Piratée"}),
    ("get", "/people/{id}", None),
    ("patch", "/people/{id}", {"last_name": "Piraté"}),
    ("get", "/sites/{id}", None),
    ("patch", "/sites/{id}", {"name": "Piraté"}),
    ("get", "/interactions/{id}", None),
    ("patch", "/interactions/{id}", {"state": "done"}),
    ("post", "/interactions/{id}/notes", {"body": "Piraté"}),
]


@pytest.mark.parametrize(("method", "route", "body"), ROUTES)
def test_another_workspaces_id_is_404(api, foreign, method, route, body):
    resource = route.split("/")[1]
    path = route.format(id=foreign[resource].pk)
    call = getattr(api, method)
    response = call(path, body) if body is not None else call(path)
    assert response.status_code == 404, (method, path)
    assert response.json() == {"detail": "Introuvable."}


def test_foreign_records_are_untouched(api, foreign):
    before = [
        list(m.objects.order_by("pk").values()) for m in (Company, Person, Site, Interaction, Note)
    ]
    for method, route, body in ROUTES:
        if method != "get":
            getattr(api, method)(route.format(id=foreign[route.split("/")[1]].pk), body)
    after = [
        list(m.objects.order_by("pk").values()) for m in (Company, Person, Site, Interaction, Note)
    ]
    assert after == before


@pytest.mark.parametrize("resource", ["companies", "people", "sites", "interactions"])
def test_lists_never_leak(api, foreign, resource):
    response = api.get(f"/{resource}")
    assert response.json() == {"items": [], "count": 0, "page": 1, "page_size": 50}
    # Filtering on a foreign id finds nothing either.
    for params in ({"company": foreign["companies"].pk}, {"person": foreign["people"].pk}):
        if resource != "companies":
            assert api.get(f"/{resource}", params).json()["count"] == 0


def test_foreign_filters_find_nothing(api, foreign):
    assert api.get("/people", {"phone": "0612345678"}).json()["count"] == 0
    assert api.get("/people", {"q": "etranger"}).json()["count"] == 0
    assert api.get("/companies", {"q": "concurrent"}).json()["count"] == 0


def test_outsider_sees_own_records_only(outsider_api, foreign, workspace):
    CompanyFactory(workspace=workspace, name="Chez nous")
    names = [c["name"] for c in outsider_api.get("/companies").json()["items"]]
    assert names == ["Concurrent"]


def test_references_are_the_workspaces_own(api, workspace, other_workspace):
    body = api.get("/references").json()
    own = set(LegalForm.objects.filter(workspace=workspace).values_list("pk", flat=True))
    assert {item["id"] for item in body["legal_forms"]} == own
    assert {p["code"] for p in body["processes"]} >= {"vente", "support"}
    assert [u["email"] for u in body["users"]] == ["claire@duret.example"]
