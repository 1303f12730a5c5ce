"""The global search: what a user types in the top bar, what comes back, in which order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.activities.models import Process, ProcessAccess
from comptoir.activities.tests.factories import InteractionFactory
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import (
    AffiliationFactory,
    CompanyFactory,
    PersonFactory,
    PhoneFactory,
    SiteFactory,
)
from comptoir.search import selectors
from comptoir.search.selectors import CITY, CONTAINS, EXACT, PREFIX, search

URL = reverse("search:results")


def titles(results, kind=None):
    return [r.title for r in results if kind is None or r.kind == kind]


def email(owner, address):
    field = "company" if owner.__class__.__name__ == "Company" else "person"
    return ContactPoint.objects.create(
        workspace=owner.workspace,
        kind="email",
        value=address,
        normalized=address.lower(),
        **{field: owner},
    )


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Pierre", last_name="Dupont", city="Lyon"
    )
    PhoneFactory(person=person, value="06 12 34 56 78", normalized="+33612345678")
    email(person, "pierre.dupont@exemple.fr")
    return person


@pytest.fixture
def elodie(workspace):
    return PersonFactory(
        workspace=workspace,
        civility="Mme",
        first_name="Élodie",
        last_name="Marçeau",
        city="Saint-Étienne",
    )


@pytest.fixture
def tilleuls(workspace):
    return CompanyFactory(
        workspace=workspace,
        name="SCI Les Tilleuls",
        siren="732829320",
        siret="73282932000074",
        city="Villeurbanne",
    )


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["dup pier", "Dupont", "pierre dupont", "dupont pierre", "DUPONT P", "  dup  "]
)
def test_people_by_name_fragments_in_any_order_and_case(agent, dupont, query):
    assert titles(search(agent, query), "person") == ["M. Pierre Dupont"]


@pytest.mark.parametrize("query", ["élodie", "elodie", "ELODIE", "Élodie marceau", "marçeau"])
def test_accents_and_case_are_ignored(agent, elodie, query):
    assert titles(search(agent, query), "person") == ["Mme Élodie Marçeau"]


def test_exact_full_name_comes_before_word_start_before_contains(agent, workspace):
    contains = PersonFactory(workspace=workspace, first_name="Jean-Pierre", last_name="Ledupont")
    prefix = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupontel")
    exact = PersonFactory(workspace=workspace, first_name="Pierre", last_name="Dupont")
    PersonFactory(workspace=workspace, first_name="Paul", last_name="Martin")

    results = [r for r in search(agent, "pierre dupont") if r.kind == "person"]

    assert [r.object for r in results] == [exact, prefix, contains]
    assert [r.score for r in results] == [EXACT, PREFIX, CONTAINS]


def test_an_exact_name_is_kept_even_behind_many_word_starts(agent, workspace):
    for first in ("Agnès", "Bruno", "Chloé", "Denis"):
        PersonFactory(workspace=workspace, civility="", first_name=first, last_name="Dupont")
    alone = PersonFactory(workspace=workspace, civility="", first_name="", last_name="Dupont")

    results = search(agent, "dupont", limit=2)

    assert (results[0].object, results[0].score) == (alone, EXACT)
    assert len(results) == 2


def test_a_word_inside_a_company_name_is_a_word_start(agent, tilleuls):
    (result,) = search(agent, "tilleul")
    assert (result.kind, result.title, result.score) == ("company", "SCI Les Tilleuls", PREFIX)
    assert search(agent, "sci les tilleuls")[0].score == EXACT


def test_person_subtitle_shows_company_city_and_phone_in_french_format(agent, dupont, tilleuls):
    AffiliationFactory(person=dupont, company=tilleuls)
    (result,) = [r for r in search(agent, "dupont") if r.kind == "person"]
    assert result.subtitle == "SCI Les Tilleuls · Lyon · 06 12 34 56 78"
    assert result.url == dupont.get_absolute_url()


# --- Phones, e-mails, identifiers, cities --------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "0612345678",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33612345678",
        "0033 6 12 34 56 78",
    ],
)
def test_any_phone_format_finds_the_person(agent, dupont, query):
    results = search(agent, query)
    assert [(r.object, r.score, r.reason) for r in results] == [(dupont, EXACT, "Téléphone")]


def test_the_start_of_a_number_finds_it_too(agent, dupont):
    (result,) = search(agent, "06 12 34 5")
    assert (result.object, result.score) == (dupont, PREFIX)


def test_a_phone_on_a_site_leads_to_the_sites_customer(agent, workspace, tilleuls):
    site = SiteFactory(person=None, company=tilleuls, workspace=workspace, city="Bron")
    ContactPoint.objects.create(
        workspace=workspace,
        kind="phone",
        value="04 78 12 34 56",
        normalized="+33478123456",
        site=site,
    )
    (result,) = search(agent, "04 78 12 34 56")
    assert (result.kind, result.object, result.reason) == ("company", tilleuls, "Téléphone")


def test_email_exact_or_prefix_lower_cased(agent, dupont):
    assert [(r.object, r.score) for r in search(agent, "Pierre.Dupont@Exemple.fr")] == [
        (dupont, EXACT)
    ]
    assert [(r.object, r.score) for r in search(agent, "pierre.dup")] == [(dupont, PREFIX)]


def test_a_dotted_address_start_also_reads_as_a_name(agent, workspace):
    claire = PersonFactory(workspace=workspace, first_name="Claire", last_name="Martin")
    assert [r.object for r in search(agent, "claire.martin")] == [claire]
    assert search(agent, "claire.martin@") == []  # with an @ it is an address only


@pytest.mark.parametrize("query", ["732829320", "732 829 320", "732 829 320 00074"])
def test_siren_and_siret_with_or_without_spaces(agent, tilleuls, query):
    (result,) = search(agent, query)
    assert (result.object, result.score) == (tilleuls, EXACT)


def test_a_siret_also_finds_other_establishments_of_the_same_siren(agent, workspace, tilleuls):
    other = CompanyFactory(
        workspace=workspace, name="SCI Les Tilleuls Annecy", siren="732829320", siret=""
    )
    results = search(agent, "73282932000074")
    assert [(r.object, r.score) for r in results] == [(tilleuls, EXACT), (other, PREFIX)]


@pytest.mark.parametrize("query", ["saint etienne", "Saint-Étienne", "SAINT ETIENNE"])
def test_city_folded_finds_people_companies_and_sites_customers(
    agent, workspace, elodie, tilleuls, query
):
    SiteFactory(person=None, company=tilleuls, workspace=workspace, city="St-Étienne")
    SiteFactory(
        person=None,
        company=CompanyFactory(workspace=workspace, name="Loin"),
        workspace=workspace,
        city="Saint Etienne",
    )
    PersonFactory(workspace=workspace, last_name="Ailleurs", city="Lyon")

    results = search(agent, query)

    assert {(r.title, r.score) for r in results} == {
        ("Mme Élodie Marçeau", CITY),
        ("Loin", CITY),
    }


def test_a_new_city_is_found_at_once(agent, workspace):
    assert search(agent, "chamonix") == []
    person = PersonFactory(workspace=workspace, last_name="Balmat", city="Chamonix")
    assert [r.object for r in search(agent, "chamonix")] == [person]


# --- Interactions ----------------------------------------------------------------------------


def test_interactions_by_words_of_their_subject_newest_first(agent, dupont):
    now = timezone.now()
    old = InteractionFactory(
        owner=agent,
        subject="Entretien chaudière",
        person=dupont,
        starts_at=now - dt.timedelta(days=30),
    )
    new = InteractionFactory(owner=agent, subject="Chaudière : fuite", starts_at=now)
    InteractionFactory(owner=agent, subject="Devis tableau", starts_at=now)

    results = [r for r in search(agent, "chaudière") if r.kind == "interaction"]

    assert [r.object for r in results] == [new, old]
    assert results[1].subtitle.startswith("M. Pierre Dupont · Support · ")
    assert [r.object for r in search(agent, "entretien CHAUDIÈRE") if r.kind == "interaction"] in (
        [old],
        [],  # SQLite's LIKE folds ASCII letters only
    )
    assert [r.object for r in search(agent, "Entretien chaud")] == [old]


def test_only_the_newest_interactions_are_searched(agent, monkeypatch):
    oldest = InteractionFactory(owner=agent, subject="Rappel contrat 1")
    newer = [InteractionFactory(owner=agent, subject=f"Rappel contrat {i}") for i in (2, 3)]
    monkeypatch.setattr(selectors, "INTERACTION_WINDOW", 2)

    found = [r.object for r in search(agent, "rappel contrat")]

    assert oldest not in found
    assert set(found) == set(newer)


def test_private_and_restricted_interactions_stay_hidden(agent, manager, workspace):
    private = Process.objects.get(workspace=workspace, code="prive")
    vente = Process.objects.get(workspace=workspace, code="vente")
    InteractionFactory(owner=manager, process=private, subject="Chaudière perso de Sophie")
    mine = InteractionFactory(owner=agent, process=private, subject="Chaudière perso de Claire")
    InteractionFactory(owner=manager, process=vente, subject="Chaudière neuve à vendre")
    support = InteractionFactory(owner=manager, subject="Chaudière en panne")
    ProcessAccess.objects.create(
        workspace=workspace,
        user=agent,
        process=Process.objects.get(workspace=workspace, code="support"),
    )
    ProcessAccess.objects.create(workspace=workspace, user=agent, process=private)

    assert {r.object for r in search(agent, "chaudière")} == {mine, support}


# --- Workspace isolation, empty queries ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "dupont",
        "pierre dupont",
        "06 12 34 56 78",
        "pierre.dupont@exemple.fr",
        "732829320",
        "lyon",
        "chaudière",
    ],
)
def test_another_workspace_is_never_returned(agent, outsider, other_workspace, query):
    stranger = PersonFactory(
        workspace=other_workspace, first_name="Pierre", last_name="Dupont", city="Lyon"
    )
    PhoneFactory(person=stranger)
    email(stranger, "pierre.dupont@exemple.fr")
    CompanyFactory(workspace=other_workspace, name="Dupont SA", siren="732829320", city="Lyon")
    InteractionFactory(owner=outsider, subject="Chaudière Dupont")

    assert search(agent, query) == []
    assert search(outsider, query) != []


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_blank_query_returns_nothing(agent, dupont, query):
    assert search(agent, query) == []


def test_a_very_long_query_is_cut_not_refused(agent, dupont):
    assert search(agent, "dupont " + "x" * 5000) == []


# --- Results page -----------------------------------------------------------------------------


def test_empty_query_shows_a_friendly_empty_state(agent_client):
    response = agent_client.get(URL, {"q": "  "})
    assert response.status_code == 200
    assert "Tapez un nom, un numéro, une ville…" in response.content.decode()


def test_no_result_says_so_and_offers_to_create(agent_client):
    html = agent_client.get(URL, {"q": "xylophone"}).content.decode()
    assert "Aucun résultat pour « xylophone »." in html
    assert reverse("contacts:person_create") in html


def test_results_are_grouped_with_subtitles(agent_client, agent, dupont, tilleuls):
    AffiliationFactory(person=dupont, company=tilleuls)
    CompanyFactory(workspace=dupont.workspace, name="Dupont Frères", city="Bron")
    InteractionFactory(owner=agent, subject="Rappeler M. Dupont", person=dupont)

    html = agent_client.get(URL, {"q": "dupont"}).content.decode()

    groups = [html.index(f'id="res-{g}-title"') for g in ("people", "companies", "interactions")]
    assert groups == sorted(groups)
    assert "SCI Les Tilleuls · Lyon · 06 12 34 56 78" in html
    assert "Dupont Frères" in html and "Rappeler M. Dupont" in html
    assert "○ Ouvert" in html
    assert 'value="dupont"' in html  # the top-bar box keeps the query


def test_a_single_phone_match_still_shows_the_list(agent_client, dupont):
    response = agent_client.get(URL, {"q": "06 12 34 56 78"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 résultat pour « 06 12 34 56 78 »" in html
    assert dupont.get_absolute_url() in html


def test_results_page_query_count_is_pinned(
    agent_client, agent, workspace, django_assert_num_queries
):
    company = CompanyFactory(workspace=workspace, name="Dupont Frères", city="Lyon")
    for i in range(15):
        person = PersonFactory(workspace=workspace, first_name=f"P{i}", last_name=f"Dupont{i}")
        PhoneFactory(person=person, normalized=f"+3361234560{i % 10}")
        AffiliationFactory(person=person, company=company)
        InteractionFactory(owner=agent, subject=f"Rappeler Dupont{i}", person=person)
    agent_client.get(URL, {"q": "dupont"})  # the city list gets cached

    # session, user, workspace; people prefix (enough: no contains scan), companies
    # prefix + contains (only one found); cities and the interaction window (cached);
    # employers, phones of people and of companies; process access, interactions.
    with django_assert_num_queries(11):
        response = agent_client.get(URL, {"q": "dupont"})
    assert response.content.decode().count("data-result") == 15 + 1 + 10


def test_search_needs_a_signed_in_user(client):
    response = client.get(URL, {"q": "dupont"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Suggestions dropdown --------------------------------------------------------------------


def test_suggestions_show_a_few_matches_and_a_link_to_all(agent_client, workspace):
    for i in range(8):
        PersonFactory(workspace=workspace, first_name="Anne", last_name=f"Dupont{i}")
    response = agent_client.get(reverse("search:suggest"), {"q": "dupont"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.count('class="sg-item"') == 5
    assert "Voir tous les résultats pour « dupont »" in html
    assert "<html" not in html


def test_suggestions_wait_for_two_characters(agent_client, dupont):
    html = agent_client.get(reverse("search:suggest"), {"q": "d"}).content.decode()
    assert html.strip() == ""
