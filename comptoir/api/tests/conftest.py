"""API test helpers: a JSON client carrying a bearer token."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import ApiToken, Role
from comptoir.accounts.services import api_token_issue
from comptoir.accounts.tests.factories import UserFactory


class Api:
    """Calls /api/v1/… as one user, with JSON in and out."""

    def __init__(self, user=None, token=None):
        self.client = Client()
        self.user = user
        self.token = token
        if user is not None and token is None:
            self.token = api_token_issue(user=user, label="tests")
            # A token used a moment ago is not stamped again: query counts stay stable.
            ApiToken.objects.filter(user=user).update(last_used_at=timezone.now())

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers())

    def post(self, path, body=None, raw=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            f"/api/v1{path}", data=data, content_type="application/json", **self._headers()
        )

    def patch(self, path, body=None, raw=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.patch(
            f"/api/v1{path}", data=data, content_type="application/json", **self._headers()
        )


@pytest.fixture
def api(agent):
    return Api(agent)


@pytest.fixture
def manager_api(manager):
    return Api(manager)


@pytest.fixture
def reader(workspace):
    return UserFactory(workspace=workspace, email="lecteur@duret.example", role=Role.READ_ONLY)


@pytest.fixture
def reader_api(reader):
    return Api(reader)


@pytest.fixture
def outsider_api(outsider):
    return Api(outsider)


@pytest.fixture
def anonymous_api(db):
    return Api()


def assert_invalid(response, *fields):
    """A 422 in French naming exactly these fields."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "Données invalides."
    assert set(body["errors"]) == set(fields), body["errors"]
    for messages in body["errors"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    return body["errors"]
