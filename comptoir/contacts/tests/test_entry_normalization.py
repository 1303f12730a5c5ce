"""What people type in the customer forms is saved cleaned, the way a colleague expects it."""

from django.urls import reverse

from comptoir.contacts.models import Company, Person, Site
from comptoir.contacts.services import person_create


def _person(**extra):
    return {
        "civility": "M.",
        "first_name": "pierre",
        "last_name": "DUPONT",
        "category": "client",
        "country": "FR",
        "street": "12 R. de la Paix",
        "postcode": "74000",
        "city": "ANNECY",
        **extra,
    }


def test_new_person_in_capitals_is_saved_with_cased_name_and_full_street(agent_client, workspace):
    agent_client.post(reverse("contacts:person_create"), _person())
    person = Person.objects.get(workspace=workspace)
    assert (person.first_name, person.last_name) == ("Pierre", "Dupont")
    assert person.street == "12 rue de la Paix"
    assert person.city == "Annecy"


def test_compound_names_particles_and_hand_cased_names(agent_client, workspace):
    agent_client.post(
        reverse("contacts:person_create"),
        _person(first_name="jean-pierre", last_name="de la FONTAINE", street="Bd Voltaire"),
    )
    agent_client.post(
        reverse("contacts:person_create"),
        _person(first_name="Ronan", last_name="McDonald", street="3B av. jean jaurès"),
    )
    names = set(Person.objects.values_list("first_name", "last_name", "street"))
    assert ("Jean-Pierre", "De la Fontaine", "Boulevard Voltaire") in names
    assert ("Ronan", "McDonald", "3 bis avenue Jean Jaurès") in names


def test_edit_person_cleans_too(agent_client, agent):
    person = person_create(by=agent, last_name="Martin")
    agent_client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        _person(first_name="CLAIRE", last_name="MARTIN", street="5 pl. st pierre", postcode="1000"),
    )
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Claire", "Martin")
    assert person.street == "5 place Saint-Pierre"
    assert person.postcode == "01000"  # the leading zero Excel users lose


def test_company_name_is_kept_as_typed_but_address_is_cleaned(agent_client, workspace):
    agent_client.post(
        reverse("contacts:company_create"),
        {
            "name": "SARL DUPONT",
            "category": "client",
            "country": "FR",
            "street": "ZI des Bruyères, 4 Imp. du Lac",
            "city": "saint etienne",
        },
    )
    company = Company.objects.get(workspace=workspace)
    assert company.name == "SARL DUPONT"  # a brand is written the way its owner wants
    assert company.city == "Saint-Etienne"


def test_site_street_is_cleaned(agent_client, agent):
    person = person_create(by=agent, last_name="Martin")
    agent_client.post(
        reverse("contacts:site_create"),
        {
            "person": person.pk,
            "street": "8 Chem. des Vignes",
            "postcode": "74000",
            "city": "ANNECY",
            "country": "FR",
        },
    )
    site = Site.objects.get(person=person)
    assert (site.street, site.city) == ("8 chemin des Vignes", "Annecy")


def test_a_mainland_mobile_at_an_overseas_address_is_kept_as_french():
    from comptoir.contacts.services import normalize_contact

    assert normalize_contact("phone", "06 12 34 56 78", postcode="97100") == "+33612345678"
    assert normalize_contact("phone", "0590 12 34 56", postcode="97100") == "+590590123456"
