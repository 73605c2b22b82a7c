"""Item 8: an unverified claim on a custom domain blocks nobody; the first store to prove it
owns the domain (DNS TXT record) gets it.

No DNS server can be set up here, so proving ownership is done by the verification service
itself with the TXT records the rightful owner published (a resolver double); everything
else goes through HTTP.
"""

import secrets

from tenants.models import Domain


class PublishedTxtRecords:
    """The DNS, holding the TXT records someone published."""

    def __init__(self, records: dict[str, list[str]]):
        self.records = records

    def txt_records(self, name: str) -> list[str]:
        return self.records.get(name, [])


def claim(store, hostname: str):
    return store.client("owner").post("/api/v1/store/domains/", json={"domain": hostname})


def verify_with_dns(live, store, hostname: str) -> bool:
    from tenants.domains import verify_custom_domain

    with live.database():
        domain = Domain.objects.get(tenant_id=store.tenant_id, domain=hostname)
        published = PublishedTxtRecords({domain.txt_record_name: [domain.txt_record_value]})
        return verify_custom_domain(domain=domain, resolver=published)


def new_hostname() -> str:
    return f"shop-{secrets.token_hex(4)}.example.org"


def test_an_unverified_claim_does_not_block_another_store(store_a, store_b):
    hostname = new_hostname()
    assert claim(store_a, hostname).status_code == 201

    answer = claim(store_b, hostname)

    assert answer.status_code == 201
    assert answer.json()["domain"] == hostname


def test_the_first_store_to_verify_gets_the_domain(live, store_a, store_b):
    hostname = new_hostname()
    assert claim(store_a, hostname).status_code == 201  # the squatter, who cannot prove it
    assert claim(store_b, hostname).status_code == 201

    assert verify_with_dns(live, store_b, hostname) is True

    shop = store_b.client(host=hostname).get("/api/v1/shop/products/")
    assert shop.status_code == 200
    assert {item["name"] for item in shop.json()["results"]} >= {"Lamp of store B"}


def test_a_domain_verified_by_a_store_cannot_be_claimed_by_another(live, store_a, store_b):
    hostname = new_hostname()
    assert claim(store_a, hostname).status_code == 201
    assert verify_with_dns(live, store_a, hostname) is True

    answer = claim(store_b, hostname)

    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"domain"}
    assert store_a.slug not in answer.text
