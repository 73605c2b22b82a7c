"""The identity API is described at /api/schema/ (OpenAPI) and browsable at /api/docs/."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

IDENTITY_PATHS = {
    "/api/v1/auth/registration/",
    "/api/v1/auth/registration/verify-email/",
    "/api/v1/auth/login/",
    "/api/v1/auth/logout/",
    "/api/v1/auth/password/reset/",
    "/api/v1/auth/password/reset/confirm/",
    "/api/v1/auth/password/change/",
    "/api/v1/auth/user/",
    "/api/v1/auth/user/addresses/",
    "/api/v1/auth/user/addresses/{id}/",
    "/api/v1/auth/mfa/totp/",
    "/api/v1/auth/api-keys/",
    "/api/v1/auth/api-keys/{id}/",
    "/api/v1/auth/api-keys/current/",
    "/api/v1/auth/company/",
    "/api/v1/auth/company/members/",
    "/api/v1/auth/company/invitations/{secret}/accept/",
    "/api/v1/auth/store/security/",
}


@pytest.fixture
def schema(store_a, store_client):
    response = store_client(store_a).get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_describes_every_identity_endpoint(schema):
    assert set(schema["paths"]) >= IDENTITY_PATHS


def test_every_operation_documents_the_one_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]["error"]["properties"]) == {"code", "message", "fields"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "429"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (
                    path,
                    method,
                )


def test_schema_names_tokens_and_api_keys(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "apiKey", "cookieAuth"} <= set(schemes)
    assert "Api-Key" in schemes["apiKey"]["description"]


def test_swagger_ui_is_served(store_a, store_client):
    response = store_client(store_a).get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
