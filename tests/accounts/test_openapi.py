"""The identity API is described at /api/schema/ (OpenAPI) and browsable at /api/docs/."""

import pytest

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
def schema(store_api_schema):
    return store_api_schema


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


# --- The schema says what the API does (issue #10, item 32) ------------------------------------


def _response_schema(schema, path, method, status="200", media="application/json"):
    return schema["paths"][path][method]["responses"][status]["content"][media]["schema"]


def _component(schema, reference):
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalog/categories/",
        "/api/v1/catalog/brands/",
        "/api/v1/catalog/attributes/",
        "/api/v1/catalog/product-types/",
        "/api/v1/catalog/products/",
        "/api/v1/catalog/products/{id}/variants/",
    ],
)
def test_creations_are_documented_as_201(schema, path):
    responses = schema["paths"][path]["post"]["responses"]
    assert "201" in responses
    assert "200" not in responses


@pytest.mark.parametrize(
    "path",
    ["/api/v1/catalog/imports/", "/api/v1/catalog/variants/{variant_id}/stock-adjustments/"],
)
def test_paginated_lists_are_documented_as_pages(schema, path):
    page = _component(schema, _response_schema(schema, path, "get"))
    assert page["properties"]["results"]["type"] == "array"
    assert {"count", "next", "previous"} <= set(page["properties"])


def test_suggest_is_documented_as_results(schema):
    body = _component(schema, _response_schema(schema, "/api/v1/search/suggest/", "get"))
    assert body["properties"]["results"]["type"] == "array"


def test_the_json_export_is_documented_as_an_array(schema):
    body = _response_schema(schema, "/api/v1/catalog/export/", "get")
    assert body["type"] == "array"


def test_moving_a_category_is_documented_as_answering_the_category(schema):
    body = _response_schema(schema, "/api/v1/catalog/categories/{id}/move/", "post")
    assert body == {"$ref": "#/components/schemas/Category"}


@pytest.mark.parametrize(
    ("path", "media_types"),
    [
        ("/api/v1/catalog/variants/bulk/", {"application/json"}),
        ("/api/v1/auth/api-keys/", {"application/json"}),
        ("/api/v1/catalog/products/", {"application/json"}),
        ("/api/v1/catalog/imports/", {"multipart/form-data"}),
        ("/api/v1/catalog/products/{product_id}/images/", {"multipart/form-data"}),
    ],
)
def test_request_bodies_are_documented_in_the_media_types_accepted(schema, path, media_types):
    assert set(schema["paths"][path]["post"]["requestBody"]["content"]) == media_types


@pytest.mark.parametrize("path", ["/api/v1/auth/mfa/totp/", "/api/v1/auth/user/"])
def test_deletions_that_need_a_confirmation_document_their_required_body(schema, path):
    body = schema["paths"][path]["delete"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json"}


def test_page_size_is_documented_with_its_bounds(schema):
    parameters = schema["paths"]["/api/v1/catalog/brands/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 200)


def test_flows_that_confirm_are_documented_with_their_detail_answer(schema):
    for path in ("/api/v1/auth/password/reset/", "/api/v1/auth/logout/"):
        body = _component(schema, _response_schema(schema, path, "post"))
        assert set(body["properties"]) == {"detail"}, path


def test_every_error_answer_has_the_one_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/Error"}, (path, method)


@pytest.mark.parametrize(
    "path, method, status, example",
    [
        ("/api/v1/cart/lines/", "post", "400", "Refused:NotEnoughStock"),
        (
            "/api/v1/checkout/{token}/complete/",
            "post",
            "409",
            "Refused:TheCartChangedSinceItWasReviewed",
        ),
        ("/api/v1/b2b/orders/", "post", "400", "AboveTheCreditLimit"),
        ("/api/v1/b2b/orders/", "post", "400", "PONumberUsedBefore"),
        ("/api/v1/b2b/quick-order/", "post", "400", "Refused:NothingWasAdded"),
    ],
)
def test_refusals_are_shown_by_example_in_the_error_shape(schema, path, method, status, example):
    response = schema["paths"][path][method]["responses"][status]
    content = response["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert content["examples"][example]["value"]["error"]["code"]
    assert response["description"]
