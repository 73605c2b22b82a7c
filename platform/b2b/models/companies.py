"""A company's side of the B2B channel: its application, its locations, its status history.

The company itself (name, VAT id, status, terms, credit limit), its members and its API keys
are ``accounts`` models; ``accounts.Company.status`` is the one source of truth of whether a
company is approved. What is kept here is what the application and the company area add.
"""

from django.conf import settings
from django.db import models


class CompanyApplication(models.Model):
    """What a business gave when it applied from the storefront: who to contact, who applied.

    One per company applied for (companies the staff open themselves have none). The company's
    status lives on the company, never here.
    """

    company = models.OneToOneField(
        "accounts.Company", on_delete=models.CASCADE, related_name="application"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=32, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"Application of {self.company}"


class CompanyLocation(models.Model):
    """A named place of a company (head office, a warehouse) with the shipping and billing
    address its members check out with. Addresses are the dicts of
    ``checkout.addresses.validate_address``, so a checkout takes them as they are."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=100)
    shipping_address = models.JSONField()
    billing_address = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="b2b_companylocation_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})"


class CompanyStatusChange(models.Model):
    """One move of a company's status (b2b.companies.state): who, when, from, to, why."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.company}: {self.from_status} -> {self.to_status}"


class CompanyEmail(models.Model):
    """An email about a company, claimed before it is sent so that it goes out once."""

    class Kind(models.TextChoices):
        APPLICATION_RECEIVED = "application_received", "Application received (applicant)"
        STAFF_NEW_APPLICATION = "staff_new_application", "New application (staff)"
        APPROVED = "approved", "Company approved"
        REJECTED = "rejected", "Company rejected"

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What makes two emails of a kind different (the status change they tell of).
    key = models.CharField(max_length=64, blank=True)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "key"], name="b2b_companyemail_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"
