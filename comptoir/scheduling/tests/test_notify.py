"""After a booking, a move or a cancellation: the customer is told, live pages refresh."""

import base64
import datetime as dt

import pytest
from icalendar import Calendar

from comptoir.contacts.tests.factories import PersonFactory, PhoneFactory, SiteFactory
from comptoir.live.models import LiveEvent
from comptoir.messaging.models import Message, MessageStatus
from comptoir.messaging.sms import LocmemBackend
from comptoir.scheduling import notify
from comptoir.scheduling.models import Channel, Visit
from comptoir.scheduling.services import visit_book, visit_cancel, visit_reschedule
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import TechnicianFactory, service


@pytest.fixture
def dupont(workspace):
    person = PersonFactory(
        workspace=workspace, civility="M.", first_name="Jean", last_name="Dupont"
    )
    PhoneFactory(person=person, value="06 12 34 56 78", normalized="+33612345678", is_primary=True)
    PhoneFactory(person=person, label="landline", value="04 78 00 00 01", normalized="+33478000001")
    PhoneFactory(
        person=person,
        kind="email",
        label="home",
        value="jean.dupont@example.org",
        normalized="jean.dupont@example.org",
        is_primary=True,
    )
    return person


@pytest.fixture
def dupont_site(dupont):
    return SiteFactory(
        person=dupont,
        street="12 rue des Lilas",
        postcode="69003",
        city="Lyon",
        latitude=45.764,
        longitude=4.8357,
        access_notes="Digicode 4521",
    )


def book(workspace, agent, site, monday, **fields):
    values = {
        "service": service(workspace),
        "starts_at": at(monday, 8, 30),
        "channel": Channel.PHONE,
        "by": agent,
        "person": site.person,
        "site": site,
    }
    values.update(fields)
    return visit_book(**values)


def subject(mail):
    return str(mail["Subject"]).strip()


def attachment(mail):
    (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "rendez-vous.ics"
    content = part.get_content()
    cal = Calendar.from_ical(content.encode() if isinstance(content, str) else content)
    assert part.get_param("method") == str(cal["method"])  # header and file agree
    return cal


@pytest.mark.django_db
def test_a_phone_booking_sends_the_email_with_its_invitation_and_the_sms(
    workspace,
    agent,
    gaetan,
    monday,
    dupont_site,
    smtp_server,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.COMPTOIR_PUBLIC_URL = "https://rdv.duret.example"
    workspace.phone = "+33478000000"
    workspace.save()
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)

    (mail,) = smtp_server.messages
    assert mail["To"] == "jean.dupont@example.org"
    assert subject(mail).startswith("Rendez-vous confirmé le lundi ")
    body = mail.get_body(("plain",)).get_content()
    assert "Bonjour M. Jean Dupont" in body
    assert "de 8 h 30 à 9 h 30" in body
    assert "12 rue des Lilas, 69003 Lyon" in body
    assert "Technicien : Gaëtan" in body
    assert visit.reference in body
    assert f"https://rdv.duret.example/r/duret/rdv/{visit.public_token}/" in body
    cal = attachment(mail)
    assert cal["method"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == f"rdv-{visit.interaction_id}@rdv.duret.example"
    assert event.decoded("dtstart") == at(monday, 8, 30)
    assert event.decoded("dtend") == at(monday, 9, 30)
    assert str(event["location"]) == "12 rue des Lilas, 69003 Lyon"

    # The SMS goes to the mobile, not to the landline.
    (sms,) = LocmemBackend.outbox
    assert sms["to"] == "+33612345678"
    assert "RDV confirmé" in sms["text"] and "8 h 30" in sms["text"]
    messages = Message.objects.filter(interaction=visit.interaction)
    assert {(m.channel, m.template_code, m.status) for m in messages} == {
        ("email", "booking_confirmed", MessageStatus.SENT),
        ("sms", "booking_confirmed", MessageStatus.SENT),
    }


@pytest.mark.django_db
def test_an_online_booking_writes_to_the_address_and_mobile_the_visitor_gave(
    workspace, gaetan, monday, dupont_site, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(
            workspace,
            None,
            dupont_site,
            monday,
            service=service(workspace, bookable_online=True),
            channel=Channel.ONLINE,
            contact_name="Jean Dupont",
            contact_email="jd@example.net",
            contact_phone="07 81 22 33 44",
        )
    assert [m["To"] for m in smtp_server.messages] == ["jd@example.net"]
    assert "Bonjour Jean Dupont" in smtp_server.messages[0].get_body(("plain",)).get_content()
    assert [s["to"] for s in LocmemBackend.outbox] == ["+33781223344"]


@pytest.mark.django_db
def test_a_landline_given_with_the_booking_falls_back_to_the_customers_mobile(
    workspace, agent, gaetan, monday, dupont_site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(workspace, agent, dupont_site, monday, contact_phone="04 50 00 00 00")
    assert [s["to"] for s in LocmemBackend.outbox] == ["+33612345678"]


@pytest.mark.django_db
def test_a_customer_without_email_nor_mobile_gets_nothing_and_the_booking_stands(
    workspace, agent, gaetan, monday, django_capture_on_commit_callbacks, mailoutbox
):
    site = SiteFactory(person=PersonFactory(workspace=workspace), postcode="69003", city="Lyon")
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, site, monday)
    assert Visit.objects.filter(pk=visit.pk, status="confirmed").exists()
    assert not Message.objects.exists() and not mailoutbox and not LocmemBackend.outbox


@pytest.mark.django_db
def test_moving_sends_an_updated_invitation_and_cancelling_withdraws_it(
    workspace, agent, gaetan, monday, dupont_site, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(visit=Visit.objects.get(pk=visit.pk), starts_at=at(monday, 14), by=agent)
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=Visit.objects.get(pk=visit.pk), by=agent)

    booked, moved, cancelled = smtp_server.messages
    assert subject(moved).startswith("Rendez-vous déplacé au lundi ")
    assert subject(moved).endswith("à 14 h")
    assert subject(cancelled).startswith("Rendez-vous du lundi ")
    events = [attachment(m).walk("VEVENT")[0] for m in (booked, moved, cancelled)]
    assert len({str(e["uid"]) for e in events}) == 1
    assert events[0]["sequence"] < events[1]["sequence"] <= events[2]["sequence"]
    assert events[1].decoded("dtstart") == at(monday, 14)
    assert attachment(cancelled)["method"] == "CANCEL"
    assert str(events[2]["status"]) == "CANCELLED"
    texts = [s["text"] for s in LocmemBackend.outbox]
    assert len(texts) == 3 and "déplacé" in texts[1] and "annulé" in texts[2]


@pytest.mark.django_db
def test_moving_back_and_forth_tells_the_customer_each_time(
    workspace, agent, gaetan, monday, dupont_site, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)
    for hour in (14, 10, 14):
        with django_capture_on_commit_callbacks(execute=True):
            visit_reschedule(
                visit=Visit.objects.get(pk=visit.pk), starts_at=at(monday, hour), by=agent
            )
    assert [subject(m).rsplit(" ", 2)[-2:] for m in smtp_server.messages[1:]] == [
        ["14", "h"],
        ["10", "h"],
        ["14", "h"],
    ]


@pytest.mark.django_db
def test_the_same_event_announced_twice_sends_one_message(
    workspace, agent, gaetan, monday, dupont_site, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)
    with django_capture_on_commit_callbacks(execute=True):
        notify.visit_event(visit.pk, "booked")
    assert len(smtp_server.messages) == 1 and len(LocmemBackend.outbox) == 1
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_a_mail_server_down_never_undoes_the_booking_and_shows_on_the_message(
    workspace, agent, gaetan, monday, dupont_site, settings, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)
    assert Visit.objects.get(pk=visit.pk).is_confirmed
    email = Message.objects.get(interaction=visit.interaction, channel="email")
    assert email.status == MessageStatus.PENDING and email.attempts == 1
    assert "injoignable" in email.last_error
    assert email.next_attempt_at > visit.confirmed_at  # retried later
    assert Message.objects.get(interaction=visit.interaction, channel="sms").status == "sent"


@pytest.mark.django_db
def test_a_failing_step_is_logged_not_raised(
    workspace,
    agent,
    gaetan,
    monday,
    dupont_site,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    def broken(**kwargs):
        raise RuntimeError("provider exploded")

    monkeypatch.setattr(notify.messaging, "message_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday)
    assert Visit.objects.get(pk=visit.pk).is_confirmed
    assert "provider exploded" in caplog.text
    # The live part still ran.
    assert LiveEvent.objects.filter(topic=f"user:{gaetan.user_id}").exists()


@pytest.mark.django_db
def test_live_events_reach_the_technician_and_for_online_bookings_the_office(
    workspace, gaetan, monday, dupont_site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(
            workspace,
            None,
            dupont_site,
            monday,
            service=service(workspace, bookable_online=True),
            channel=Channel.ONLINE,
        )
    mine = LiveEvent.objects.get(topic=f"user:{gaetan.user_id}")
    assert mine.kind == "interaction"
    assert mine.payload["id"] == visit.interaction_id and mine.payload["change"] == "created"
    office = LiveEvent.objects.get(topic=f"workspace:{workspace.pk}:bookings")
    assert office.kind == "booking" and office.payload["reference"] == visit.reference
    assert office.payload["announce"].startswith("Nouvelle réservation en ligne")


@pytest.mark.django_db
def test_a_phone_booking_is_not_announced_as_an_online_one(
    workspace, agent, gaetan, monday, dupont_site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(workspace, agent, dupont_site, monday)
    assert LiveEvent.objects.filter(topic=f"user:{gaetan.user_id}").exists()
    assert not LiveEvent.objects.filter(kind="booking").exists()


@pytest.mark.django_db
def test_a_reassigned_visit_refreshes_the_old_and_the_new_technician(
    workspace, agent, gaetan, monday, dupont_site, django_capture_on_commit_callbacks
):
    karim = TechnicianFactory(
        workspace=workspace, user__workspace=workspace, user__first_name="Karim"
    )
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(workspace, agent, dupont_site, monday, technician=gaetan)
    LiveEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(
            visit=Visit.objects.get(pk=visit.pk),
            starts_at=at(monday, 10),
            technician=karim,
            by=agent,
        )
    topics = set(LiveEvent.objects.values_list("topic", flat=True))
    assert {f"user:{gaetan.user_id}", f"user:{karim.user_id}"} <= topics
    moved = LiveEvent.objects.get(topic=f"user:{karim.user_id}")
    assert moved.payload["change"] == "moved"
    assert dt.datetime.fromisoformat(moved.payload["starts_at"]) == at(monday, 10)
    assert moved.payload["by"] == agent.pk


@pytest.mark.django_db
def test_manage_link_is_absolute_on_the_public_address(
    workspace, agent, gaetan, monday, dupont_site, settings
):
    settings.COMPTOIR_PUBLIC_URL = "https://rdv.duret.example"
    visit = book(workspace, agent, dupont_site, monday)
    assert (
        notify.manage_url(visit) == f"https://rdv.duret.example/r/duret/rdv/{visit.public_token}/"
    )


@pytest.mark.django_db
def test_an_english_workspace_writes_to_its_customers_in_english(
    english, agent, gaetan, monday, dupont_site, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils.translation import get_language, trans_real

    # As the translated catalogue will say it; the booking is made with French active.
    catalogue = trans_real.translation("en")._catalog._catalogs[0]
    monkeypatch.setitem(catalogue, "Rendez-vous demain", "Appointment tomorrow")
    monkeypatch.setitem(catalogue, "rendez-vous.ics", "appointment.ics")

    with django_capture_on_commit_callbacks(execute=True):
        visit = book(english, agent, dupont_site, monday)

    email = Message.objects.get(interaction=visit.interaction, channel="email")
    assert f"Monday {monday.day} " in email.body
    assert "de 8:30 à 9:30" in email.body  # the French default text, English values
    assert email.attachments[0]["filename"] == "appointment.ics"
    invitation = Calendar.from_ical(base64.b64decode(email.attachments[0]["content_b64"]))
    alarms = [str(a["description"]) for a in invitation.walk("VALARM")]
    assert "Appointment tomorrow" in alarms
    sms = Message.objects.get(interaction=visit.interaction, channel="sms")
    assert f"Mon {monday:%d/%m} à 8:30" in sms.body
    assert get_language() == "fr"
