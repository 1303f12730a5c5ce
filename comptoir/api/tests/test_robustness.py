"""Never a 500 for bad input: odd values in every field of every write, odd filters."""

import json
import random

from comptoir.activities.tests.factories import InteractionFactory
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory

ODD_VALUES = [
    None,
    True,
    0,
    -1,
    2**63,
    2**70,
    1.5,
    1e308,
    "",
    " ",
    "\x00",
    "é" * 300,
    "2025-13-45T99:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "2025-03-12T14:30:00+25:00",
    "0612345678",
    "a@b.fr",
    "nan",
    [],
    [None],
    ["x"],
    [2**70],
    {},
    {"value": None},
    [{"value": "x"}],
    [{"value": 12}],
    [{"value": "0612345678", "label": None}],
]

FIELDS = {
    "/companies": [
        "name", "legal_form", "siren", "siret", "vat_number", "domain", "subdomain", "category",
        "website", "postcode", "country", "interests", "phones", "emails",
    ],
    "/people": [
        "civility", "last_name", "job_title", "birthday", "category", "postcode", "country",
        "interests", "phones", "emails", "company", "role",
    ],
    "/sites": [
        "name", "company", "person", "occupant", "latitude", "longitude", "is_primary", "country",
    ],
    "/interactions": [
        "kind", "process", "stage", "state", "subject", "owner", "starts_at", "deadline",
        "duration_minutes", "person", "company", "site",
    ],
}  # fmt: skip

FILTERS = [
    "q", "category", "city", "siren", "company", "person", "email", "phone", "postcode",
    "owner", "process", "state", "kind", "date_from", "date_to", "page", "page_size",
]  # fmt: skip

MINIMAL = {
    "/companies": {"name": "X"},
    "/people": {"last_name": "X"},
    "/interactions": {"subject": "x", "process": "support", "starts_at": "2025-03-12T10:00"},
}


def _json_answer(response):
    assert response.status_code < 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def test_odd_bodies_get_json_answers(api, agent, workspace):
    rnd = random.Random(20250312)
    person = PersonFactory(workspace=workspace)
    ids = {
        "/companies": CompanyFactory(workspace=workspace).pk,
        "/people": person.pk,
        "/sites": SiteFactory(person=person).pk,
        "/interactions": InteractionFactory(owner=agent).pk,
    }
    for _ in range(240):
        resource = rnd.choice(list(FIELDS))
        fields = rnd.sample(FIELDS[resource], rnd.randint(1, 4))
        body = {field: rnd.choice(ODD_VALUES) for field in fields}
        if rnd.random() < 0.5:
            body = {**MINIMAL.get(resource, {"person": person.pk}), **body}
            response = api.post(resource, raw=json.dumps(body))
        else:
            response = api.patch(f"{resource}/{ids[resource]}", raw=json.dumps(body))
        answer = _json_answer(response)
        if response.status_code == 422:
            assert answer["errors"], body


def test_odd_filters_get_json_answers(api):
    rnd = random.Random(20250313)
    for _ in range(80):
        resource = rnd.choice(list(FIELDS))
        params = {name: str(rnd.choice(ODD_VALUES)) for name in rnd.sample(FILTERS, 3)}
        _json_answer(api.get(resource, params))
    for number in ["\x00", "+" * 300, "0" * 100, "é", "06 12 34 56 78 poste 12"]:
        _json_answer(api.get("/calls/lookup", {"number": number}))
