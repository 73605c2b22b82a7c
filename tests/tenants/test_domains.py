"""Custom domains: pending until a DNS TXT record proves ownership, then they serve the store."""

from django.test import Client

from tenants.api.views import DomainVerifyView
from tenants.models import AuditLogEntry, Domain


class TxtRecords:
    """A resolver double: the TXT records a merchant has published."""

    def __init__(self, records: dict[str, list[str]]):
        self.records = records
        self.asked: list[str] = []

    def txt_records(self, name: str) -> list[str]:
        self.asked.append(name)
        return self.records.get(name, [])


def test_custom_domain_serves_the_store_only_once_verified(
    store_a, store_owner_client, monkeypatch
):
    owner = store_owner_client(store_a)
    response = owner.post(
        "/api/v1/store/domains/", {"domain": "Shop.Example.COM"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pending = response.json()
    assert pending["domain"] == "shop.example.com"
    assert pending["is_verified"] is False
    assert pending["txt_record_name"] == "_mercato-challenge.shop.example.com"
    assert Client(HTTP_HOST="shop.example.com").get("/").status_code == 404

    verify_url = f"/api/v1/store/domains/{pending['id']}/verify/"
    resolver = TxtRecords({"_mercato-challenge.shop.example.com": ["some-other-record"]})
    monkeypatch.setattr(DomainVerifyView, "resolver", resolver)
    refused = owner.post(verify_url)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_verified"
    assert resolver.asked == ["_mercato-challenge.shop.example.com"]

    resolver.records["_mercato-challenge.shop.example.com"].append(pending["txt_record_value"])
    verified = owner.post(verify_url)
    assert verified.status_code == 200
    assert verified.json()["is_verified"] is True
    storefront = Client(HTTP_HOST="shop.example.com").get("/")
    assert storefront.status_code == 200
    assert b"Store A" in storefront.content
    assert AuditLogEntry.objects.filter(action="domain.verified", tenant=store_a).exists()


def test_a_domain_cannot_be_taken_twice_or_be_a_platform_subdomain(
    store_a, store_b, store_owner_client
):
    Domain.objects.create(domain="taken.example.com", tenant=store_b, is_primary=False)
    owner = store_owner_client(store_a)
    for value, message in [
        ("taken.example.com", "already in use"),
        ("store-b.localhost", "Subdomains of the platform"),
        ("not a domain", "Enter a domain name"),
    ]:
        response = owner.post(
            "/api/v1/store/domains/", {"domain": value}, content_type="application/json"
        )
        assert response.status_code == 400, value
        assert message in response.json()["error"]["fields"]["domain"][0]


def test_a_store_cannot_verify_another_stores_domain(store_a, store_b, store_owner_client):
    other = Domain.objects.create(
        domain="b-only.example.com", tenant=store_b, is_primary=False, is_verified=False
    )
    response = store_owner_client(store_a).post(f"/api/v1/store/domains/{other.pk}/verify/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
