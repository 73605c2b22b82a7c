"""Writes on company accounts: applying, approval, terms, members, locations, API keys.

Each service is one transaction; emails are queued after commit (b2b.companies.emails sends
each once). Field errors come all at once, keyed by the API's field names
(``billing_address.city``), and nothing is saved when there is one.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accounts import services as account_services
from accounts.models import ApiKey, Company, CompanyMembership, User
from b2b.companies import state
from b2b.companies.tax_ids import TaxIdInvalid, normalise_tax_id
from b2b.errors import (
    AlreadyInCompany,
    ApplicationInvalid,
    CompanyNotApproved,
    LastCompanyAdmin,
    StaffCannotApply,
)
from b2b.models import CompanyApplication, CompanyEmail, CompanyLocation, CompanyStatusChange
from checkout.addresses import validate_address
from checkout.errors import AddressInvalid

NAME_MAX_LENGTH = 200
LOCATION_NAME_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 2000
# DecimalField(max_digits=12, decimal_places=2): anything at or above this would not fit.
MONEY_LIMIT = Decimal("10000000000")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{4,31}$")
UNSET = object()


# --- Applying ------------------------------------------------------------------------------------


def apply_for_company(
    *,
    user: User,
    name,
    vat_number,
    billing_address,
    shipping_address,
    contact_name,
    contact_email,
    contact_phone="",
    country="",
) -> Company:
    """``user`` applies for a business account: a PENDING company with ``user`` as its admin,
        its application (contact) and a first location ("Head office") with both addresses. The tax
    number is checked for ``country`` (ISO code; default: the billing address's country).

        Refused to the store's staff (StaffCannotApply, 403) and to a member of a company
        (AlreadyInCompany, 409); invalid fields: ApplicationInvalid (400) with every field's
        errors. The person's row is locked, so two applications at once make one company. After
        commit: a confirmation to the applicant's contact email and a notice to the staff.
    """
    if user.staff_role or user.is_staff:
        raise StaffCannotApply("The store's staff cannot apply for a business account.")
    if CompanyMembership.objects.filter(user=user).exists():
        raise AlreadyInCompany("You already belong to a company.")
    errors: dict[str, list[str]] = {}
    name = _required_text(errors, "name", name, NAME_MAX_LENGTH, "Enter the company's name.")
    country = (country or "").strip().upper() if isinstance(country, str) else ""
    billing = _address(errors, "billing_address", billing_address)
    shipping = _address(errors, "shipping_address", shipping_address)
    country = country or (billing or {}).get("country", "")
    try:
        vat_number = normalise_tax_id(
            vat_number if isinstance(vat_number, str) else "", country=country
        )
    except TaxIdInvalid as refusal:
        errors["vat_number"] = [str(refusal)]
    contact_name = _required_text(
        errors, "contact_name", contact_name, 200, "Enter who we should contact."
    )
    contact_email = _email(errors, "contact_email", contact_email)
    contact_phone = _phone(errors, "contact_phone", contact_phone)
    if errors:
        raise ApplicationInvalid("The application has invalid fields.", fields=errors)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if CompanyMembership.objects.filter(user=user).exists():
            raise AlreadyInCompany("You already belong to a company.")
        company = Company.objects.create(
            name=name, vat_number=vat_number, status=Company.Status.PENDING
        )
        CompanyMembership.objects.create(
            company=company, user=user, role=CompanyMembership.Role.ADMIN
        )
        CompanyApplication.objects.create(
            company=company,
            applicant=user,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        )
        CompanyLocation.objects.create(
            company=company, name="Head office", shipping_address=shipping, billing_address=billing
        )
        CompanyStatusChange.objects.create(
            company=company, from_status="", to_status=Company.Status.PENDING, by=user
        )
        _after_commit(company, CompanyEmail.Kind.APPLICATION_RECEIVED)
        _after_commit(company, CompanyEmail.Kind.STAFF_NEW_APPLICATION)
    return company


# --- Approval and terms (staff) -----------------------------------------------------------------


def approve_company(*, company: Company, by: User, note: str = "") -> Company:
    """Approve ``company``: its members buy as a business from now on. The move is recorded
    with ``note``; the applicant is emailed once, after commit. IllegalCompanyTransition (409)
    when the company is already approved."""
    return _decide(company, Company.Status.APPROVED, by=by, note=note)


def reject_company(*, company: Company, by: User, note: str) -> Company:
    """Reject ``company`` with ``note`` (required: it is emailed to the applicant). Its
    members keep buying as consumers. IllegalCompanyTransition (409) unless pending."""
    return _decide(company, Company.Status.REJECTED, by=by, note=note)


def _decide(company: Company, to_status: str, *, by: User, note) -> Company:
    note = (note or "").strip() if isinstance(note, str) else None
    if note is None or len(note) > NOTE_MAX_LENGTH:
        raise ApplicationInvalid(
            "The note is invalid.", fields={"note": [f"Use at most {NOTE_MAX_LENGTH} characters."]}
        )
    if to_status == Company.Status.REJECTED and not note:
        raise ApplicationInvalid(
            "Say why the application is rejected.",
            fields={"note": ["Tell the applicant why: the note is emailed to them."]},
        )
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        change = state.move(locked, to_status, by=by, note=note)
        kind = (
            CompanyEmail.Kind.APPROVED
            if to_status == Company.Status.APPROVED
            else CompanyEmail.Kind.REJECTED
        )
        _after_commit(locked, kind, key=str(change.pk))
    company.status = locked.status
    return company


def update_company_terms(*, company: Company, by: User, **fields) -> Company:
    """Change what the staff decide of a company: ``name``, ``payment_terms``,
    ``credit_limit`` (None: no credit), ``requires_approval``. Only the fields given change;
    invalid ones: ApplicationInvalid (400) with each field's errors, nothing saved."""
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    if "name" in fields:
        changes["name"] = _required_text(
            errors, "name", fields["name"], NAME_MAX_LENGTH, "Enter the company's name."
        )
    if "payment_terms" in fields:
        if fields["payment_terms"] not in Company.PaymentTerms.values:
            errors["payment_terms"] = [
                "Choose one of: " + ", ".join(Company.PaymentTerms.values) + "."
            ]
        changes["payment_terms"] = fields["payment_terms"]
    if "credit_limit" in fields:
        changes["credit_limit"] = _amount(errors, "credit_limit", fields["credit_limit"])
    if "requires_approval" in fields:
        if not isinstance(fields["requires_approval"], bool):
            errors["requires_approval"] = ["Answer true or false."]
        changes["requires_approval"] = fields["requires_approval"]
    if errors:
        raise ApplicationInvalid("The company has invalid fields.", fields=errors)
    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes] or None)
    for name, value in changes.items():
        setattr(company, name, value)
    return company


# --- Members (the company's admin, or staff) ------------------------------------------------------


def update_member(*, membership: CompanyMembership, role=UNSET, spending_limit=UNSET):
    """Change a member's role and/or spending limit (None: no limit). The company keeps at
    least one admin (LastCompanyAdmin, 409); a bad role or amount: 400 on its field."""
    errors: dict[str, list[str]] = {}
    changes: dict = {}
    if role is not UNSET:
        if role not in CompanyMembership.Role.values:
            errors["role"] = ["Choose one of: " + ", ".join(CompanyMembership.Role.values) + "."]
        changes["role"] = role
    if spending_limit is not UNSET:
        changes["spending_limit"] = _amount(errors, "spending_limit", spending_limit)
    if errors:
        raise ApplicationInvalid("The member has invalid fields.", fields=errors)
    with transaction.atomic():
        locked = _lock_member(membership)
        if changes.get("role", CompanyMembership.Role.ADMIN) != CompanyMembership.Role.ADMIN:
            _keep_an_admin(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        if changes:
            locked.save(update_fields=list(changes))
    for name, value in changes.items():
        setattr(membership, name, value)
    return membership


def remove_member(*, membership: CompanyMembership) -> None:
    """Remove a person from their company (they keep their account and buy as a consumer).
    The last admin stays (LastCompanyAdmin, 409)."""
    with transaction.atomic():
        locked = _lock_member(membership)
        _keep_an_admin(locked)
        locked.delete()


def _lock_member(membership: CompanyMembership) -> CompanyMembership:
    # The company's row first: two admins demoting each other at once cannot leave none.
    Company.objects.select_for_update().filter(pk=membership.company_id).first()
    return CompanyMembership.objects.select_for_update().get(pk=membership.pk)


def _keep_an_admin(membership: CompanyMembership) -> None:
    if membership.role != CompanyMembership.Role.ADMIN:
        return
    others = CompanyMembership.objects.filter(
        company_id=membership.company_id, role=CompanyMembership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise LastCompanyAdmin("A company keeps at least one admin: make someone else admin first.")


# --- Locations -----------------------------------------------------------------------------------


def save_location(
    *, company: Company, location: CompanyLocation | None = None, name, shipping_address,
    billing_address,
) -> CompanyLocation:  # fmt: skip
    """Add a location to ``company`` or change one of its own: a name unique in the company
    and two addresses validated per country (checkout.addresses). 400 with every field's
    errors, nothing saved."""
    errors: dict[str, list[str]] = {}
    name = _required_text(
        errors, "name", name, LOCATION_NAME_MAX_LENGTH, "Name the location (Head office...)."
    )
    shipping = _address(errors, "shipping_address", shipping_address)
    billing = _address(errors, "billing_address", billing_address)
    taken = CompanyLocation.objects.filter(company=company, name__iexact=name)
    if location is not None:
        taken = taken.exclude(pk=location.pk)
    if name and taken.exists():
        errors["name"] = ["The company has a location of this name."]
    if errors:
        raise ApplicationInvalid("The location has invalid fields.", fields=errors)
    location = location or CompanyLocation(company=company)
    location.name, location.shipping_address, location.billing_address = name, shipping, billing
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError:  # the same name saved at the same moment
        raise ApplicationInvalid(
            "The location has invalid fields.",
            fields={"name": ["The company has a location of this name."]},
        ) from None
    return location


def delete_location(*, location: CompanyLocation) -> None:
    """Remove a location (orders placed with its addresses keep their copies)."""
    location.delete()


# --- API keys ------------------------------------------------------------------------------------


def create_company_api_key(*, company: Company, created_by: User, name, scopes):
    """Issue a key of ``company`` (accounts.services.create_api_key): its secret is in the
    answer only. An approved company's only (CompanyNotApproved, 403): a key buys as the
    business."""
    if company.status != Company.Status.APPROVED:
        raise CompanyNotApproved("Your company can have API keys once the store approves it.")
    errors: dict[str, list[str]] = {}
    name = _required_text(errors, "name", name, 100, "Name the key (the system using it).")
    if not isinstance(scopes, list | tuple) or not scopes:
        errors["scopes"] = ["Choose at least one scope."]
    elif not set(scopes) <= set(ApiKey.Scope.values):
        errors["scopes"] = ["Choose among: " + ", ".join(ApiKey.Scope.values) + "."]
    if errors:
        raise ApplicationInvalid("The key has invalid fields.", fields=errors)
    return account_services.create_api_key(
        name=name, scopes=list(scopes), created_by=created_by, company=company
    )


# --- Field checks --------------------------------------------------------------------------------


def _required_text(errors: dict, field: str, value, max_length: int, missing: str) -> str:
    if value is not None and not isinstance(value, str):
        errors[field] = ["Enter text."]
        return ""
    value = " ".join((value or "").replace("\x00", "").split())
    if not value:
        errors[field] = [missing]
    elif len(value) > max_length:
        errors[field] = [f"Use at most {max_length} characters."]
    return value


def _email(errors: dict, field: str, value) -> str:
    value = value.strip() if isinstance(value, str) else ""
    try:
        if len(value) > 254:
            raise DjangoValidationError("too long")
        validate_email(value)
    except DjangoValidationError:
        errors[field] = ["Enter a valid email address, such as buyer@example.com."]
    return value.lower()


def _phone(errors: dict, field: str, value) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if value and not _PHONE.match(value):
        errors[field] = ["Enter a phone number: digits, spaces and an optional leading +."]
    return value


def _address(errors: dict, field: str, value) -> dict | None:
    try:
        return validate_address(value)
    except AddressInvalid as refusal:
        for name, messages in refusal.fields.items():
            errors[f"{field}.{name}"] = list(messages)
        return None


def _amount(errors: dict, field: str, value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors[field] = ["Enter an amount, such as 5000.00, or leave it empty for none."]
        return None
    if amount < 0 or amount >= MONEY_LIMIT or amount != amount.quantize(Decimal("0.01")):
        errors[field] = ["Enter an amount from 0 to 9999999999.99, with at most two decimals."]
        return None
    return amount


def _after_commit(company: Company, kind: str, *, key: str = "") -> None:
    from b2b.tasks import send_company_email

    company_id = company.pk
    transaction.on_commit(lambda: send_company_email.delay(company_id, kind, key))
