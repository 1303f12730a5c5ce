"""Creating and editing companies and people: validation in French, all or nothing."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.contacts import services
from comptoir.contacts.models import (
    Affiliation,
    Company,
    ContactPoint,
    Domain,
    Interest,
    JobTitle,
    LegalForm,
    Person,
)
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, PhoneFactory

PERSON_CREATE = reverse("contacts:person_create")
COMPANY_CREATE = reverse("contacts:company_create")


def person_data(**extra):
    return {
        "civility": "M.",
        "first_name": "Pierre",
        "last_name": "Dupont",
        "category": "client",
        "country": "FR",
        "postcode": "74000",
        "city": "Annecy",
        **extra,
    }


def company_data(**extra):
    return {"name": "Boulangerie Martin", "category": "client", "country": "FR", **extra}


def counts():
    return (
        Person.objects.count(),
        Company.objects.count(),
        ContactPoint.objects.count(),
        Affiliation.objects.count(),
    )


# --- Person create ------------------------------------------------------------------------------


def test_create_form_offers_phone_and_email_rows(agent_client, workspace):
    html = agent_client.get(PERSON_CREATE).content.decode()

    for name in ("phone_1", "phone_2", "phone_3", "phone_1_label", "email_1", "email_2"):
        assert f'name="{name}"' in html
    assert reverse("contacts:duplicate_check") in html
    assert 'hx-trigger="keyup changed delay:500ms, change"' in html


def test_create_person_with_phones_in_three_formats(agent_client, workspace):
    response = agent_client.post(
        PERSON_CREATE,
        person_data(
            phone_1="06 12 34 56 78",
            phone_1_label="mobile",
            phone_2="+33 4 78 12 34 56",
            phone_2_label="landline",
            phone_3="0033 1 23 45 67 89",
            phone_3_label="work",
            email_1="Pierre.Dupont@Exemple.FR",
            email_2="pdupont@travail.fr",
        ),
    )

    person = Person.objects.get(workspace=workspace, last_name="Dupont")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    phones = list(person.contact_points.filter(kind="phone").order_by("id"))
    assert [(p.value, p.normalized, p.label) for p in phones] == [
        ("06 12 34 56 78", "+33612345678", "mobile"),
        ("+33 4 78 12 34 56", "+33478123456", "landline"),
        ("0033 1 23 45 67 89", "+33123456789", "work"),
    ]
    assert [p.is_primary for p in phones] == [True, False, False]
    emails = list(person.contact_points.filter(kind="email").order_by("id"))
    assert [e.normalized for e in emails] == ["pierre.dupont@exemple.fr", "pdupont@travail.fr"]
    assert emails[0].is_primary


def test_overseas_phone_takes_its_region_from_the_postcode(agent_client, workspace):
    agent_client.post(
        PERSON_CREATE,
        person_data(postcode="97110", city="Pointe-à-Pitre", phone_1="0690 12 34 56"),
    )

    point = ContactPoint.objects.get(person__last_name="Dupont")
    assert point.normalized == "+590690123456"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone_1", "06 12", "n'est pas un numéro de téléphone valide"),
        ("email_1", "pierre@", "n'est pas une adresse e-mail valide"),
    ],
)
def test_invalid_contact_shows_french_error_and_saves_nothing(
    agent_client, workspace, field, value, message
):
    before = counts()

    response = agent_client.post(
        PERSON_CREATE, person_data(phone_2="06 11 22 33 44", **{field: value})
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert counts() == before


def test_future_birthday_is_refused(agent_client, workspace):
    before = counts()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = agent_client.post(
        PERSON_CREATE, person_data(birthday=tomorrow.isoformat(), phone_1="06 12 34 56 78")
    )

    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert counts() == before


def test_missing_last_name_is_refused_in_french(agent_client, workspace):
    response = agent_client.post(PERSON_CREATE, person_data(last_name=""))

    assert "Ce champ est obligatoire." in response.content.decode()
    assert Person.objects.count() == 0


def test_create_person_with_company_and_role(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")

    agent_client.post(PERSON_CREATE, person_data(company=company.pk, role="Gestionnaire"))

    affiliation = Affiliation.objects.get(person__last_name="Dupont")
    assert affiliation.company == company
    assert affiliation.role == "Gestionnaire"
    assert affiliation.workspace == workspace


def test_company_prefilled_from_the_url(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")

    html = agent_client.get(PERSON_CREATE, {"company": company.pk}).content.decode()

    assert "SCI Les Tilleuls" in html
    assert f'value="{company.pk}" id="company-chosen" checked' in html


def test_company_of_another_workspace_is_refused(agent_client, workspace, other_workspace):
    foreign = CompanyFactory(workspace=other_workspace)
    before = counts()

    response = agent_client.post(PERSON_CREATE, person_data(company=foreign.pk))

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert counts() == before
    assert agent_client.get(PERSON_CREATE, {"company": foreign.pk}).status_code == 404


def test_reference_of_another_workspace_is_refused(agent_client, workspace, other_workspace):
    foreign_title = JobTitle.objects.filter(workspace=other_workspace).first()

    response = agent_client.post(PERSON_CREATE, person_data(job_title=foreign_title.pk))

    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Person.objects.count() == 0


def test_reference_selects_show_only_active_entries_of_the_workspace(
    agent_client, workspace, other_workspace
):
    JobTitle.objects.filter(workspace=workspace, name="Syndic").update(is_active=False)
    JobTitle.objects.create(workspace=other_workspace, name="Fonction étrangère")

    html = agent_client.get(PERSON_CREATE).content.decode()

    assert "Comptable" in html
    assert "Syndic" not in html
    assert "Fonction étrangère" not in html


def test_read_only_user_cannot_create(client, workspace):
    reader = UserFactory(workspace=workspace, role="read_only")
    client.force_login(reader)

    assert client.get(PERSON_CREATE).status_code == 403
    assert client.post(PERSON_CREATE, person_data()).status_code == 403
    assert Person.objects.count() == 0


# --- Duplicates -------------------------------------------------------------------------------


def test_live_duplicate_check_names_the_owner_with_a_link(agent_client, workspace):
    owner = PersonFactory(
        workspace=workspace, civility="M.", first_name="Pierre", last_name="Dupont"
    )
    PhoneFactory(person=owner, value="06 12 34 56 78", normalized="+33612345678")

    response = agent_client.get(
        reverse("contacts:duplicate_check"),
        {"phone_2": "+33 (0)6.12.34.56.78", "country": "FR", "postcode": "74000"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "Ce numéro appartient déjà à M. Pierre Dupont" in html
    assert f'href="{owner.get_absolute_url()}"' in html
    assert "Ouvrir la fiche" in html


def test_live_duplicate_check_for_an_email_held_by_a_company(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    services.contact_point_add(
        by=UserFactory(workspace=workspace),
        kind="email",
        value="contact@tilleuls.fr",
        company=company,
    )

    html = agent_client.get(
        reverse("contacts:duplicate_check"), {"email_1": "CONTACT@tilleuls.fr"}
    ).content.decode()

    assert "Cette adresse e-mail appartient déjà à SCI Les Tilleuls" in html
    assert company.get_absolute_url() in html


def test_live_duplicate_check_is_silent_for_unknown_invalid_or_foreign_values(
    agent_client, workspace, other_workspace
):
    foreign = PersonFactory(workspace=other_workspace, last_name="Secret")
    PhoneFactory(person=foreign, value="06 12 34 56 78", normalized="+33612345678")
    url = reverse("contacts:duplicate_check")

    for params in ({"phone_1": "06 12 34 56 78"}, {"phone_1": "06 12"}, {"email_1": ""}, {}):
        response = agent_client.get(url, params)
        assert response.status_code == 200
        assert "appartient déjà" not in response.content.decode()


def test_duplicate_on_submit_warns_and_creates_nothing_until_confirmed(agent_client, workspace):
    owner = PersonFactory(
        workspace=workspace, civility="M.", first_name="Pierre", last_name="Dupont"
    )
    PhoneFactory(person=owner, value="06 12 34 56 78", normalized="+33612345678")
    before = counts()
    data = person_data(first_name="Paul", phone_1="0612345678")

    response = agent_client.post(PERSON_CREATE, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce numéro appartient déjà à M. Pierre Dupont" in html
    assert f'href="{owner.get_absolute_url()}"' in html
    assert 'name="create_anyway"' in html
    assert "Créer quand même" in html
    assert counts() == before

    response = agent_client.post(PERSON_CREATE, {**data, "create_anyway": "on"})

    assert response.status_code == 302
    assert Person.objects.filter(first_name="Paul").count() == 1


def test_same_number_twice_in_one_form_is_refused(agent_client, workspace):
    response = agent_client.post(
        PERSON_CREATE, person_data(phone_1="06 12 34 56 78", phone_2="+33612345678")
    )

    assert "Cette coordonnée est déjà saisie plus haut." in response.content.decode()
    assert Person.objects.count() == 0


def test_company_duplicate_email_warns(agent_client, workspace):
    owner = PersonFactory(
        workspace=workspace, civility="Mme", first_name="Claire", last_name="Roux"
    )
    services.contact_point_add(
        by=UserFactory(workspace=workspace), kind="email", value="roux@exemple.fr", person=owner
    )

    response = agent_client.post(COMPANY_CREATE, company_data(email_1="roux@exemple.fr"))

    assert "Cette adresse e-mail appartient déjà à Mme Claire Roux" in response.content.decode()
    assert Company.objects.count() == 0


# --- Company create -----------------------------------------------------------------------------


def test_create_company_with_identifiers_and_phone(agent_client, workspace):
    legal_form = LegalForm.objects.get(workspace=workspace, name="SAS")
    domain = Domain.objects.get(workspace=workspace, name="Énergie", parent=None)
    subdomain = domain.children.get(name="Photovoltaïque")
    interest = Interest.objects.filter(workspace=workspace).first()

    response = agent_client.post(
        COMPANY_CREATE,
        company_data(
            legal_form=legal_form.pk,
            siret="732 829 320 00074",
            vat_number="fr 40 303265045",
            domain=domain.pk,
            subdomain=subdomain.pk,
            interests=[interest.pk],
            phone_1="04 78 12 34 56",
            phone_1_label="landline",
            website="www.martin.fr",
        ),
    )

    company = Company.objects.get(name="Boulangerie Martin")
    assert response.status_code == 302
    assert company.siret == "73282932000074"
    assert company.siren == "732829320"
    assert company.vat_number == "FR40303265045"
    assert company.subdomain == subdomain
    assert company.website == "https://www.martin.fr"
    assert list(company.interests.all()) == [interest]
    assert company.contact_points.get().normalized == "+33478123456"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "73282932000075", "SIRET invalide : 14 chiffres avec une clé de contrôle juste."),
        ("siren", "123456789", "SIREN invalide : 9 chiffres avec une clé de contrôle juste."),
        ("vat_number", "FR00123456789", "Numéro de TVA intracommunautaire invalide."),
    ],
)
def test_invalid_identifiers_are_refused_in_french(agent_client, workspace, field, value, message):
    before = counts()

    response = agent_client.post(
        COMPANY_CREATE, company_data(phone_1="04 78 12 34 56", **{field: value})
    )

    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert counts() == before


def test_subdomain_must_belong_to_the_domain(agent_client, workspace):
    energy = Domain.objects.get(workspace=workspace, name="Énergie", parent=None)
    alarm = Domain.objects.get(workspace=workspace, name="Alarme")

    response = agent_client.post(COMPANY_CREATE, company_data(domain=energy.pk, subdomain=alarm.pk))

    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Company.objects.count() == 0


def test_subdomain_options_follow_the_domain(agent_client, workspace, other_workspace):
    energy = Domain.objects.get(workspace=workspace, name="Énergie", parent=None)
    foreign = Domain.objects.get(workspace=other_workspace, name="Énergie", parent=None)
    url = reverse("contacts:subdomain_options")

    html = agent_client.get(url, {"domain": energy.pk}).content.decode()
    foreign_html = agent_client.get(url, {"domain": foreign.pk}).content.decode()

    assert "Photovoltaïque" in html
    assert "Alarme" not in html
    assert "Photovoltaïque" not in foreign_html


# --- Edit + history ---------------------------------------------------------------------------


def test_edit_person_records_old_and_new_in_the_history_tab(agent_client, workspace, agent):
    person = PersonFactory(workspace=workspace, city="Annecy", last_name="Dupont")
    url = reverse("contacts:person_edit", args=[person.pk])
    assert 'value="Annecy"' in agent_client.get(url).content.decode()

    response = agent_client.post(url, person_data(city="Lyon", postcode="69003"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.city == "Lyon"
    entry = AuditEntry.objects.get(object_id=person.pk, action="update")
    assert entry.changes["city"] == ["Annecy", "Lyon"]
    assert entry.actor == agent

    html = agent_client.get(person.get_absolute_url(), {"onglet": "historique"}).content.decode()
    assert "Ville :" in html
    assert "<del>Annecy</del>" in html
    assert "<ins>Lyon</ins>" in html
    assert agent.full_name in html


def test_edit_birthday_history_shows_french_dates(agent_client, workspace):
    person = PersonFactory(workspace=workspace, last_name="Dupont", birthday=dt.date(1980, 3, 12))

    agent_client.post(
        reverse("contacts:person_edit", args=[person.pk]), person_data(birthday="1981-04-01")
    )

    html = agent_client.get(person.get_absolute_url(), {"onglet": "historique"}).content.decode()
    assert "<del>12/03/1980</del>" in html
    assert "<ins>01/04/1981</ins>" in html


def test_edit_with_invalid_data_changes_nothing(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="Martin")
    url = reverse("contacts:company_edit", args=[company.pk])

    response = agent_client.post(url, company_data(name="Nouveau nom", siret="123"))

    assert "SIRET invalide" in response.content.decode()
    company.refresh_from_db()
    assert company.name == "Martin"
    assert not AuditEntry.objects.filter(object_id=company.pk, action="update").exists()


def test_inactive_reference_stays_on_the_record_it_is_used_by(agent_client, workspace):
    syndic = JobTitle.objects.get(workspace=workspace, name="Syndic")
    person = PersonFactory(workspace=workspace, job_title=syndic)
    syndic.is_active = False
    syndic.save()

    html = agent_client.get(reverse("contacts:person_edit", args=[person.pk])).content.decode()
    response = agent_client.post(
        reverse("contacts:person_edit", args=[person.pk]),
        person_data(job_title=syndic.pk, last_name=person.last_name),
    )

    assert f'<option value="{syndic.pk}" selected>Syndic</option>' in html
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.job_title == syndic


def test_edit_company_domain(agent_client, workspace):
    company = CompanyFactory(workspace=workspace)
    domain = Domain.objects.get(workspace=workspace, name="Confort", parent=None)
    vmc = domain.children.get(name="VMC")

    agent_client.post(
        reverse("contacts:company_edit", args=[company.pk]),
        company_data(name=company.name, domain=domain.pk, subdomain=vmc.pk),
    )

    company.refresh_from_db()
    assert company.subdomain == vmc
    html = agent_client.get(reverse("contacts:company_edit", args=[company.pk])).content.decode()
    assert "VMC" in html


@pytest.mark.parametrize("name", ["contacts:person_edit", "contacts:company_edit"])
def test_edit_another_workspace_record_is_404(agent_client, other_workspace, name):
    record = (
        PersonFactory(workspace=other_workspace)
        if name == "contacts:person_edit"
        else CompanyFactory(workspace=other_workspace)
    )
    url = reverse(name, args=[record.pk])

    assert agent_client.get(url).status_code == 404
    assert agent_client.post(url, person_data()).status_code == 404
