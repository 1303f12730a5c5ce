"""The customer of a public booking: a known one is linked, never duplicated."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import ContactPoint, Person, Site
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.customers import book_online, customer_for_booking, split_name
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import SlotTaken, visit_book
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service

ADDRESS = {"street": "12 rue de la Mairie", "postcode": "74000", "city": "Annecy"}


def dupont(workspace, phone="06 12 34 56 78", email="p.dupont@gmail.com"):
    person = PersonFactory(workspace=workspace, last_name="Dupont", first_name="Pierre")
    SiteFactory(person=person, **ADDRESS)
    for kind, value, normalized in (
        ("phone", phone, "+33612345678"),
        ("email", email, email.lower()),
    ):
        ContactPoint.objects.create(
            workspace=workspace,
            kind=kind,
            value=value,
            normalized=normalized,
            person=person,
            is_primary=True,
        )
    return person


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("M. Pierre Dupont", ("M.", "Pierre", "Dupont")),
        ("DUPONT Pierre", ("", "Pierre", "Dupont")),
        ("Mme Anne-Marie de la Fontaine", ("Mme", "Anne-Marie de la", "Fontaine")),
        ("Dupont", ("", "", "Dupont")),
        ("marie curie", ("", "Marie", "Curie")),
    ],
)
def test_a_typed_name_is_split_into_civility_first_and_last_name(typed, expected):
    assert split_name(typed) == expected


@pytest.mark.django_db
def test_the_same_phone_typed_differently_finds_the_same_person_and_site(workspace):
    known = dupont(workspace)
    site = known.sites.get()
    person, found_site = customer_for_booking(
        workspace=workspace,
        name="Pierre Dupont",
        phone="+33612345678",
        email="",
        street="12, R. de la mairie",
        postcode="74000",
        city="ANNECY",
    )
    assert person == known and found_site == site
    assert Person.objects.filter(workspace=workspace).count() == 1
    assert Site.objects.filter(workspace=workspace).count() == 1


@pytest.mark.django_db
def test_the_same_email_in_capitals_finds_the_same_person(workspace):
    known = dupont(workspace)
    person, _site = customer_for_booking(
        workspace=workspace,
        name="P. Dupont",
        phone="07 81 23 45 67",
        email="P.DUPONT@GMAIL.COM",
        **ADDRESS,
    )
    assert person == known
    assert Person.objects.filter(workspace=workspace).count() == 1


@pytest.mark.django_db
def test_a_known_person_at_a_new_address_gets_a_new_site(workspace):
    known = dupont(workspace)
    person, site = customer_for_booking(
        workspace=workspace,
        name="Pierre Dupont",
        phone="0612345678",
        street="4 chemin des Vignes",
        postcode="74290",
        city="Veyrier-du-Lac",
    )
    assert person == known
    assert site.person == known and site.postcode == "74290"
    assert known.sites.count() == 2
    assert site.latitude is not None  # placed for travel times


@pytest.mark.django_db
def test_phone_wins_when_phone_and_email_point_to_different_people(workspace):
    by_phone = dupont(workspace)
    by_email = PersonFactory(workspace=workspace, last_name="Martin")
    ContactPoint.objects.create(
        workspace=workspace,
        kind="email",
        value="s.martin@example.fr",
        normalized="s.martin@example.fr",
        person=by_email,
    )
    person, _site = customer_for_booking(
        workspace=workspace,
        name="Pierre Dupont",
        phone="06 12 34 56 78",
        email="s.martin@example.fr",
        **ADDRESS,
    )
    assert person == by_phone


@pytest.mark.django_db
def test_a_new_customer_is_created_once_with_site_phone_email_and_audit(workspace):
    args = {
        "workspace": workspace,
        "name": "Mme Julie MARTIN",
        "phone": "06 98 76 54 32",
        "email": "Julie@Example.fr",
        "street": "3 av. de Genève",
        "postcode": "74000",
        "city": "annecy",
    }
    person, site = customer_for_booking(**args)
    again, same_site = customer_for_booking(**args)
    assert (again, same_site) == (person, site)
    assert (person.civility, person.first_name, person.last_name) == ("Mme", "Julie", "Martin")
    assert person.source is not None and person.source.name == "Réservation en ligne"
    assert site.street == "3 avenue de Genève" and site.city == "Annecy"
    points = dict(person.contact_points.values_list("kind", "normalized"))
    assert points == {"phone": "+33698765432", "email": "julie@example.fr"}
    entry = AuditEntry.objects.get(object_id=person.pk, action="create", object_repr=str(person))
    assert entry.actor is None
    assert Person.objects.filter(workspace=workspace).count() == 1


@pytest.mark.django_db
def test_a_person_of_another_workspace_is_never_reused(workspace, other_workspace):
    stranger = dupont(other_workspace)
    person, _site = customer_for_booking(
        workspace=workspace, name="Pierre Dupont", phone="0612345678", **ADDRESS
    )
    assert person != stranger and person.workspace == workspace


@pytest.mark.django_db
def test_bad_input_is_refused_in_french_and_nothing_is_created(workspace):
    with pytest.raises(ValidationError) as refused:
        customer_for_booking(
            workspace=workspace, name=" ", phone="12", email="pas-un-mail", **ADDRESS
        )
    assert set(refused.value.message_dict) == {"name", "phone", "email"}
    assert "n'est pas un numéro de téléphone valide" in refused.value.message_dict["phone"][0]
    assert not Person.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_a_taken_slot_leaves_no_new_customer_behind(workspace, gaetan, monday):
    visit_book(service=service(workspace), starts_at=at(monday, 8), channel=Channel.PHONE)
    with pytest.raises(SlotTaken):
        book_online(
            service=service(workspace),
            starts_at=at(monday, 8),
            channel=Channel.ONLINE,
            name="Julie Martin",
            phone="06 98 76 54 32",
            email="julie@example.fr",
            **ADDRESS,
        )
    assert not Person.objects.filter(workspace=workspace).exists()
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_the_same_booking_sent_twice_gives_back_the_first_visit(workspace, gaetan, monday):
    args = {
        "service": service(workspace),
        "starts_at": at(monday, 8),
        "channel": Channel.ONLINE,
        "name": "Julie Martin",
        "phone": "06 98 76 54 32",
        "email": "",
        **ADDRESS,
    }
    first = book_online(**args)
    assert book_online(**args) == first
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_of_a_new_customer_creates_one_person(workspace):
    results, errors = [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            results.append(
                customer_for_booking(
                    workspace=workspace,
                    name="Julie Martin",
                    phone="06 98 76 54 32",
                    email="julie@example.fr",
                    **ADDRESS,
                )
            )
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({person.pk for person, _site in results}) == 1
    assert Person.objects.filter(workspace=workspace).count() == 1
    assert Site.objects.filter(workspace=workspace).count() == 1
