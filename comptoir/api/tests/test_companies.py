"""Companies: list, filters, pagination, create, read, update, bad input."""

import pytest

from comptoir.api.tests.conftest import assert_invalid
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import Company, ContactPoint, Interest, LegalForm
from comptoir.contacts.tests.factories import CompanyFactory

VALID_SIRET = "73282932000074"  # SIREN 732829320


def test_create_company_with_phones_and_emails(api, agent, workspace):
    sarl = LegalForm.objects.get(workspace=workspace, name="SARL")
    response = api.post(
        "/companies",
        {
            "name": "Électricité Dupont",
            "legal_form": sarl.pk,
            "siret": "732 829 320 00074",
            "category": "prospect",
            "city": "Annecy",
            "postcode": "74000",
            "phones": [{"value": "04 50 12 34 56", "label": "work"}],
            "emails": [{"value": "Contact@Dupont.FR"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    company = Company.objects.get()
    assert body["id"] == company.pk
    assert body["legal_form"] == {"id": sarl.pk, "name": "SARL"}
    assert body["siret"] == VALID_SIRET
    assert body["siren"] == "732829320"
    assert body["phones"] == [
        {
            "value": "04 50 12 34 56",
            "e164": "+33450123456",
            "display": "04 50 12 34 56",
            "label": "work",
            "is_primary": True,
        }
    ]
    assert body["emails"] == [{"value": "contact@dupont.fr", "label": "other", "is_primary": True}]
    assert body["url"] == f"http://testserver/clients/societes/{company.pk}/"
    assert company.workspace == workspace
    entry = AuditEntry.objects.filter(object_id=company.pk, action="create").get()
    assert entry.actor == agent


def test_read_company(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Boulangerie Martin")
    response = api.get(f"/companies/{company.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Boulangerie Martin"


def test_unknown_company_is_404_in_french(api):
    for pk in (999999, 0, -1, 2**70):
        response = api.get(f"/companies/{pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Introuvable."}


def test_non_numeric_id_is_422_naming_it(api):
    response = api.get("/companies/abc")
    assert_invalid(response, "company_id")


def test_patch_changes_only_the_fields_sent(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Ancien nom", city="Annecy", notes="VIP")
    response = api.patch(f"/companies/{company.pk}", {"name": "Nouveau nom", "notes": None})
    assert response.status_code == 200
    company.refresh_from_db()
    assert (company.name, company.city, company.notes) == ("Nouveau nom", "Annecy", "")
    assert response.json()["name"] == "Nouveau nom"
    entry = AuditEntry.objects.filter(object_id=company.pk, action="update").get()
    assert entry.changes["name"] == ["Ancien nom", "Nouveau nom"]


def test_patch_phones_replaces_the_list_and_keeps_unchanged_numbers(api, workspace):
    response = api.post(
        "/companies",
        {"name": "Garage", "phones": [{"value": "0450000001"}, {"value": "0450000002"}]},
    )
    pk = response.json()["id"]
    kept = ContactPoint.objects.get(normalized="+33450000001")
    response = api.patch(
        f"/companies/{pk}",
        {
            "phones": [
                {"value": "+33 4 50 00 00 01"},
                {"value": "06 00 00 00 03", "label": "mobile"},
            ]
        },
    )
    assert response.status_code == 200
    assert [p["e164"] for p in response.json()["phones"]] == ["+33450000001", "+33600000003"]
    assert ContactPoint.objects.filter(pk=kept.pk).exists()
    assert not ContactPoint.objects.filter(normalized="+33450000002").exists()


def test_patch_without_phones_leaves_them_alone(api):
    pk = api.post("/companies", {"name": "Garage", "phones": [{"value": "0450000001"}]}).json()[
        "id"
    ]
    response = api.patch(f"/companies/{pk}", {"city": "Cran-Gevrier"})
    assert [p["e164"] for p in response.json()["phones"]] == ["+33450000001"]


def test_interests_by_id(api, workspace):
    ids = list(Interest.objects.filter(workspace=workspace).values_list("pk", flat=True)[:2])
    response = api.post("/companies", {"name": "Segmentée", "interests": ids})
    assert response.status_code == 201
    assert [i["id"] for i in response.json()["interests"]] == ids


# --- Bad input: 422 naming the field, nothing saved ------------------------------------


def _nothing_saved():
    assert not Company.objects.exists()
    assert not ContactPoint.objects.exists()
    assert not AuditEntry.objects.exists()


def test_invalid_siret_is_refused(api):
    errors = assert_invalid(
        api.post("/companies", {"name": "X", "siret": "12345678901234"}), "siret"
    )
    assert errors["siret"][0].startswith("SIRET invalide")
    _nothing_saved()


def test_every_mistake_is_reported_at_once(api):
    response = api.post(
        "/companies",
        {
            "name": "X",
            "siret": "123",
            "legal_form": 999999,
            "interests": [999998],
            "phones": [{"value": "06 12 34 56 78"}, {"value": "pas un numéro"}],
            "emails": [{"value": "pas-une-adresse"}],
        },
    )
    errors = assert_invalid(
        response, "siret", "legal_form", "interests", "phones.1.value", "emails.0.value"
    )
    assert errors["legal_form"] == ["Élément introuvable."]
    assert errors["phones.1.value"] == [
        "« pas un numéro » n'est pas un numéro de téléphone valide."
    ]
    _nothing_saved()


def test_reference_of_another_workspace_is_unknown(api, other_workspace):
    foreign = LegalForm.objects.get(workspace=other_workspace, name="SARL")
    assert_invalid(api.post("/companies", {"name": "X", "legal_form": foreign.pk}), "legal_form")
    _nothing_saved()


def test_switched_off_reference_entry_is_refused(api, workspace):
    sarl = LegalForm.objects.get(workspace=workspace, name="SARL")
    sarl.is_active = False
    sarl.save()
    errors = assert_invalid(
        api.post("/companies", {"name": "X", "legal_form": sarl.pk}), "legal_form"
    )
    assert errors["legal_form"] == ["Cet élément n'est plus proposé."]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 12}, "name"),
        ({"name": None}, "name"),
        ({"name": "X", "category": "ami"}, "category"),
        ({"name": "X", "legal_form": "SARL"}, "legal_form"),
        ({"name": "X", "legal_form": 2**70}, "legal_form"),
        ({"name": "X", "interests": "1"}, "interests"),
        ({"name": "X", "phones": [{"value": "0612345678", "label": "perso"}]}, "phones.0.label"),
        ({"name": "X", "phones": [{"value": "0612345678", "numero": "1"}]}, "phones.0.numero"),
        ({"name": "X", "website": "pas une url"}, "website"),
        ({"name": "X", "vat_number": "FR000"}, "vat_number"),
        ({"name": "X" * 201}, "name"),
        ({"name": "X\u0000Y"}, "name"),
        ({"name": "X", "couleur": "rouge"}, "couleur"),
    ],
)
def test_bad_input_names_the_field(api, body, field):
    response = api.post("/companies", body)
    errors = assert_invalid(response, field)
    assert all("Error" not in m for m in errors[field])
    _nothing_saved()


@pytest.mark.parametrize("raw", ["{pas du json", "", "[1, 2]", "null", '"texte"'])
def test_body_that_is_not_a_json_object_is_refused(api, raw):
    response = api.post("/companies", raw=raw)
    assert response.status_code in {400, 422}
    assert response.json()["detail"]
    _nothing_saved()


def test_invalid_json_is_400_in_french(api):
    response = api.post("/companies", raw="{pas du json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Requête illisible : le corps doit être du JSON valide."}


def test_bad_patch_saves_nothing(api, workspace):
    company = CompanyFactory(workspace=workspace, name="Intacte", siret="")
    response = api.patch(
        f"/companies/{company.pk}",
        {"name": "Changée", "siret": "123", "phones": [{"value": "0612345678"}]},
    )
    assert_invalid(response, "siret")
    company.refresh_from_db()
    assert company.name == "Intacte"
    assert not ContactPoint.objects.exists()
    assert not AuditEntry.objects.exists()


# --- List, filters, pagination ----------------------------------------------------------


def test_list_filters(api, workspace):
    a = CompanyFactory(workspace=workspace, name="Électricité Générale", city="Annecy")
    b = CompanyFactory(
        workspace=workspace, name="Plomberie Savoyarde", city="Chambéry", category="supplier"
    )
    c = CompanyFactory(workspace=workspace, name="Société Générale", siren="732829320")

    def names(**params):
        response = api.get("/companies", params)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert names(q="generale") == [a.pk, c.pk]
    assert names(q="ÉLEC") == [a.pk]
    assert names(category="supplier") == [b.pk]
    assert names(city="annecy") == [a.pk, c.pk]
    assert names(city="chambéry") == [b.pk]
    assert names(siren="732 829 320") == [c.pk]
    assert names(q="generale", category="client", siren="732829320") == [c.pk]
    assert names(q="inconnue") == []


def test_unknown_filter_value_is_422(api):
    assert_invalid(api.get("/companies", {"category": "ami"}), "category")


def test_pagination(api, workspace):
    for n in range(7):
        CompanyFactory(workspace=workspace, name=f"Société {n:02d}")
    first = api.get("/companies", {"page_size": 3}).json()
    assert (first["count"], first["page"], first["page_size"]) == (7, 1, 3)
    assert [c["name"] for c in first["items"]] == ["Société 00", "Société 01", "Société 02"]
    last = api.get("/companies", {"page_size": 3, "page": 3}).json()
    assert [c["name"] for c in last["items"]] == ["Société 06"]
    beyond = api.get("/companies", {"page_size": 3, "page": 4}).json()
    assert beyond == {"items": [], "count": 7, "page": 4, "page_size": 3}
    default = api.get("/companies").json()
    assert default["page_size"] == 50 and len(default["items"]) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "deux"}, "page"),
    ],
)
def test_bad_pagination_is_422(api, params, field):
    errors = assert_invalid(api.get("/companies", params), field)
    assert errors[field][0].startswith(("La valeur", "Nombre"))


def test_list_query_count_is_pinned(api, workspace, django_assert_num_queries):
    interest = Interest.objects.filter(workspace=workspace).first()
    for _n in range(5):
        company = CompanyFactory(
            workspace=workspace,
            legal_form=LegalForm.objects.filter(workspace=workspace).first(),
        )
        company.interests.add(interest)
        ContactPoint.objects.create(
            workspace=workspace,
            company=company,
            kind="phone",
            value="0450000000",
            normalized="+33450000000",
        )
    # token, count, rows (with their reference entries), interests, contact points
    with django_assert_num_queries(5):
        response = api.get("/companies")
    assert response.json()["count"] == 5
