"""Store signups (page and API) and store exports through the API are in the audit log."""

import pytest
from django.test import Client

from tenants.models import AuditLogEntry, Tenant

pytestmark = pytest.mark.django_db

SIGNUP = {
    "store_name": "Blue Bicycle",
    "subdomain": "blue-bicycle",
    "owner_email": "Maria@Example.com",
    "owner_password": "Tandem-Ride-2026",
    "plan": "basic",
}


def test_a_signup_through_the_api_is_audited_with_the_client_address(settings):
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN, REMOTE_ADDR="198.51.100.23")
    response = client.post("/api/platform/signup/", SIGNUP, content_type="application/json")
    assert response.status_code == 201
    entry = AuditLogEntry.objects.get(action="store.signed_up", tenant__slug="blue-bicycle")
    assert entry.actor is None and entry.actor_label == "maria@example.com"
    assert entry.ip_address == "198.51.100.23"
    assert entry.details == {"plan": "basic", "currency": "USD"}


def test_a_signup_through_the_page_is_audited_with_the_client_address(settings):
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN, REMOTE_ADDR="198.51.100.24")
    response = client.post("/signup/", {**SIGNUP, "subdomain": "page-shop"})
    assert response.status_code == 201
    entry = AuditLogEntry.objects.get(action="store.signed_up", tenant__slug="page-shop")
    assert entry.ip_address == "198.51.100.24"


def test_a_refused_signup_records_nothing(settings):
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN, REMOTE_ADDR="198.51.100.25")
    response = client.post(
        "/api/platform/signup/", {**SIGNUP, "owner_email": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not AuditLogEntry.objects.filter(ip_address="198.51.100.25").exists()
    assert not Tenant.objects.filter(slug="blue-bicycle").exists()


def test_a_store_export_through_the_api_is_audited(store_a, store_owner_client):
    client = store_owner_client(store_a)
    response = client.get("/api/v1/store/export/", REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get(action="store.exported", tenant=store_a)
    assert entry.actor is None
    assert entry.actor_label == "owner@store-a.test (store owner)"
    assert entry.ip_address == "192.0.2.44"
    assert entry.details == {"via": "api", "api_key": None}


def test_a_refused_export_records_nothing(store_a, store_client):
    from django.db import connection

    from accounts.models import User

    connection.set_tenant(store_a)
    clerk = User.objects.create_user("clerk", "clerk@example.com", "x", is_staff=True)
    clerk.staff_role = User.StaffRole.SUPPORT
    clerk.save()
    client = store_client(store_a)
    client.force_login(clerk)
    response = client.get("/api/v1/store/export/")
    assert response.status_code == 403
    assert not AuditLogEntry.objects.filter(action="store.exported", tenant=store_a).exists()
