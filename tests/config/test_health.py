"""Health endpoints answer whatever the Host header, in JSON."""

from django.test import Client


def test_healthz_answers_for_any_host():
    response = Client(HTTP_HOST="10.1.2.3").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_redis(db):
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    assert "elasticsearch" not in body["checks"]


def test_readyz_is_503_when_a_configured_service_is_down(db, settings):
    # Port 9 (discard) has nothing listening on loopback: Elasticsearch "configured but away".
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["elasticsearch"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_every_response_carries_a_request_id(store_client, store_a):
    response = store_client(store_a).get("/", HTTP_X_REQUEST_ID="trace-42")
    assert response["X-Request-ID"] == "trace-42"
    # An unsafe caller id (spaces, newlines) is replaced, never echoed into logs.
    response = store_client(store_a).get("/", HTTP_X_REQUEST_ID="bad id\nforged")
    assert response["X-Request-ID"] != "bad id\nforged"
    assert len(response["X-Request-ID"]) == 32


ELASTICSEARCH_INFO = {
    "name": "instance-0000000001",
    "cluster_name": "4f9a1c0b2e8d4c6f8a7b5d3e1f2a4b6c",
    "cluster_uuid": "yJ0qAe9uQ6S7yq6h9mZc1A",
    "version": {"number": "8.19.3", "build_flavor": "default"},
    "tagline": "You Know, for Search",
}


def test_readyz_checks_elasticsearch_with_the_credentials_of_its_url(db, settings, httpserver):
    # Elastic Cloud's ELASTICSEARCH_URL carries the elastic user: the check must send it, as
    # the search backend's client does (a bare GET would be refused, 401).
    httpserver.expect_request(
        "/", method="GET", headers={"Authorization": "Basic ZWxhc3RpYzpzM2NyZXQ6Lw=="}
    ).respond_with_json(ELASTICSEARCH_INFO, headers={"X-Elastic-Product": "Elasticsearch"})
    settings.ELASTICSEARCH_URL = httpserver.url_for("/").replace("://", "://elastic:s3cret%3A%2F@")
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["elasticsearch"]["status"] == "ok"


def test_readyz_refuses_a_search_server_that_is_not_elasticsearch(db, settings, httpserver):
    # Amazon OpenSearch answers GET / without X-Elastic-Product: the elasticsearch 8 client
    # refuses it, so every search would fall back to PostgreSQL. Readiness says so.
    body = {**ELASTICSEARCH_INFO, "version": {"distribution": "opensearch", "number": "2.13.0"}}
    httpserver.expect_request("/", method="GET").respond_with_json(body)
    settings.ELASTICSEARCH_URL = httpserver.url_for("/")
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["elasticsearch"] == {
        "status": "error",
        "error": "UnsupportedProductError",
    }
