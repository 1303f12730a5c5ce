"""Sign-in by one-time code: sent to known addresses only, hashed, 10 min, 5 tries, locked."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comptoir.messaging.sms import LocmemBackend
from comptoir.portal.models import PortalSession, SignInCode
from comptoir.portal.views import COOKIE

NEUTRAL = "Si ces coordonnées figurent sur votre fiche client"


def ask_code(client, identifier, slug="duret"):
    return client.post(reverse("portal:home", args=[slug]), {"identifier": identifier})


def handle_of(response):
    assert response.status_code == 302, response.content[:500]
    return response["Location"].split("?d=")[1]


def code_in_mail():
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def type_code(client, handle, code, slug="duret"):
    return client.post(reverse("portal:code", args=[slug]), {"d": handle, "code": code})


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_known_email_receives_a_code_that_signs_in(
    client, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "  P.Dupont@Gmail.com "))
    assert mail.outbox[-1].to == ["p.dupont@gmail.com"]
    code = code_in_mail()
    row = SignInCode.objects.get(handle=handle)
    assert code not in row.code_hash and len(row.code_hash) == 64
    page = client.get(reverse("portal:code", args=["duret"]) + f"?d={handle}")
    assert NEUTRAL in page.content.decode()

    response = type_code(client, handle, code[:3] + " " + code[3:])
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:requests", args=["duret"])
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/portail/duret/"
    session = PortalSession.objects.get()
    assert session.person == dupont and cookie.value not in session.key_hash
    assert client.get(reverse("portal:requests", args=["duret"])).status_code == 200


def test_a_mobile_receives_the_code_by_sms(client, dupont, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        handle_of(ask_code(client, "06 12 34 56 78"))
    assert LocmemBackend.outbox[-1]["to"] == "+33612345678"
    assert re.search(r"\b\d{6}\b", LocmemBackend.outbox[-1]["text"])


def test_an_unknown_identifier_gets_the_same_answer_and_no_message(
    client, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_code(client, "p.dupont@gmail.com")
        unknown = ask_code(client, "inconnu@example.fr")
    assert known.status_code == unknown.status_code == 302
    assert len(mail.outbox) == 1
    page = client.get(unknown["Location"])
    assert NEUTRAL in page.content.decode()
    # Whatever is typed, the unknown identifier never signs in.
    assert "Code incorrect" in type_code(client, handle_of(unknown), "123456").content.decode()


def test_an_identifier_of_another_workspace_sends_nothing(
    client, dupont, other_workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_code(client, "p.dupont@gmail.com", slug="concurrent")
    assert response.status_code == 302 and mail.outbox == []


def test_a_malformed_identifier_is_explained_in_french(client, dupont):
    response = ask_code(client, "pas un numéro")
    assert response.status_code == 400
    assert "adresse e-mail ou votre numéro de mobile" in response.content.decode()
    assert not SignInCode.objects.exists()


def test_five_wrong_codes_lock_the_identifier_for_15_minutes(
    client, dupont, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "p.dupont@gmail.com"))
    code = code_in_mail()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2):
        answer = type_code(client, handle, wrong).content.decode()
        assert f"Il vous reste {left} essais." in answer
    assert "Il vous reste 1 essai." in type_code(client, handle, wrong).content.decode()
    assert "bloquée 15 min" in type_code(client, handle, wrong).content.decode()
    # Even the right code is refused now, and a new request sends nothing.
    assert "la connexion est bloquée" in type_code(client, handle, code).content.decode()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = handle_of(ask_code(client, "p.dupont@gmail.com"))
    assert len(mail.outbox) == sent
    assert "la connexion est bloquée" in type_code(client, again, code).content.decode()
    assert not PortalSession.objects.exists()


def test_expired_and_used_codes_are_refused(client, dupont, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "p.dupont@gmail.com"))
    code = code_in_mail()
    assert type_code(client, handle, code).status_code == 302
    assert "déjà servi" in type_code(client, handle, code).content.decode()

    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handle = handle_of(ask_code(client, "p.dupont@gmail.com"))
    code = code_in_mail()
    SignInCode.objects.filter(handle=handle).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "a expiré" in type_code(client, handle, code).content.decode()


def test_a_new_code_replaces_the_previous_one(client, dupont, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = handle_of(ask_code(client, "p.dupont@gmail.com"))
    first_code = code_in_mail()
    with django_capture_on_commit_callbacks(execute=True):
        handle_of(ask_code(client, "p.dupont@gmail.com"))
    assert "a expiré" in type_code(client, first, first_code).content.decode()


def test_codes_per_identifier_and_requests_per_address_are_limited(
    client, dupont, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            handle_of(ask_code(client, "p.dupont@gmail.com"))
    assert len(mail.outbox) == 3  # the 4th request is answered the same way, nothing sent

    settings.COMPTOIR_PORTAL_RATE_LIMITS = {"code_request": (2, 900)}
    from django.core.cache import cache

    cache.clear()
    ask_code(client, "a@example.fr")
    ask_code(client, "b@example.fr")
    refused = ask_code(client, "c@example.fr")
    assert refused.status_code == 429 and "réessayez dans" in refused.content.decode()


def test_sign_out_ends_the_session(dupont_client, dupont):
    response = dupont_client.post(reverse("portal:sign_out", args=["duret"]))
    assert response.status_code == 302
    assert not PortalSession.objects.exists()
    assert dupont_client.get(reverse("portal:requests", args=["duret"])).status_code == 302


def test_a_staff_login_is_not_a_portal_session(agent_client, dupont):
    response = agent_client.get(reverse("portal:requests", args=["duret"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home", args=["duret"])


def test_a_portal_session_does_not_open_staff_pages(dupont_client, dupont_ticket):
    response = dupont_client.get(reverse("tickets:detail", args=[dupont_ticket.pk]))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_a_closed_portal_is_not_found(client, workspace, manager, dupont):
    from comptoir.portal.services import portal_settings_update

    portal_settings_update(
        by=manager,
        portal_enabled=False,
        requests_owner=None,
        surveys_enabled=True,
        survey_delay_hours=0,
        survey_channel="auto",
    )
    assert client.get(reverse("portal:home", args=["duret"])).status_code == 404
