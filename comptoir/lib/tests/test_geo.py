"""Offline geocoding from French postcodes, distances and travel times."""

import gzip

import pytest
from django.test import override_settings

from comptoir.lib import geo
from comptoir.lib.geo import (
    NullGeocoder,
    PostcodeCentroidGeocoder,
    geocoder,
    haversine_km,
    load_postcode_table,
    normalize_postcode,
    travel_minutes,
)

LYON = (45.76, 4.85)


def near(point, expected, tolerance=0.1):
    assert point is not None
    return abs(point[0] - expected[0]) <= tolerance and abs(point[1] - expected[1]) <= tolerance


@pytest.fixture
def locate():
    return PostcodeCentroidGeocoder().locate


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("69003", LYON),  # Lyon 3e
        ("75001", (48.86, 2.34)),  # Paris 1er
        ("13001", (43.30, 5.38)),  # Marseille 1er
        ("59000", (50.63, 3.06)),  # Lille
        ("20000", (41.92, 8.74)),  # Ajaccio, Corse-du-Sud (2A)
        ("20200", (42.70, 9.45)),  # Bastia, Haute-Corse (2B)
        ("97200", (14.61, -61.07)),  # Fort-de-France, Martinique
        ("97110", (16.24, -61.53)),  # Pointe-à-Pitre, Guadeloupe
        ("97300", (4.93, -52.33)),  # Cayenne, Guyane
        ("97400", (-20.88, 55.45)),  # Saint-Denis, La Réunion
        ("97600", (-12.76, 45.22)),  # Mamoudzou, Mayotte
    ],
)
def test_known_postcode_gives_its_centre(locate, postcode, expected):
    assert near(locate(postcode=postcode), expected)


def test_written_forms_of_a_postcode_land_in_the_same_place(locate):
    lyon = locate(postcode="69003")
    assert locate(postcode=" 69 003 ") == lyon
    assert locate(postcode="69003", city="Lyon", street="12 rue Servient") == lyon
    # A spreadsheet dropped the leading zero of Bourg-en-Bresse's 01000.
    assert locate(postcode="1000") == locate(postcode="01000")
    assert near(locate(postcode="01000"), (46.20, 5.22))
    # A business address with its CEDEX stays in Lyon.
    assert near(locate(postcode="69421 CEDEX 03"), LYON)


def test_unknown_postcode_falls_back_to_its_area_then_department(locate):
    table = geo.postcode_table()
    assert "69999" not in table.exact
    assert near(locate(postcode="69999"), LYON, tolerance=0.3)
    # No code starts with 208: Corsica's département centre answers.
    assert not any(code.startswith("208") for code in table.exact)
    corsica = locate(postcode="20899")
    assert near(corsica, (42.2, 9.1), tolerance=0.6)
    assert near(locate(postcode="97299"), (14.65, -61.0), tolerance=0.3)


def test_what_is_not_a_french_postcode_gives_nothing(locate):
    assert locate(postcode="") is None
    assert locate(postcode="Lyon") is None
    assert locate(postcode="99999") is None  # no département 99
    assert locate(postcode="00100") is None
    assert locate(postcode="1000", country="BE") is None  # Brussels, not Bourg-en-Bresse
    assert locate(postcode="69003", country="DE") is None


def test_overseas_country_codes_are_french(locate):
    assert locate(postcode="97200", country="MQ") == locate(postcode="97200", country="FR")
    assert locate(postcode="69003", country="fr") == locate(postcode="69003")
    assert locate(postcode="69003", country="") == locate(postcode="69003")


def test_normalize_postcode():
    assert normalize_postcode("75 001") == "75001"
    assert normalize_postcode("6000") == "06000"
    assert normalize_postcode("75008 Paris") == "75008"
    assert normalize_postcode("750011") is None
    assert normalize_postcode("F-75001") is None
    assert normalize_postcode("") is None


def test_the_shipped_table_covers_france_and_stays_small():
    table = geo.postcode_table()
    assert len(table.exact) > 6000
    departments = {f"{n:02d}" for n in range(1, 96)} | {str(n) for n in range(971, 977)}
    assert set(table.department) == departments
    assert geo.POSTCODES_FILE.stat().st_size < 300_000
    for lat, lon in table.exact.values():
        assert -22 < lat < 52 and -62 < lon < 56


def test_table_is_read_once(monkeypatch):
    geo.postcode_table()
    monkeypatch.setattr(geo, "load_postcode_table", lambda *a, **k: pytest.fail("reloaded"))
    assert PostcodeCentroidGeocoder().locate(postcode="69003") is not None


def test_load_averages_and_builds_fallbacks(tmp_path):
    path = tmp_path / "codes.csv.gz"
    path.write_bytes(
        gzip.compress(b"postcode;latitude;longitude\n69001;45.0;4.0\n69002;46.0;5.0\n")
    )
    table = load_postcode_table(path)
    assert table.locate("69001") == (45.0, 4.0)
    assert table.locate("69050") == (45.5, 4.5)
    assert table.locate("69500") == (45.5, 4.5)
    assert table.locate("38000") is None


def test_null_geocoder_knows_nothing():
    assert NullGeocoder().locate(postcode="69003") is None


def test_geocoder_follows_the_setting():
    with override_settings(COMPTOIR_GEOCODER="comptoir.lib.geo.NullGeocoder"):
        assert isinstance(geocoder(), NullGeocoder)
        assert geocoder().locate(postcode="69003") is None
    with override_settings(COMPTOIR_GEOCODER="comptoir.lib.geo.PostcodeCentroidGeocoder"):
        assert isinstance(geocoder(), PostcodeCentroidGeocoder)
        assert near(geocoder().locate(postcode="69003"), LYON)
    assert geocoder() is geocoder()


def test_travel_across_lyon_is_short():
    lyon, villeurbanne = geocoder().locate(postcode="69003"), geocoder().locate(postcode="69100")
    minutes = travel_minutes(lyon, villeurbanne)
    assert 0 < minutes <= 15
    assert minutes % 5 == 0
    paris = geocoder().locate(postcode="75001")
    assert 380 < haversine_km(lyon, paris) < 420
    assert travel_minutes(lyon, paris) > 10 * 60
    assert travel_minutes(lyon, paris, speed_kmh=90) < travel_minutes(lyon, paris)


def test_unknown_places_cost_no_travel():
    lyon = geocoder().locate(postcode="69003")
    assert travel_minutes(None, lyon) == 0
    assert travel_minutes(lyon, None) == 0
    assert travel_minutes(lyon, lyon) == 0
    assert haversine_km(lyon, lyon) == 0
