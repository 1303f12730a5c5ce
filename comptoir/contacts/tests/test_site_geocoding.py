"""Sites get coordinates from their address, for travel times between appointments."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from comptoir.audit.models import AuditEntry
from comptoir.contacts import services
from comptoir.contacts.models import Site
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db

NULL_GEOCODER = "comptoir.lib.geo.NullGeocoder"


def near(site, latitude, longitude, tolerance=0.1):
    assert site.latitude is not None and site.longitude is not None
    return (
        abs(float(site.latitude) - latitude) <= tolerance
        and abs(float(site.longitude) - longitude) <= tolerance
    )


@pytest.fixture
def dupont(workspace):
    return PersonFactory(workspace=workspace, last_name="Dupont")


def new_site(agent, person, **fields):
    address = {"street": "12 rue Servient", "postcode": "69003", "city": "Lyon"}
    return services.site_create(by=agent, person=person, **{**address, **fields})


def test_a_new_site_is_placed_from_its_postcode(agent, dupont):
    site = new_site(agent, dupont)
    site.refresh_from_db()
    assert near(site, 45.76, 4.85)
    entry = AuditEntry.objects.get(object_id=site.pk, action="create")
    assert "latitude" in entry.changes


def test_coordinates_given_by_the_user_are_kept(agent, dupont):
    site = new_site(agent, dupont, latitude=Decimal("45.771234"), longitude=Decimal("4.861234"))
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (Decimal("45.771234"), Decimal("4.861234"))


def test_unknown_or_foreign_address_stays_without_coordinates(agent, dupont):
    assert new_site(agent, dupont, postcode="").latitude is None
    belgian = new_site(agent, dupont, postcode="1000", city="Bruxelles", country="BE")
    assert (belgian.latitude, belgian.longitude) == (None, None)


def test_moving_a_site_moves_its_coordinates(agent, dupont):
    site = new_site(agent, dupont)
    services.site_update(site=site, by=agent, postcode="75001", city="Paris")
    site.refresh_from_db()
    assert near(site, 48.86, 2.34)
    entry = AuditEntry.objects.filter(object_id=site.pk, action="update").latest("pk")
    assert {"postcode", "latitude", "longitude"} <= set(entry.changes)


def test_moving_abroad_drops_the_old_coordinates(agent, dupont):
    site = new_site(agent, dupont)
    services.site_update(site=site, by=agent, postcode="1000", city="Bruxelles", country="BE")
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (None, None)


def test_new_coordinates_given_with_the_move_win(agent, dupont):
    site = new_site(agent, dupont)
    services.site_update(
        site=site, by=agent, postcode="75001", latitude=Decimal("48.1"), longitude=Decimal("2.1")
    )
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (Decimal("48.1"), Decimal("2.1"))


def test_street_fix_keeps_precise_coordinates_typed_by_hand(agent, dupont):
    precise = (Decimal("45.759912"), Decimal("4.857321"))
    site = new_site(agent, dupont, latitude=precise[0], longitude=precise[1])
    services.site_update(site=site, by=agent, street="14 rue Servient")
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == precise


def test_other_changes_leave_coordinates_alone_and_fill_missing_ones(agent, dupont):
    with override_settings(COMPTOIR_GEOCODER=NULL_GEOCODER):
        site = new_site(agent, dupont)
    assert site.latitude is None
    services.site_update(site=site, by=agent, name="Appartement")
    site.refresh_from_db()
    assert near(site, 45.76, 4.85)
    placed = (site.latitude, site.longitude)
    services.site_update(site=site, by=agent, access_notes="Digicode 1234")
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == placed


def test_site_form_fills_coordinates(agent_client, dupont):
    url = reverse("contacts:site_create") + f"?person={dupont.pk}"
    response = agent_client.post(
        url,
        {
            "person": dupont.pk,
            "name": "Maison",
            "street": "1 place Bellecour",
            "postcode": "69002",
            "city": "Lyon",
            "country": "FR",
            "latitude": "",
            "longitude": "",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(person=dupont)
    assert near(site, 45.76, 4.83)

    edit = reverse("contacts:site_edit", args=[site.pk])
    response = agent_client.post(
        edit,
        {
            "name": "Maison",
            "street": "1 rue de la République",
            "postcode": "13002",
            "city": "Marseille",
            "country": "FR",
            "latitude": str(site.latitude),
            "longitude": str(site.longitude),
        },
    )
    assert response.status_code == 302, response.content.decode()
    site.refresh_from_db()
    assert near(site, 43.30, 5.37)


# --- manage.py contacts_geocode -------------------------------------------------------------


def geocode(*args):
    out = StringIO()
    call_command("contacts_geocode", *args, stdout=out)
    return out.getvalue()


def test_command_fills_missing_coordinates_and_can_run_again(workspace, other_workspace):
    lyon = SiteFactory(person=PersonFactory(workspace=workspace), postcode="69003")
    paris = SiteFactory(person=PersonFactory(workspace=other_workspace), postcode="75001")
    abroad = SiteFactory(person=PersonFactory(workspace=workspace), postcode="1000", country="BE")
    placed = SiteFactory(
        person=PersonFactory(workspace=workspace),
        postcode="69003",
        latitude=Decimal("45.1"),
        longitude=Decimal("4.1"),
    )

    assert geocode("--batch-size", "1") == "2 sites localisés, 1 adresse introuvable.\n"
    for site in (lyon, paris, abroad, placed):
        site.refresh_from_db()
    assert near(lyon, 45.76, 4.85) and near(paris, 48.86, 2.34)
    assert abroad.latitude is None
    assert (placed.latitude, placed.longitude) == (Decimal("45.1"), Decimal("4.1"))

    assert geocode() == "0 sites localisés, 1 adresse introuvable.\n"
    lyon.refresh_from_db()
    assert near(lyon, 45.76, 4.85)


def test_command_limited_to_one_workspace(workspace, other_workspace):
    mine = SiteFactory(person=PersonFactory(workspace=workspace), postcode="69003")
    theirs = SiteFactory(person=PersonFactory(workspace=other_workspace), postcode="75001")
    assert geocode("--workspace", workspace.slug) == "1 site localisé, 0 adresses introuvables.\n"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.latitude is not None and theirs.latitude is None


def test_command_refuses_an_unknown_workspace(workspace):
    with pytest.raises(CommandError, match="Espace de travail inconnu"):
        geocode("--workspace", "nulle-part")
