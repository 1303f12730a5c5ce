"""The scoring on plain dicts: French reasons, typos, swapped names, formats."""

from comptoir.dedupe import scoring


def test_phonetic_key_groups_french_spellings():
    assert scoring.phonetic_fr("Dupont") == scoring.phonetic_fr("Dupond")
    assert scoring.phonetic_fr("Gauthier") == scoring.phonetic_fr("Gautier")
    assert scoring.phonetic_fr("Philippe") == scoring.phonetic_fr("Filipe")
    assert scoring.phonetic_fr("Martin") != scoring.phonetic_fr("Marty")


def test_same_phone_in_any_format_and_initial_give_a_sure_match_with_reasons():
    result = scoring.compare(
        "person",
        {
            "first_name": "Pierre",
            "last_name": "DUPONT",
            "phone": "06 12 34 56 78",
            "postcode": "69003",
        },
        {
            "first_name": "P.",
            "last_name": "Dupont",
            "phone": "+33 6 12 34 56 78",
            "postcode": "69003",
        },
    )
    assert result.score >= 95
    assert "même téléphone 06 12 34 56 78" in result.reasons
    assert "même code postal 69003" in result.reasons


def test_close_name_is_explained_with_its_similarity():
    result = scoring.compare(
        "person",
        {"first_name": "Pierre", "last_name": "Dupont", "email": "p.dupont@orange.fr"},
        {"first_name": "Pierre", "last_name": "Dupond", "email": "P.Dupont@orange.fr"},
    )
    assert result.score >= 90
    assert "même e-mail p.dupont@orange.fr" in result.reasons
    assert any(r.startswith("nom proche (Pierre Dupont ≈ Pierre Dupond, 9") for r in result.reasons)


def test_swapped_names_and_street_abbreviations():
    result = scoring.compare(
        "person",
        {
            "first_name": "Royer",
            "last_name": "Stéphane",
            "street": "30 Bd Émile Zola",
            "postcode": "44000",
            "city": "Nantes",
        },
        {
            "first_name": "S.",
            "last_name": "ROYER",
            "street": "30 boulevard Emile Zola",
            "postcode": "44000",
            "city": "NANTES",
        },
    )
    assert result.score >= 80
    assert any("inversés" in r for r in result.reasons)
    assert "même adresse (30 Bd Émile Zola, 44000)" in result.reasons


def test_relatives_sharing_a_landline_are_not_duplicates():
    result = scoring.compare(
        "person",
        {"first_name": "Pierre", "last_name": "Dupont", "phone": "04 78 00 00 01"},
        {"first_name": "Marie", "last_name": "Lambert", "phone": "04 78 00 00 01"},
    )
    assert result.score < 50


def test_companies_by_siren_despite_legal_form():
    result = scoring.compare(
        "company",
        {"name": "SARL Boulangerie Martin", "siren": "552 100 554"},
        {"name": "Boulangerie Martin", "siret": "55210055400013"},
    )
    assert result.score >= 95
    assert "même SIREN 552 100 554" in result.reasons


def test_find_pairs_only_scores_records_sharing_a_key():
    records = [
        (
            1,
            scoring.prepare(
                "person",
                {
                    "first_name": "Pierre",
                    "last_name": "Dupont",
                    "postcode": "69003",
                    "phone": "0612345678",
                },
            ),
        ),
        (
            2,
            scoring.prepare(
                "person",
                {
                    "first_name": "Pierre",
                    "last_name": "Dupond",
                    "postcode": "69003",
                    "phone": "06.12.34.56.78",
                },
            ),
        ),
        (
            3,
            scoring.prepare(
                "person", {"first_name": "Anne", "last_name": "Zimmer", "postcode": "13005"}
            ),
        ),
    ]
    found = scoring.find_pairs(records, min_score=60)
    assert [(a, b) for a, b, _s in found] == [(1, 2)]
