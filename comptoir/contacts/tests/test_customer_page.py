"""The customer page (vue 360°) and what is edited inline on it."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.contacts import services
from comptoir.contacts.models import Affiliation, ContactPoint, Interest, JobTitle, Site
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return unescape(response.content.decode())


@pytest.fixture
def claire(workspace):
    person = PersonFactory(
        workspace=workspace,
        civility="Mme",
        first_name="Claire",
        last_name="Durand",
        street="12 rue des Lilas",
        postcode="69003",
        city="Lyon",
        birthday=dt.date(1980, 3, 12),
    )
    PhoneFactory(person=person, value="0612345678", normalized="+33612345678", is_primary=True)
    ContactPoint.objects.create(
        workspace=workspace,
        person=person,
        kind="email",
        value="claire.durand@exemple.fr",
        normalized="claire.durand@exemple.fr",
        is_primary=True,
    )
    person.interests.add(Interest.objects.get(workspace=workspace, name="Contrat d'entretien"))
    return person


# --- Person page --------------------------------------------------------------------------------


def test_person_page_header_and_fiche(agent_client, claire):
    response = agent_client.get(claire.get_absolute_url())

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Mme Claire Durand</h1>" in html
    assert 'class="cat-badge cat-client">Client' in html
    assert 'href="tel:+33612345678"' in html and "06 12 34 56 78" in html
    assert 'href="mailto:claire.durand@exemple.fr"' in html
    assert "12 rue des Lilas, 69003 Lyon" in html
    assert "12/03/1980" in html
    assert "Contrat d'entretien" in html
    assert "Appeler" in html and "Modifier" in html
    assert reverse("contacts:person_edit", args=[claire.pk]) in html
    # Empty identity fields are hidden.
    assert "Réf. externe" not in html and "Origine" not in html


def test_person_page_links_to_the_activities_panels(agent_client, claire):
    html = text(agent_client.get(claire.get_absolute_url()))

    create = reverse("activities:create")
    assert f'href="{create}?person={claire.pk}"' in html
    assert f"{reverse('scheduling:book')}?person={claire.pk}" in html
    assert "+ Nouvelle interaction" in html and "Prendre RDV" in html
    quick_note = reverse("activities:quick_note")
    assert f'hx-get="{quick_note}?person={claire.pk}" hx-trigger="load"' in html
    timeline = reverse("activities:timeline")
    assert f'hx-get="{timeline}?person={claire.pk}" hx-trigger="load"' in html


def test_person_page_affiliations_current_and_past(agent_client, claire, workspace):
    now = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    before = CompanyFactory(workspace=workspace, name="Ancienne SARL")
    AffiliationFactory(person=claire, company=now, role="Gestionnaire", start=dt.date(2024, 1, 1))
    AffiliationFactory(
        person=claire,
        company=before,
        role="Comptable",
        start=dt.date(2019, 5, 1),
        end=dt.date(2023, 12, 31),
    )

    html = text(agent_client.get(claire.get_absolute_url()))

    assert "SCI Les Tilleuls</a>" in html and "Gestionnaire" in html
    assert "depuis le 01/01/2024" in html
    assert "Anciennement" in html
    past = html[html.index("Anciennement") :]
    assert 'class="past"' in past
    assert "Ancienne SARL" in past
    assert "jusqu'au 31/12/2023" in past


def test_person_page_sites_show_address_access_occupant_and_payer(agent_client, claire, workspace):
    tenant = PersonFactory(
        workspace=workspace, civility="M.", first_name="Paul", last_name="Locataire"
    )
    SiteFactory(
        person=claire,
        name="Résidence Les Pins",
        street="3 allée des Pins",
        postcode="69500",
        city="Bron",
        access_notes="Digicode 1234",
        occupant=tenant,
        is_primary=True,
    )

    html = text(agent_client.get(claire.get_absolute_url()))

    assert "Résidence Les Pins" in html
    assert "3 allée des Pins, 69500 Bron" in html
    assert "Digicode 1234" in html
    assert "M. Paul Locataire" in html
    assert "Payeur :" in html
    assert f"{reverse('contacts:site_create')}?person={claire.pk}" in html


def test_company_page_people_now_and_formerly(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls", siret="73282932000074")
    current = PersonFactory(workspace=workspace, first_name="Jean", last_name="Martin")
    PhoneFactory(person=current, value="0478123456", normalized="+33478123456")
    former = PersonFactory(workspace=workspace, first_name="Anne", last_name="Dubois")
    AffiliationFactory(person=current, company=company, role="Gérant")
    AffiliationFactory(
        person=former, company=company, role="Syndic", start=None, end=dt.date(2022, 6, 30)
    )

    response = agent_client.get(company.get_absolute_url())

    html = text(response)
    assert response.status_code == 200
    assert "<h1>SCI Les Tilleuls</h1>" in html
    assert "73282932000074" in html
    assert "M. Jean Martin</a>" in html and "04 78 12 34 56" in html
    past = html[html.index("Anciennement") :]
    assert "M. Anne Dubois" in past and "jusqu'au 30/06/2022" in past
    assert f"{reverse('contacts:person_create')}?company={company.pk}" in html


def _rich_person(workspace, n):
    person = PersonFactory(workspace=workspace)
    for i in range(n):
        PhoneFactory(person=person, value=f"06 12 34 56 7{i}", normalized=f"+3361234567{i}")
        AffiliationFactory(person=person, company=CompanyFactory(workspace=workspace))
        site = SiteFactory(person=person, occupant=PersonFactory(workspace=workspace))
        ContactPoint.objects.create(
            workspace=workspace, site=site, kind="phone", value="x", normalized="+33478000000"
        )
    person.interests.set(Interest.objects.filter(workspace=workspace)[:n])
    return person


@pytest.mark.parametrize("n", [1, 5])
def test_person_page_query_count_is_pinned(agent_client, workspace, n, django_assert_num_queries):
    person = _rich_person(workspace, n)
    url = person.get_absolute_url()

    # session, user, workspace, person, interests, contact points, affiliations, sites,
    # site contact points, job titles of the add-affiliation form
    with django_assert_num_queries(10):
        assert agent_client.get(url).status_code == 200
    agent_client.get(url, {"onglet": "historique"})  # content types are cached after this
    # + the audit entries
    with django_assert_num_queries(11):
        assert agent_client.get(url, {"onglet": "historique"}).status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_company_page_query_count_is_pinned(agent_client, workspace, n, django_assert_num_queries):
    company = CompanyFactory(workspace=workspace)
    for _ in range(n):
        person = PersonFactory(workspace=workspace)
        PhoneFactory(person=person)
        AffiliationFactory(person=person, company=company)
        SiteFactory(person=None, company=company, workspace=workspace)

    # session, user, workspace, company, interests, contact points, affiliations,
    # their people's contact points, sites, site contact points, job titles
    with django_assert_num_queries(11):
        assert agent_client.get(company.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["contacts:person_detail", "contacts:company_detail"])
def test_another_workspace_record_is_404(agent_client, other_workspace, name):
    record = (
        PersonFactory(workspace=other_workspace)
        if name == "contacts:person_detail"
        else CompanyFactory(workspace=other_workspace)
    )

    assert agent_client.get(reverse(name, args=[record.pk])).status_code == 404


# --- Contact points inline ------------------------------------------------------------------------


def test_add_a_phone_inline(agent_client, claire):
    url = reverse("contacts:person_contact_point_add", args=[claire.pk])

    response = agent_client.post(
        url, {"kind": "phone", "label": "landline", "value": "04 78 12 34 56"}, **HTMX
    )

    html = text(response)
    assert response.status_code == 200
    assert 'id="contact-points"' in html and "<html" not in html
    assert "04 78 12 34 56" in html
    point = claire.contact_points.get(normalized="+33478123456")
    assert point.value == "04 78 12 34 56" and point.label == "landline"


def test_add_an_invalid_email_inline_is_refused(agent_client, claire):
    before = ContactPoint.objects.count()

    response = agent_client.post(
        reverse("contacts:person_contact_point_add", args=[claire.pk]),
        {"kind": "email", "label": "other", "value": "pas-une-adresse"},
        **HTMX,
    )

    assert "« pas-une-adresse » n'est pas une adresse e-mail valide." in text(response)
    assert ContactPoint.objects.count() == before


def test_new_primary_phone_replaces_the_old_one(agent_client, claire):
    agent_client.post(
        reverse("contacts:person_contact_point_add", args=[claire.pk]),
        {"kind": "phone", "label": "mobile", "value": "07 81 22 33 44", "is_primary": "on"},
        **HTMX,
    )

    primary = claire.contact_points.filter(kind="phone", is_primary=True)
    assert [p.normalized for p in primary] == ["+33781223344"]


def test_add_a_phone_to_a_company(agent_client, workspace):
    company = CompanyFactory(workspace=workspace, postcode="97200", city="Fort-de-France")

    agent_client.post(
        reverse("contacts:company_contact_point_add", args=[company.pk]),
        {"kind": "phone", "label": "landline", "value": "0596 61 23 45"},
    )

    assert company.contact_points.get().normalized == "+596596612345"


def test_remove_a_phone_offers_undo(agent_client, claire):
    point = claire.contact_points.get(kind="phone")

    response = agent_client.post(reverse("contacts:contact_point_remove", args=[point.pk]), **HTMX)

    html = text(response)
    assert not ContactPoint.objects.filter(pk=point.pk).exists()
    assert "Annuler l'action" in html
    assert 'name="value" value="0612345678"' in html


def test_contact_point_routes_of_another_workspace_are_404(agent_client, other_workspace):
    stranger = PersonFactory(workspace=other_workspace)
    company = CompanyFactory(workspace=other_workspace)
    point = PhoneFactory(person=stranger)
    data = {"kind": "phone", "label": "mobile", "value": "06 12 34 56 78"}

    assert (
        agent_client.post(
            reverse("contacts:person_contact_point_add", args=[stranger.pk]), data
        ).status_code
        == 404
    )
    assert (
        agent_client.post(
            reverse("contacts:company_contact_point_add", args=[company.pk]), data
        ).status_code
        == 404
    )
    assert (
        agent_client.post(reverse("contacts:contact_point_remove", args=[point.pk])).status_code
        == 404
    )
    assert ContactPoint.objects.filter(pk=point.pk).exists()


# --- Affiliations ------------------------------------------------------------------------------


def test_attach_a_person_to_a_company(agent_client, claire, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    title = JobTitle.objects.get(workspace=workspace, name="Gestionnaire de biens")

    response = agent_client.post(
        reverse("contacts:person_affiliation_add", args=[claire.pk]),
        {"company": company.pk, "role": "Gérante", "job_title": title.pk, "start": "2024-01-01"},
        **HTMX,
    )

    html = text(response)
    assert 'id="affiliations"' in html and "SCI Les Tilleuls" in html
    affiliation = Affiliation.objects.get(person=claire)
    assert (affiliation.company, affiliation.role, affiliation.job_title) == (
        company,
        "Gérante",
        title,
    )


def test_attach_from_the_company_page(agent_client, claire, workspace):
    company = CompanyFactory(workspace=workspace)

    agent_client.post(
        reverse("contacts:company_affiliation_add", args=[company.pk]),
        {"person": claire.pk, "role": "Locataire"},
    )

    assert Affiliation.objects.get(company=company).person == claire


def test_affiliation_dates_in_wrong_order_are_refused(agent_client, claire, workspace):
    company = CompanyFactory(workspace=workspace)

    response = agent_client.post(
        reverse("contacts:person_affiliation_add", args=[claire.pk]),
        {"company": company.pk, "start": "2024-05-01", "end": "2024-01-01"},
        **HTMX,
    )

    assert "La date de fin doit suivre la date de début." in text(response)
    assert not Affiliation.objects.exists()


def test_affiliation_needs_a_company(agent_client, claire):
    response = agent_client.post(
        reverse("contacts:person_affiliation_add", args=[claire.pk]), {"role": "x"}, **HTMX
    )

    assert "Choisissez la société." in text(response)
    assert not Affiliation.objects.exists()


def test_ending_an_affiliation_keeps_it_as_past(agent_client, claire, workspace):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    affiliation = AffiliationFactory(
        person=claire, company=company, role="Gérante", start=dt.date(2020, 1, 1)
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = agent_client.post(
        reverse("contacts:affiliation_end", args=[affiliation.pk]),
        {"end": yesterday.isoformat(), "from": "person"},
        **HTMX,
    )

    affiliation.refresh_from_db()
    assert affiliation.end == yesterday
    html = text(response)
    past = html[html.index("Anciennement") :]
    assert "SCI Les Tilleuls" in past
    assert f"jusqu'au {yesterday:%d/%m/%Y}" in past
    company_page = text(agent_client.get(company.get_absolute_url()))
    assert "Mme Claire Durand" in company_page[company_page.index("Anciennement") :]
    history = text(agent_client.get(claire.get_absolute_url(), {"onglet": "historique"}))
    assert "Rattachements :" in history


def test_ending_before_the_start_is_refused(agent_client, claire, workspace):
    affiliation = AffiliationFactory(person=claire, start=dt.date(2024, 1, 1))

    response = agent_client.post(
        reverse("contacts:affiliation_end", args=[affiliation.pk]),
        {"end": "2023-01-01", "from": "person"},
        **HTMX,
    )

    assert "La date de fin doit suivre la date de début." in text(response)
    affiliation.refresh_from_db()
    assert affiliation.end is None


def test_affiliation_routes_of_another_workspace_are_404(agent_client, claire, other_workspace):
    foreign_affiliation = AffiliationFactory(person=PersonFactory(workspace=other_workspace))
    foreign_company = CompanyFactory(workspace=other_workspace)
    foreign_person = PersonFactory(workspace=other_workspace)

    assert (
        agent_client.post(
            reverse("contacts:affiliation_end", args=[foreign_affiliation.pk]),
            {"end": "2024-01-01"},
        ).status_code
        == 404
    )
    assert (
        agent_client.post(
            reverse("contacts:person_affiliation_add", args=[foreign_person.pk]), {}
        ).status_code
        == 404
    )
    assert (
        agent_client.post(
            reverse("contacts:company_affiliation_add", args=[foreign_company.pk]), {}
        ).status_code
        == 404
    )
    # A foreign company picked from the person's page is refused.
    response = agent_client.post(
        reverse("contacts:person_affiliation_add", args=[claire.pk]),
        {"company": foreign_company.pk},
        **HTMX,
    )
    assert "Sélectionnez un choix valide" in text(response)
    foreign_affiliation.refresh_from_db()
    assert foreign_affiliation.end is None
    assert not Affiliation.objects.filter(person=claire).exists()


# --- Pickers ------------------------------------------------------------------------------------


def test_lookup_lists_matching_companies_of_the_workspace(agent_client, workspace, other_workspace):
    CompanyFactory(workspace=workspace, name="SCI Les Tilleuls", city="Bron")
    CompanyFactory(workspace=other_workspace, name="SCI Étrangère")

    html = text(
        agent_client.get(
            reverse("contacts:lookup"), {"kind": "company", "name": "company", "q": "sci"}
        )
    )

    assert 'type="radio" name="company"' in html
    assert "SCI Les Tilleuls" in html and "Bron" in html
    assert "Étrangère" not in html


def test_lookup_reads_the_picker_search_box(agent_client, workspace):
    PersonFactory(workspace=workspace, first_name="Paul", last_name="Locataire")

    html = text(
        agent_client.get(
            reverse("contacts:lookup"),
            {"kind": "person", "name": "occupant", "occupant_q": "loca"},
        )
    )

    assert 'name="occupant"' in html and "Paul Locataire" in html


# --- Sites ------------------------------------------------------------------------------------


def test_site_create_for_a_person(agent_client, claire):
    url = reverse("contacts:site_create") + f"?person={claire.pk}"
    form = text(agent_client.get(url))
    assert "Mme Claire Durand" in form and 'value="12 rue des Lilas"' in form

    response = agent_client.post(
        url,
        {
            "person": claire.pk,
            "name": "Maison de campagne",
            "street": "1 chemin des Vignes",
            "postcode": "69840",
            "city": "Juliénas",
            "country": "FR",
            "access_notes": "Clé chez le voisin",
            "occupant_name": "Mme Rose",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == claire.get_absolute_url()
    site = Site.objects.get(person=claire)
    assert (site.city, site.access_notes, site.occupant_name) == (
        "Juliénas",
        "Clé chez le voisin",
        "Mme Rose",
    )


def test_site_create_requires_a_customer(agent_client, workspace):
    before = Site.objects.count()

    response = agent_client.post(
        reverse("contacts:site_create"),
        {"street": "1 rue X", "postcode": "74000", "city": "Annecy", "country": "FR"},
    )

    assert response.status_code == 200
    assert "Indiquez le client (société ou particulier) du site." in text(response)
    assert Site.objects.count() == before


def test_site_create_for_a_company_with_occupant(agent_client, workspace, claire):
    company = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")

    agent_client.post(
        reverse("contacts:site_create") + f"?company={company.pk}",
        {
            "company": company.pk,
            "street": "5 rue Haute",
            "postcode": "69003",
            "city": "Lyon",
            "country": "FR",
            "occupant": claire.pk,
        },
    )

    site = Site.objects.get(company=company)
    assert site.occupant == claire
    html = text(agent_client.get(company.get_absolute_url()))
    assert "5 rue Haute" in html and "Mme Claire Durand" in html


def test_site_edit(agent_client, claire):
    site = SiteFactory(person=claire, access_notes="")

    response = agent_client.post(
        reverse("contacts:site_edit", args=[site.pk]),
        {
            "street": site.street,
            "postcode": "74000",
            "city": "Annecy",
            "country": "FR",
            "access_notes": "Chien méchant",
        },
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert site.access_notes == "Chien méchant"


def test_site_routes_of_another_workspace_are_404(agent_client, workspace, other_workspace):
    foreign_person = PersonFactory(workspace=other_workspace)
    foreign_company = CompanyFactory(workspace=other_workspace)
    foreign_site = SiteFactory(person=foreign_person)
    create = reverse("contacts:site_create")

    assert agent_client.get(create, {"person": foreign_person.pk}).status_code == 404
    assert agent_client.get(create, {"company": foreign_company.pk}).status_code == 404
    assert (
        agent_client.get(reverse("contacts:site_edit", args=[foreign_site.pk])).status_code == 404
    )
    assert (
        agent_client.post(
            reverse("contacts:site_edit", args=[foreign_site.pk]), {"city": "X"}
        ).status_code
        == 404
    )
    # Picking a foreign customer or occupant in the form is refused too.
    response = agent_client.post(
        create, {"person": foreign_person.pk, "street": "1 rue X", "country": "FR"}
    )
    assert "Sélectionnez un choix valide" in text(response)
    assert not Site.objects.filter(workspace=workspace).exists()


def test_read_only_user_sees_the_page_without_edit_actions(client, workspace, claire):
    reader = UserFactory(workspace=workspace, role="read_only")
    client.force_login(reader)

    html = text(client.get(claire.get_absolute_url()))

    assert "Mme Claire Durand" in html
    assert "Ajouter un téléphone" not in html
    assert reverse("contacts:person_edit", args=[claire.pk]) not in html
    response = client.post(
        reverse("contacts:person_contact_point_add", args=[claire.pk]),
        {"kind": "phone", "label": "mobile", "value": "07 81 22 33 44"},
    )
    assert response.status_code == 403


def test_history_tab_shows_creation_and_contact_changes(agent_client, workspace, agent):
    person = services.person_create_with_details(
        by=agent,
        last_name="Nouveau",
        contact_points=[{"kind": "phone", "value": "06 12 34 56 78", "label": "mobile"}],
    )

    html = text(agent_client.get(person.get_absolute_url(), {"onglet": "historique"}))

    assert "Fiche créée." in html
    assert "Coordonnées :" in html and "<ins>06 12 34 56 78</ins>" in html
    assert 'aria-current="page" href="?onglet=historique"' in html
