"""The demo store's company (``make run``, development only): "Demo Trading Co.", approved,
net 30 with a credit limit, with a company admin, an approver and a buyer who sign in with the
demo password, a location, and an API key with every scope whose secret is fixed here, so that
the README's curl session runs as written. Never called when DEBUG is off: production stores
have no known password nor key. Set once: a store that has the company is left alone.
"""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import ApiKey, Company, CompanyMembership, User, digest_secret
from b2b.companies import services

COMPANY_NAME = "Demo Trading Co."
# Development only, like the demo's passwords: a key with a known secret would be a hole in
# any real store. The shape is that of accounts.services.create_api_key's secrets.
DEMO_API_KEY_PREFIX = "demob2b1"
DEMO_API_KEY_SECRET = "mk_demob2b1_mercato-demo-company-key-not-for-production"  # noqa: S105
MEMBERS = (
    ("company-admin@example.com", CompanyMembership.Role.ADMIN, None),
    ("approver@example.com", CompanyMembership.Role.APPROVER, None),
    ("buyer@example.com", CompanyMembership.Role.BUYER, Decimal("500")),
)
OFFICE = {
    "full_name": "Demo Trading Co. — Receiving",
    "company_name": "Demo Trading Co.",
    "line1": "100 Harbor Blvd",
    "city": "Oakland",
    "region": "CA",
    "postal_code": "94607",
    "country": "US",
    "phone": "+1 510 555 0100",
}


@transaction.atomic
def set_up_demo_company(*, password: str) -> bool:
    """Create the demo company, its three members (signing in with ``password``) and its API
    key, unless the store has it (True when created)."""
    if Company.objects.filter(name=COMPANY_NAME).exists():
        return False
    company = Company.objects.create(
        name=COMPANY_NAME,
        vat_number="US-94-1234567",
        status=Company.Status.APPROVED,
        payment_terms=Company.PaymentTerms.NET_30,
        credit_limit=Decimal("10000.00"),
    )
    people = {}
    for email, role, limit in MEMBERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(username=email, email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        CompanyMembership.objects.create(
            company=company, user=user, role=role, spending_limit=limit
        )
        people[role] = user
    services.save_location(
        company=company, name="Oakland warehouse", shipping_address=OFFICE, billing_address=OFFICE
    )
    ApiKey.objects.create(
        name="Demo ERP",
        prefix=DEMO_API_KEY_PREFIX,
        digest=digest_secret(DEMO_API_KEY_SECRET),
        scopes=sorted(ApiKey.Scope.values),
        company=company,
        created_by=people[CompanyMembership.Role.ADMIN],
    )
    return True
