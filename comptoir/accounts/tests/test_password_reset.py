"""« Mot de passe oublié ? » : a new password chosen through an e-mailed link."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

LOGIN = reverse("account_login")
RESET = reverse("account_reset_password")
DONE = reverse("account_reset_password_done")
OFFICE = "203.0.113.10"
SENT = "Si un compte Comptoir utilise cette adresse"
EXPIRED = "Ce lien de réinitialisation n’est plus valable"


def browser():
    return Client(REMOTE_ADDR=OFFICE)


def sign_in(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def request_reset(client, email):
    return client.post(RESET, {"email": email}, follow=True)


def reset_link(message):
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def choose_password(client, link, password="nouveau-secret-2024", again=None):
    """Open the e-mailed link, then post the new password on the page it leads to."""
    page = client.get(link, follow=True)
    assert page.status_code == 200
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(action, {"password1": password, "password2": again or password}, follow=True)


def test_the_login_page_links_to_the_reset_page(db):
    html = browser().get(LOGIN).content.decode()
    assert "Mot de passe oublié ?" in html
    assert f'href="{RESET}"' in html
    page = browser().get(RESET).content.decode()
    assert '<label class="form-label" for="id_email">Adresse e-mail</label>' in page


def test_a_known_address_gets_one_french_email_with_a_link(agent, mailoutbox):
    response = request_reset(browser(), "Claire@Duret.example")
    assert response.redirect_chain[-1][0] == DONE
    assert SENT in response.content.decode()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["claire@duret.example"]
    assert message.subject == "Comptoir : réinitialisation de votre mot de passe"
    assert "Bonjour Claire," in message.body
    assert "votre compte Comptoir" in message.body
    assert "Ce lien expire dans 3 jours et ne sert qu’une fois." in message.body
    assert "/comptes/password/reset/key/" in reset_link(message)


def test_the_new_password_works_and_the_old_one_no_longer(agent, mailoutbox):
    client = browser()
    request_reset(client, "claire@duret.example")
    done = choose_password(client, reset_link(mailoutbox[0]))
    assert done.redirect_chain[-1][0] == reverse("account_reset_password_from_key_done")
    assert "Mot de passe enregistré" in done.content.decode()

    assert sign_in(browser(), "claire@duret.example", "secret-pass").status_code == 200
    assert sign_in(browser(), "claire@duret.example", "nouveau-secret-2024").status_code == 302

    entry = apps.get_model("audit", "AuditEntry").objects.get(object_id=agent.pk)
    assert entry.actor == agent
    assert entry.changes == {"password": ["", "réinitialisé"]}


def test_a_locked_out_user_signs_in_after_resetting(agent, mailoutbox):
    client = browser()
    for _ in range(5):
        sign_in(client, "claire@duret.example", "pas-le-bon")
    assert sign_in(client, "claire@duret.example", "secret-pass").status_code == 429

    request_reset(client, "claire@duret.example")
    choose_password(client, reset_link(mailoutbox[0]))

    response = sign_in(client, "claire@duret.example", "nouveau-secret-2024")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_unknown_address_gets_the_same_page_and_no_email(agent, mailoutbox):
    known = request_reset(browser(), "claire@duret.example")
    unknown = request_reset(browser(), "personne@duret.example")
    assert unknown.redirect_chain == known.redirect_chain
    assert SENT in unknown.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["claire@duret.example"]


def test_a_malformed_address_is_refused_in_french(db, mailoutbox):
    response = browser().post(RESET, {"email": "pas-une-adresse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "Saisissez une adresse de courriel valide." in html
    assert mailoutbox == []


@pytest.mark.parametrize("key", ["zz-pas-une-cle", "1-abc-def"])
def test_a_bad_key_says_so_in_french(agent, key):
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": key.split("-")[0], "key": key.split("-", 1)[1]},
    )
    html = browser().get(url, follow=True).content.decode()
    assert EXPIRED in html
    assert f'href="{RESET}"' in html and "Demander un nouveau lien" in html


def test_a_used_link_no_longer_works(agent, mailoutbox):
    client = browser()
    request_reset(client, "claire@duret.example")
    link = reset_link(mailoutbox[0])
    choose_password(client, link)
    html = browser().get(link, follow=True).content.decode()
    assert EXPIRED in html
    assert 'name="password1"' not in html


def test_mismatched_passwords_change_nothing(agent, mailoutbox):
    client = browser()
    request_reset(client, "claire@duret.example")
    response = choose_password(client, reset_link(mailoutbox[0]), again="autre-chose-2024")
    html = response.content.decode()
    assert "Vous devez saisir deux fois le même mot de passe." in html
    assert 'for="id_password2">Nouveau mot de passe (confirmation)</label>' in html
    assert sign_in(browser(), "claire@duret.example", "secret-pass").status_code == 302
