"""The interface language: the workspace's locale for signed-in users, the browser's otherwise.

French is the source language; the English catalogue must translate every string. Pages with
interactions and customers in English: comptoir/activities/tests/test_language.py.
"""

import ast
import gettext
import html
import importlib.util
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = ROOT / "comptoir" / "locale"
DESK = reverse("activities:desk")
CUSTOMERS = reverse("contacts:list")
SETTINGS = reverse("accounts:settings")
LOGIN = reverse("account_login")


def page(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- signed in: the workspace's language ---------------------------------------------------


def test_empty_desk_in_english(agent_client, english):
    text = page(agent_client.get(DESK))

    assert '<html lang="en">' in text
    assert "<h1>Desk</h1>" in text
    for words in (
        "Today's calendar",
        "No appointments today.",
        "To do",
        "Loose ends",
        "Nothing late: well done.",
        "Upcoming appointments",
        "Book appointment",
        "New interaction",
        "0 appointments",
        "Skip to content",
        "Customers",
        "Sign out",
    ):
        assert words in text, words
    for mot in ("Bureau", "Vieilles casseroles", "Prendre RDV", "Se déconnecter", "Clients"):
        assert mot not in text, mot


def test_empty_customer_list_in_english(agent_client, english):
    text = page(agent_client.get(CUSTOMERS))

    assert "<h1>Customers</h1>" in text
    for words in ("New customer", "Name, phone or email", "Category", "People", "Companies"):
        assert words in text, words
    assert "No people yet." in text
    assert "Nouveau client" not in text and "Catégorie" not in text


def test_settings_and_form_errors_in_english(manager_client, english):
    assert "Workspace identity" in page(manager_client.get(SETTINGS))

    response = manager_client.post(
        SETTINGS, {"name": "Duret", "phone": "12", "timezone": "Europe/Paris", "locale": "en"}
    )

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "“12” is not a valid phone number." in text
    assert "Nothing was saved: correct the highlighted fields." in text


def test_switching_the_workspace_language_on_the_settings_page(manager_client, workspace):
    assert "<h1>Bureau</h1>" in page(manager_client.get(DESK))

    response = manager_client.post(
        SETTINGS, {"name": "Duret Électricité", "timezone": "Europe/Paris", "locale": "en"}
    )
    assert response.status_code == 302
    assert "<h1>Desk</h1>" in page(manager_client.get(DESK))

    manager_client.post(
        SETTINGS, {"name": "Duret Électricité", "timezone": "Europe/Paris", "locale": "fr"}
    )
    assert "<h1>Bureau</h1>" in page(manager_client.get(DESK))


def test_a_french_workspace_stays_french_whatever_the_browser(agent_client):
    desk = page(agent_client.get(DESK, HTTP_ACCEPT_LANGUAGE="en"))
    customers = page(agent_client.get(CUSTOMERS, HTTP_ACCEPT_LANGUAGE="en"))

    assert '<html lang="fr">' in desk
    for mot in ("<h1>Bureau</h1>", "Vieilles casseroles", "Rien en retard : bravo.", "Prendre RDV"):
        assert mot in desk, mot
    assert "Desk" not in desk and "Loose ends" not in desk
    assert "<h1>Clients</h1>" in customers and "Nouveau client" in customers


# --- anonymous: the browser's language -----------------------------------------------------


def test_login_page_in_english_for_an_english_browser(client):
    text = page(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="en">' in text
    for words in ("Sign in", "Email address", "Password"):
        assert words in text, words
    assert "Se connecter" not in text and "Mot de passe" not in text


@pytest.mark.parametrize("accept", ["fr-FR,fr;q=0.9,en;q=0.5", "de-DE", ""])
def test_login_page_in_french_otherwise(client, accept):
    text = page(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept))
    assert '<html lang="fr">' in text
    assert "Se connecter" in text and "Mot de passe" in text


# --- the catalogue ------------------------------------------------------------------------


def _check_translations():
    path = ROOT / ".ci" / "check_translations.py"
    spec = importlib.util.spec_from_file_location("check_translations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unquote(line):
    """A .po quoted string is a valid Python string literal."""
    return ast.literal_eval(line[line.index('"') :])


def _entries(po):
    """(msgctxt, msgid) → msgstr (or the tuple of plural forms) of a .po file, header left out."""
    found = {}
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        fields, current = {}, None
        for line in block.strip().splitlines():
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                current = line.split(" ", 1)[0]
                fields[current] = ""
            fields[current] += _unquote(line)
        if "msgid" in fields:
            plural = [fields[k] for k in sorted(fields) if k.startswith("msgstr[")]
            key = (fields.get("msgctxt"), fields["msgid"])
            found[key] = tuple(plural) if plural else fields["msgstr"]
    return found


def test_every_catalogue_entry_is_translated():
    catalogues = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po" in catalogues
    problems = [p for po in catalogues for p in _check_translations().problems(po)]
    assert problems == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is what Django reads: forgetting `compilemessages` would ship old English."""
    po = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 500
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, msgid), msgstr in entries.items():
        if isinstance(msgstr, tuple):
            assert all(form.strip() for form in msgstr), msgid
            if context:
                assert compiled.npgettext(context, msgid, "", 1) == msgstr[0], msgid
            else:
                assert compiled.ngettext(msgid, "", 1) == msgstr[0], msgid
        elif context:
            assert compiled.pgettext(context, msgid) == msgstr, msgid
        else:
            assert compiled.gettext(msgid) == msgstr, msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_translatable_string_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch):
    """A new {% translate %} or gettext() without `makemessages` fails here."""
    monkeypatch.chdir(ROOT)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            "makemessages",
            locale=["en"],
            # "locale": never write into the shipped catalogues, only into tmp_path.
            ignore_patterns=[".venv/*", "bench/*", "var/*", "e2e/*", "locale"],
            no_obsolete=True,
            verbosity=0,
        )
    fresh = _entries(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    shipped = _entries(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(fresh) - set(shipped), key=str)
    assert missing == [], "run makemessages -l en, translate, then compilemessages"
