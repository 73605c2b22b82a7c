"""Shoppers of several stores at once, as in real shops: most browse (the home page, the
listing, products), some search, fewer fill a cart, fewer still check out. Consumers (B2C)
check out anonymously with cash on delivery; company members (B2B) are signed in with their API
token and pay their company's prices. Each simulated person shops at one store, picked at
random from the plan benchmarks/load.py writes (``LOAD_PLAN``).

Every order a client is answered for (201, or 200 for one placed before) is written to
``LOAD_ACKS`` when the run stops, so that load.py compares them with the database.

    python benchmarks/load.py            # prepares the stores, runs this in steps
    locust -f benchmarks/locustfile.py   # by hand, against stores load.py kept (--keep)
"""

# ruff: noqa: S311 - shoppers' choices are simulated, nothing here is a secret

import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if os.environ.get("LOAD_PLAN") else {}
SEARCHES = ("shirt", "mug", "blue", "cotton", "bag", "lamp", "red", "classic")
ACKNOWLEDGED: list[tuple[str, int]] = []


@events.test_stop.add_listener
def _write_acknowledged(**kwargs) -> None:
    path = os.environ.get("LOAD_ACKS")
    if path:
        with open(path, "w") as acks:
            acks.writelines(json.dumps(order) + "\n" for order in ACKNOWLEDGED)


class Shopper(HttpUser):
    """A consumer: browses, searches, sometimes buys (cash on delivery), anonymously."""

    weight = 4
    # Short pauses: each simulated person is a few people's worth of traffic.
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.store = random.choice(PLAN["stores"])
        self.headers = {"Host": self.store["host"]}

    def get(self, path: str, name: str | None = None):
        return self.client.get(path, headers=self.headers, name=name or path)

    def send(self, method: str, path: str, name: str, body: dict, headers: dict | None = None):
        with self.client.request(
            method,
            path,
            json=body,
            headers={**self.headers, **(headers or {})},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response

    @task(3)
    def home(self) -> None:
        self.get("/")

    @task(6)
    def listing(self) -> None:
        page = random.randint(1, 3)
        self.get(f"/api/v1/shop/products/?page={page}", name="/api/v1/shop/products/")

    @task(6)
    def product(self) -> None:
        slug = random.choice(self.store["products"])
        self.get(f"/api/v1/shop/products/{slug}/", name="/api/v1/shop/products/[slug]/")

    @task(3)
    def search(self) -> None:
        self.get(f"/api/v1/search/?q={random.choice(SEARCHES)}", name="/api/v1/search/")

    @task(1)
    def buy(self) -> None:
        self.checkout(self.store["variants"], cart_token=True)

    def checkout(self, variants: list[int], *, cart_token: bool) -> None:
        """Add one to three variants, start the checkout, give what it needs, complete it."""
        headers: dict = {}
        for variant in random.sample(variants, k=random.randint(1, 3)):
            added = self.send(
                "POST",
                "/api/v1/cart/lines/",
                "/api/v1/cart/lines/",
                {"variant": variant, "quantity": 1},
                headers,
            )
            if not added.ok:
                return
            if cart_token and added.json().get("token"):
                headers = {"X-Cart-Token": added.json()["token"]}
        started = self.send("POST", "/api/v1/checkout/", "/api/v1/checkout/", {}, headers)
        if not started.ok:
            return
        token = started.json()["token"]
        details = {
            "shipping_address": PLAN["address"],
            "delivery_option": self.store["delivery_option"],
            "payment_method": "cod",
        }
        if cart_token:
            details["email"] = f"shopper-{uuid.uuid4().hex[:8]}@load.example.com"
        path = f"/api/v1/checkout/{token}/"
        if not self.send("PATCH", path, "/api/v1/checkout/[token]/", details, headers).ok:
            return
        completed = self.send(
            "POST",
            f"{path}complete/",
            "/api/v1/checkout/[token]/complete/",
            {},
            {**headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        if completed.status_code in (200, 201):
            ACKNOWLEDGED.append((self.store["schema"], completed.json()["number"]))


class CompanyBuyer(Shopper):
    """A company's member: signed in by API token, sees and pays the B2B prices."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        token = random.choice(self.store["company_tokens"])
        self.headers = {**self.headers, "Authorization": f"Token {token}"}

    @task(2)
    def buy(self) -> None:
        self.checkout(self.store["b2b_variants"], cart_token=False)
