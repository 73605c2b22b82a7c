"""The schema says which operations take an Idempotency-Key, and what they may answer."""

import pytest

pytestmark = pytest.mark.django_db

# Every creating POST of the store API (docs: CONTRIBUTING.md "Idempotent API writes").
IDEMPOTENT_OPERATIONS = [
    "/api/v1/catalog/categories/",
    "/api/v1/catalog/brands/",
    "/api/v1/catalog/attributes/",
    "/api/v1/catalog/product-types/",
    "/api/v1/catalog/products/",
    "/api/v1/catalog/products/{id}/variants/",
    "/api/v1/catalog/products/{product_id}/images/",
    "/api/v1/catalog/variants/{variant_id}/stock-adjustments/",
    "/api/v1/catalog/imports/",
    "/api/v1/auth/user/addresses/",
    "/api/v1/auth/company/members/",
    "/api/v1/auth/company/invitations/{secret}/accept/",
    "/api/v1/store/domains/",
    "/api/v1/billing/checkout/",
]


@pytest.fixture
def schema(store_api_schema):
    # Generated once for the session (tests/conftest.py): it depends on the code, not the data.
    return store_api_schema


def _header(operation: dict) -> dict | None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key":
            return parameter
    return None


@pytest.mark.parametrize("path", IDEMPOTENT_OPERATIONS)
def test_each_creating_post_documents_the_key_and_its_answers(schema, path):
    operation = schema["paths"][path]["post"]

    header = _header(operation)
    assert header is not None
    assert header.get("required", False) is False
    assert header["schema"] == {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": r"^[\x21-\x7e]+$",
    }
    assert "24 hours" in header["description"]
    error = {"$ref": "#/components/schemas/Error"}
    for status in ("409", "422"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == error
    assert "idempotency_key_in_flight" in operation["responses"]["409"]["description"]
    assert "idempotency_key_reused" in operation["responses"]["422"]["description"]
    successes = [code for code in operation["responses"] if code.startswith("2")]
    assert successes
    for code in successes:
        assert "Idempotent-Replayed" in operation["responses"][code]["headers"]


# POSTs answering 201 or 202 that take no key: signing up (anonymous; the address is unique
# and a second try is told so), enrolling two-factor and committing an import (each works once,
# a second try is refused), issuing an API key (its secret is shown once and never stored, so
# there is nothing to replay).
CREATING_POSTS_WITHOUT_KEY = {
    "/api/v1/auth/registration/",
    "/api/v1/auth/mfa/totp/",
    "/api/v1/auth/api-keys/",
    "/api/v1/catalog/imports/{job_id}/commit/",
}


def test_every_post_that_answers_201_or_202_takes_a_key(schema):
    missing = [
        path
        for path, operations in schema["paths"].items()
        if "post" in operations
        and {"201", "202"} & set(operations["post"]["responses"])
        and path not in CREATING_POSTS_WITHOUT_KEY
        and _header(operations["post"]) is None
    ]

    assert missing == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/catalog/products/"),
        ("patch", "/api/v1/catalog/products/{id}/"),
        ("delete", "/api/v1/catalog/products/{id}/"),
        ("post", "/api/v1/catalog/categories/{id}/move/"),
        ("post", "/api/v1/catalog/variants/bulk/"),
        ("post", "/api/v1/catalog/imports/{job_id}/commit/"),
        ("post", "/api/v1/store/domains/{id}/verify/"),
        ("post", "/api/v1/auth/login/"),
        ("post", "/api/v1/auth/api-keys/"),
    ],
)
def test_reads_changes_and_sign_ins_take_no_key(schema, method, path):
    assert _header(schema["paths"][path][method]) is None


def test_the_api_description_explains_retries(schema):
    assert "Idempotency-Key" in schema["info"]["description"]
