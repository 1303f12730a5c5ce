"""Online booking pages /r/<workspace>/: the whole flow, its refusals and the private link."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from comptoir.contacts.models import Person
from comptoir.scheduling.customers import book_online
from comptoir.scheduling.models import Channel, Visit, VisitStatus
from comptoir.scheduling.public_forms import dump_state, load_state
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import service
from comptoir.scheduling.tests.test_customers import ADDRESS, dupont

DETAILS = {
    "name": "M. Pierre Dupont",
    "phone": "06.12.34.56.78",
    "email": "p.dupont@gmail.com",
    "message": "Le disjoncteur saute.",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def duret(workspace):
    workspace.phone = "04 50 27 18 40"
    workspace.save(update_fields=["phone"])
    return workspace


def url(name, *args, **query):
    path = reverse(f"scheduling:{name}", args=["duret", *args])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def state_for(workspace, monday, **extra):
    return dump_state(
        {
            "t": int(at(monday, 7).timestamp()) - 7 * 24 * 3600,
            "service": "depannage",
            **ADDRESS,
            "slot": at(monday, 8).isoformat(),
            **extra,
        }
    )


def hidden_state(html):
    return unescape(re.search(r'name="s" value="([^"]+)"', html).group(1))


@pytest.mark.django_db
def test_the_first_step_lists_the_online_services_with_duration_and_price(client, duret):
    service(duret, "vmc", is_active=False)
    page = client.get(url("public_start")).content.decode()
    assert "Dépannage électrique" in page and "env. 1 h" in page
    assert "Déplacement 49,00 € TTC" in page and "Diagnostic installation" in page
    assert "Remplacement de tableau électrique" not in page  # not bookable online
    assert "Entretien VMC" not in page  # switched off
    assert "04 50 27 18 40" in page
    assert '<html lang="fr">' in page


@pytest.mark.django_db
def test_an_unknown_workspace_is_a_404(client, duret):
    assert client.get("/r/inconnu/").status_code == 404


@pytest.mark.django_db
def test_english_on_request(client, duret):
    assert '<html lang="en">' in client.get(url("public_start") + "?lang=en").content.decode()


@pytest.mark.django_db
def test_a_customer_books_from_the_first_page_to_the_confirmation(client, duret, gaetan, monday):
    known = dupont(duret)
    with time_machine.travel(at(monday, 6), tick=False):
        first = client.get(url("public_start")).content.decode()
        link = unescape(re.search(r'href="(/r/duret/adresse/\?s=[^"]+)"', first).group(1))
        address_page = client.get(link)
        assert "Où intervenons-nous" in address_page.content.decode()
        to_slots = client.post(link, {"s": hidden_state(address_page.content.decode()), **ADDRESS})
        assert to_slots.status_code == 302
        slots_page = client.get(to_slots["Location"]).content.decode()
        assert "Étape 3 sur 5" in slots_page
        # Real free slots, with full accessible names, none chosen yet.
        name = f"{monday.day} "  # « lundi 16 mars, de 8 h 00 à 9 h 00, disponible »
        assert re.search(
            rf'aria-pressed="false" aria-label="lundi {name}[^"]*, de 8 h 00 à 9 h 00, disponible"',
            slots_page,
        )
        assert "Aucun créneau ? Semaine suivante" in slots_page
        signed = hidden_state(slots_page)
        chosen = client.get(
            url("public_slots"), {"s": signed, "choix": at(monday, 8).isoformat()}
        ).content.decode()
        assert chosen.count('aria-pressed="true"') == 1
        details = client.get(
            url("public_details"), {"s": signed, "slot": at(monday, 8).isoformat()}
        )
        assert "Vos coordonnées" in details.content.decode()
        summary = client.post(
            url("public_summary"), {"s": hidden_state(details.content.decode()), **DETAILS}
        )
        page = summary.content.decode()
        assert summary.status_code == 200 and "Confirmer le rendez-vous" in page
        assert "de 8 h 00 à 9 h 00" in page and "12 rue de la Mairie" in page
        done = client.post(url("public_confirm"), {"s": hidden_state(page)})
    assert done.status_code == 302
    visit = Visit.objects.get()
    assert visit.channel == Channel.ONLINE
    assert visit.interaction.person == known  # same phone typed differently: not a duplicate
    assert visit.interaction.site == known.sites.get()
    assert Person.objects.filter(workspace=duret).count() == 1
    assert visit.starts_at == at(monday, 8) and visit.technician == gaetan
    assert visit.contact_phone == "+33612345678" and visit.customer_notes == "Le disjoncteur saute."
    assert visit.requested_at == at(monday, 6)  # when the booking page was first opened
    confirmation = unescape(client.get(done["Location"]).content.decode())
    assert "Votre rendez-vous est confirmé" in confirmation
    assert visit.reference in confirmation and "Déplacement 49,00 € TTC" in confirmation
    for label in ("Ajouter à mon agenda", "Modifier le rendez-vous", "Annuler le rendez-vous"):
        assert label in confirmation
    assert "Modifiable jusqu'à 24 h avant" in confirmation
    assert "04 50 27 18 40" in confirmation


@pytest.mark.django_db
def test_a_postcode_must_be_a_postcode_and_inside_a_zone(client, duret, gaetan):
    gaetan.zone_postcodes = "74, 73"
    gaetan.save()
    signed = dump_state({"t": 1, "service": "depannage"})
    bad = client.post(url("public_address"), {"s": signed, "street": "1 rue X", "postcode": "7A0"})
    text = unescape(bad.content.decode())
    assert bad.status_code == 422
    assert "« 7A0 » n'est pas un code postal" in text and "Indiquez la ville." in text
    far = client.post(
        url("public_address"),
        {"s": signed, "street": "5 rue Royale", "postcode": "75008", "city": "Paris"},
    )
    text = unescape(far.content.decode())
    assert "Nous n'intervenons pas encore à 75008" in text and "04 50 27 18 40" in text


@pytest.mark.django_db
def test_a_phone_that_is_not_a_phone_is_refused_in_french(client, duret, gaetan, monday):
    response = client.post(
        url("public_summary"), {"s": state_for(duret, monday), **DETAILS, "phone": "12 34"}
    )
    assert response.status_code == 422
    assert "« 12 34 » n&#x27;est pas un numéro de téléphone" in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_an_altered_state_starts_again_and_books_nothing(client, duret, gaetan, monday):
    signed = state_for(duret, monday, **DETAILS)
    response = client.post(url("public_confirm"), {"s": signed[:-3] + "abc"})
    assert response.status_code == 302 and response["Location"] == url("public_start")
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_a_slot_taken_meanwhile_offers_the_next_ones_and_keeps_what_was_typed(
    client, duret, gaetan, monday
):
    visit_book(service=service(duret), starts_at=at(monday, 8), channel=Channel.PHONE)
    response = client.post(url("public_confirm"), {"s": state_for(duret, monday, **DETAILS)})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Ce créneau vient d&#x27;être pris" in page
    assert "vos coordonnées sont conservées" in page
    assert re.search(r'name="slot" value="[^"]+" aria-label="lundi [^"]+, disponible"', page)
    kept = load_state(hidden_state(page))
    assert kept["name"] == "M. Pierre Dupont" and kept["phone"] == "06.12.34.56.78"
    assert Visit.objects.count() == 1 and not Person.objects.exists()
    # Picking an alternative goes back to the summary, details still there.
    alternative = re.search(r'name="slot" value="([^"]+)"', page).group(1)
    again = client.post(url("public_summary"), {"s": hidden_state(page), "slot": alternative})
    assert "M. Pierre Dupont" in again.content.decode()
    assert "Confirmer le rendez-vous" in again.content.decode()


@pytest.mark.django_db
def test_the_eleventh_booking_in_a_minute_is_refused_and_books_nothing(
    client, duret, gaetan, monday
):
    for _ in range(10):
        client.post(url("public_confirm"), {"s": "altéré"})
    response = client.post(url("public_confirm"), {"s": state_for(duret, monday, **DETAILS)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de demandes" in response.content.decode()
    assert not Visit.objects.exists()


# --- the private link ---------------------------------------------------------------------


def online_visit(workspace, start, phone="06 12 34 56 78"):
    return book_online(
        service=service(workspace),
        starts_at=start,
        channel=Channel.ONLINE,
        name="Pierre Dupont",
        phone=phone,
        email="p.dupont@gmail.com",
        **ADDRESS,
    )


@pytest.mark.django_db
def test_the_private_link_shows_only_its_own_visit(client, duret, gaetan, monday):
    mine = online_visit(duret, at(monday, 8))
    other = online_visit(duret, at(monday, 10), phone="06 98 76 54 32")
    page = client.get(url("public_manage", mine.public_token)).content.decode()
    assert mine.reference in page and other.reference not in page
    assert "Lundi" in page and "de 8 h 00 à 9 h 00" in page


@pytest.mark.django_db
def test_every_route_with_a_token_refuses_a_wrong_token_or_another_workspace(
    client, duret, other_workspace, gaetan, monday
):
    visit = online_visit(duret, at(monday, 8))
    routes = [
        "public_manage",
        "public_visit_ics",
        "public_reschedule",
        "public_reschedule_confirm",
        "public_cancel",
    ]
    for name in routes:
        good = reverse(f"scheduling:{name}", args=["duret", visit.public_token])
        assert client.get(good).status_code in (200, 302), name
        wrong = reverse(f"scheduling:{name}", args=["duret", visit.public_token[:-1] + "x"])
        assert client.get(wrong).status_code == 404, name
        elsewhere = reverse(f"scheduling:{name}", args=[other_workspace.slug, visit.public_token])
        assert client.get(elsewhere).status_code == 404, name
        if name in ("public_reschedule_confirm", "public_cancel"):
            assert client.post(elsewhere, {"slot": at(monday, 14).isoformat()}).status_code == 404
            assert client.post(wrong, {"slot": at(monday, 14).isoformat()}).status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED and visit.starts_at == at(monday, 8)


@pytest.mark.django_db
def test_add_to_my_calendar_downloads_the_appointment(client, duret, gaetan, monday):
    visit = online_visit(duret, at(monday, 8))
    response = client.get(url("public_visit_ics", visit.public_token))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    start = at(monday, 8).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body and "Dépannage électrique" in body
    assert "12 rue de la Mairie" in body


@pytest.mark.django_db
def test_the_downloaded_ics_is_the_emailed_invitation_event(client, duret, gaetan, monday):
    """Same UID and SEQUENCE as the invitation: the customer's agenda updates one event."""
    from icalendar import Calendar

    from comptoir.scheduling.notify import visit_invitation
    from comptoir.scheduling.services import visit_reschedule

    visit = online_visit(duret, at(monday, 8))
    visit_reschedule(visit=visit, starts_at=at(monday, 14))
    visit.refresh_from_db()
    downloaded = Calendar.from_ical(client.get(url("public_visit_ics", visit.public_token)).content)
    mailed = Calendar.from_ical(visit_invitation(visit, attendee="jean@example.org"))
    (down,) = downloaded.walk("VEVENT")
    (mail,) = mailed.walk("VEVENT")
    assert str(down["UID"]) == str(mail["UID"])
    assert int(down["SEQUENCE"]) == int(mail["SEQUENCE"]) >= 1
    assert down["DTSTART"].dt == mail["DTSTART"].dt == at(monday, 14)
    assert str(down["DESCRIPTION"]) == str(mail["DESCRIPTION"])
    assert str(downloaded["METHOD"]) == "PUBLISH" and str(mailed["METHOD"]) == "REQUEST"


@pytest.mark.django_db
def test_the_customer_moves_the_visit_to_another_free_slot(client, duret, gaetan, monday):
    visit = online_visit(duret, at(monday, 8))
    board = client.get(
        url("public_reschedule", visit.public_token), {"semaine": monday.isoformat()}
    ).content.decode()
    assert "Choisissez un nouveau créneau" in board
    target = at(monday + dt.timedelta(days=1), 14)
    check = client.get(
        url("public_reschedule_confirm", visit.public_token), {"slot": target.isoformat()}
    )
    assert "Déplacer le rendez-vous" in check.content.decode()
    moved = client.post(
        url("public_reschedule_confirm", visit.public_token), {"slot": target.isoformat()}
    )
    assert moved.status_code == 302 and "deplace=1" in moved["Location"]
    visit.refresh_from_db()
    assert visit.starts_at == target and visit.interaction.starts_at == target
    assert "Votre rendez-vous est déplacé" in client.get(moved["Location"]).content.decode()


@pytest.mark.django_db
def test_a_move_onto_a_taken_slot_is_refused(client, duret, gaetan, monday):
    visit = online_visit(duret, at(monday, 8))
    visit_book(service=service(duret), starts_at=at(monday, 14), channel=Channel.PHONE)
    refused = client.post(
        url("public_reschedule_confirm", visit.public_token), {"slot": at(monday, 14).isoformat()}
    )
    assert refused.status_code == 409
    assert "vient d&#x27;être pris" in refused.content.decode()
    visit.refresh_from_db()
    assert visit.starts_at == at(monday, 8)


@pytest.mark.django_db
def test_the_customer_cancels_and_the_slot_is_free_again(client, duret, gaetan, monday):
    visit = online_visit(duret, at(monday, 8))
    assert (
        "Annuler le rendez-vous ?"
        in client.get(url("public_cancel", visit.public_token)).content.decode()
    )
    done = client.post(url("public_cancel", visit.public_token), {"reason": "Réparé seul"})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert "Réparé seul" in visit.interaction.outcome
    assert "Ce rendez-vous est annulé" in client.get(done["Location"]).content.decode()
    assert online_visit(duret, at(monday, 8), phone="06 98 76 54 32").is_confirmed


@pytest.mark.django_db
def test_no_change_online_within_the_notice_period(client, duret, gaetan, monday):
    visit = online_visit(duret, at(monday, 8))
    with time_machine.travel(at(monday, 8) - dt.timedelta(hours=20), tick=False):
        page = client.get(url("public_manage", visit.public_token)).content.decode()
        assert "Modifier le rendez-vous" not in page
        refused = client.post(url("public_cancel", visit.public_token))
        moved = client.post(
            url("public_reschedule_confirm", visit.public_token),
            {"slot": at(monday, 14).isoformat()},
        )
    assert refused.status_code == 409 and moved.status_code == 409
    text = unescape(refused.content.decode())
    assert "ne peut plus être modifié en ligne à moins de 24 h" in text
    assert "04 50 27 18 40" in text
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED and visit.starts_at == at(monday, 8)
