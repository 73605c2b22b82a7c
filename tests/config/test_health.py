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
