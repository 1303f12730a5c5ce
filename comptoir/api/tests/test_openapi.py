"""The OpenAPI schema and the docs page describe the API."""


def test_openapi_schema_is_documented(anonymous_api):
    response = anonymous_api.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Comptoir API"
    assert "Authorization: Bearer" in schema["info"]["description"]
    assert schema["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/companies",
        "/api/v1/companies/{company_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/sites",
        "/api/v1/sites/{site_id}",
        "/api/v1/interactions",
        "/api/v1/interactions/{interaction_id}",
        "/api/v1/interactions/{interaction_id}/notes",
        "/api/v1/calls/lookup",
        "/api/v1/references",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert operation["summary"], path
    create = paths["/api/v1/companies"]["post"]
    assert set(create["responses"]) >= {"201", "401", "403", "422"}
    params = {p["name"] for p in paths["/api/v1/companies"]["get"]["parameters"]}
    assert params >= {"q", "category", "city", "siren", "page", "page_size"}


def test_docs_page(anonymous_api):
    response = anonymous_api.client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unknown_path_and_method_answer_json(api):
    response = api.get("/nulle-part")
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable."}
    response = api.post("/nulle-part", {"x": 1})
    assert response.status_code == 404
    response = api.client.delete("/api/v1/companies", HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 405
    assert response.json() == {"detail": "Méthode non autorisée."}
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
