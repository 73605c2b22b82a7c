"""Custom domains: pending until a DNS TXT record proves ownership, then they serve the store."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tenants.api.views import DomainVerifyView
from tenants.models import AuditLogEntry, Domain
from tenants.tasks import remove_expired_domain_claims


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


def _claim(client, hostname: str):
    return client.post(
        "/api/v1/store/domains/", {"domain": hostname}, content_type="application/json"
    )


def test_an_unverified_claim_does_not_block_another_store_nor_is_revealed(
    store_a, store_b, store_owner_client
):
    squatter = _claim(store_owner_client(store_b), "shop.example.org")
    assert squatter.status_code == 201
    response = _claim(store_owner_client(store_a), "shop.example.org")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_verified"] is False
    assert body["txt_record_value"] != squatter.json()["txt_record_value"]
    assert "another" not in response.content.decode().lower()

    again = _claim(store_owner_client(store_a), "shop.example.org")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["domain"] == ["You have already added this domain."]


def test_the_first_store_to_verify_gets_the_domain_and_other_claims_are_removed(
    store_a, store_b, store_owner_client, monkeypatch
):
    owner_a, owner_b = store_owner_client(store_a), store_owner_client(store_b)
    claim_b = _claim(owner_b, "shop.example.org").json()
    claim_a = _claim(owner_a, "shop.example.org").json()
    monkeypatch.setattr(
        DomainVerifyView,
        "resolver",
        TxtRecords({"_mercato-challenge.shop.example.org": [claim_a["txt_record_value"]]}),
    )
    verified = owner_a.post(f"/api/v1/store/domains/{claim_a['id']}/verify/")
    assert verified.status_code == 200
    assert Client(HTTP_HOST="shop.example.org").get("/").content.count(b"Store A") >= 1

    assert "shop.example.org" not in [
        d["domain"] for d in owner_b.get("/api/v1/store/domains/").json()
    ]
    assert owner_b.post(f"/api/v1/store/domains/{claim_b['id']}/verify/").status_code == 404
    refused = _claim(owner_b, "shop.example.org")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["domain"] == ["This domain is already in use."]
    assert AuditLogEntry.objects.filter(action="domain.claim_removed", tenant=store_b).exists()


def test_a_claim_that_lost_the_race_answers_domain_in_use_and_is_removed(
    store_a, store_b, store_owner_client, monkeypatch
):
    Domain.objects.create(domain="raced.example.org", tenant=store_a, is_verified=True)
    late = Domain.objects.create(domain="raced.example.org", tenant=store_b, is_verified=False)
    monkeypatch.setattr(
        DomainVerifyView,
        "resolver",
        TxtRecords({"_mercato-challenge.raced.example.org": [late.txt_record_value]}),
    )
    response = store_owner_client(store_b).post(f"/api/v1/store/domains/{late.pk}/verify/")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "domain_in_use",
        "message": "raced.example.org is already in use.",
    }
    assert not Domain.objects.filter(pk=late.pk).exists()


def test_unverified_claims_expire(store_a, store_owner_client, settings, monkeypatch):
    settings.CUSTOM_DOMAIN_CLAIM_HOURS = 72
    owner = store_owner_client(store_a)
    claim = _claim(owner, "late.example.org").json()
    created = Domain.objects.get(pk=claim["id"]).created_at
    assert claim["claim_expires_at"] == (created + timedelta(hours=72)).isoformat().replace(
        "+00:00", "Z"
    )
    Domain.objects.filter(pk=claim["id"]).update(created_at=timezone.now() - timedelta(hours=73))
    assert owner.get("/api/v1/store/domains/").json()[0]["domain"] == "store-a.localhost"
    assert len(owner.get("/api/v1/store/domains/").json()) == 1

    monkeypatch.setattr(
        DomainVerifyView,
        "resolver",
        TxtRecords({"_mercato-challenge.late.example.org": [claim["txt_record_value"]]}),
    )
    response = owner.post(f"/api/v1/store/domains/{claim['id']}/verify/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "claim_expired"
    assert "expired after 72 hours" in response.json()["error"]["message"]
    assert not Domain.objects.filter(pk=claim["id"]).exists()
    assert Client(HTTP_HOST="late.example.org").get("/").status_code == 404


def test_expired_claims_are_removed_periodically_and_can_be_claimed_anew(
    store_a, store_b, store_owner_client
):
    old = Domain.objects.create(domain="old.example.org", tenant=store_b, is_verified=False)
    Domain.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    fresh = Domain.objects.create(domain="fresh.example.org", tenant=store_b, is_verified=False)
    assert remove_expired_domain_claims() == 1
    assert list(Domain.objects.filter(is_verified=False)) == [fresh]

    mine = Domain.objects.create(domain="again.example.org", tenant=store_a, is_verified=False)
    Domain.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=4))
    renewed = _claim(store_owner_client(store_a), "again.example.org")
    assert renewed.status_code == 201
    assert renewed.json()["txt_record_value"] != mine.txt_record_value
