"""Writes on accounts: people, their address books, companies, API keys and security policy."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import events, permissions
from accounts.errors import (
    AlreadyEnrolled,
    AlreadyMember,
    AlreadyStaff,
    AlreadyVerified,
    EmailNotVerified,
    InvalidOneTimeCode,
    InvalidStaffInvitation,
    InvitationForAnotherEmail,
    InvitationNotFound,
    NotACustomer,
    OwnerRoleFixed,
    OwnTwoFactorMissing,
    SocialLoginInvalid,
    StaffCannotJoinCompany,
    WrongPassword,
)
from accounts.models import (
    Address,
    ApiKey,
    AuthToken,
    Company,
    CompanyInvitation,
    CompanyMembership,
    StoreSecurity,
    User,
    digest_secret,
    password_fingerprint,
)

API_KEY_PREFIX = "mk_"


def create_store_owner(*, email: str, password: str) -> User:
    """Create the owner of the current store (run inside the store's schema).

    The owner is staff with every permission in their own store. The password is validated
    with the platform's validators (ValidationError if weak) and stored hashed (Argon2). The
    email is recorded as verified (it is the address the store was signed up with), so the
    owner can sign in through allauth's pages, where two-factor authentication happens.
    """
    user = User(username=email.lower(), email=email.lower(), is_staff=True, is_superuser=True)
    user.staff_role = User.StaffRole.OWNER
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def create_staff_member(*, email: str, password: str, role: str) -> User:
    """Create a member of the store's staff with one of ``User.StaffRole``.

    Staff reach the store admin (``is_staff``); what they may do there is decided by their role
    (accounts.permissions), never by Django's superuser flag, which only the owner has.
    Refused with PlanLimitReached when the store's plan has no staff account left.
    """
    from tenants.limits import ensure_current_store_within_plan

    user = User(username=email.lower(), email=email.lower(), is_staff=True, staff_role=role)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        # Inside the transaction: the check locks, so two adders at the limit cannot both pass.
        ensure_current_store_within_plan(resource="staff_accounts")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        _join_role_group(user)
    return user


@transaction.atomic
def change_staff_role(*, user: User, role: str) -> User:
    """Give a staff member another role (or none: ``""`` makes them a shopper again).

    A member of a company cannot become staff (StaffCannotJoinCompany): a person either buys
    for a company or works for the store. Making a shopper staff is refused with
    PlanLimitReached when the plan has no staff account left. The owner keeps their role and
    nobody is made owner this way (OwnerRoleFixed).
    """
    owner = User.StaffRole.OWNER
    if (user.staff_role == owner) != (role == owner):
        raise OwnerRoleFixed(
            "The store's owner keeps the owner's role, and no one else can be given it.",
            fields={"role": ["The owner's role cannot be changed or given."]},
        )
    if role and CompanyMembership.objects.filter(user=user).exists():
        raise StaffCannotJoinCompany("A member of a company cannot join the store's staff.")
    if role and not user.is_staff:
        from tenants.limits import ensure_current_store_within_plan

        ensure_current_store_within_plan(resource="staff_accounts")
    user.staff_role = role
    user.is_staff = bool(role)
    user.full_clean(exclude=["password"])
    user.save(update_fields=["staff_role", "is_staff"])
    _join_role_group(user)
    return user


def _join_role_group(user: User) -> None:
    """Put ``user`` in exactly their role's Wagtail group (see accounts.permissions)."""
    from django.contrib.auth.models import Group

    role_groups = Group.objects.filter(name__startswith=ROLE_GROUP_PREFIX)
    user.groups.remove(*role_groups)
    if user.staff_role in permissions.WAGTAIL_PAGE_GRANTS:
        user.groups.add(_role_group(user.staff_role))


ROLE_GROUP_PREFIX = "Staff role: "


def _role_group(role: str):
    """The group carrying ``role``'s Wagtail rights on the whole site, kept in step."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, _ = Group.objects.get_or_create(name=f"{ROLE_GROUP_PREFIX}{role}")
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for name in permissions.WAGTAIL_PAGE_GRANTS.get(role, ()):
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=_permission(Permission, name)
        )
    for name in permissions.WAGTAIL_COLLECTION_GRANTS.get(role, ()):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_permission(Permission, name)
        )
    return group


def _permission(permission_model, name: str):
    app_label, codename = name.split(".")
    return permission_model.objects.get(content_type__app_label=app_label, codename=codename)


def notify_existing_account_of_signup(*, email: str, password: str, request) -> None:
    """Someone tried to sign up with ``email``, which has an account: tell its owner.

    allauth's enumeration prevention, as on the sign-up page: its "account already exists"
    email (with a password reset link), under the same per-address limit as verification
    emails, so that repeated attempts do not flood the owner. The password is hashed all the
    same (and thrown away), so that this takes as long as a real signup.
    """
    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.email_verification import (
        handle_verification_email_rate_limit,
    )
    from django.contrib.auth.hashers import make_password

    make_password(password)
    if handle_verification_email_rate_limit(request, email):
        get_adapter(request).send_account_already_exists_mail(email)


# --- Address book ------------------------------------------------------------------------------


@transaction.atomic
def save_address(*, user: User, address: Address | None = None, **fields) -> Address:
    """Add an address to ``user``'s book, or change one of theirs.

    Marking it the default shipping (or billing) address unmarks the previous default in the
    same transaction, so a book always has at most one of each.
    """
    address = address or Address(user=user)
    for name, value in fields.items():
        setattr(address, name, value)
    _release_defaults(user=user, address=address)
    address.full_clean()
    address.save()
    return address


def _release_defaults(*, user: User, address: Address) -> None:
    others = Address.objects.filter(user=user).exclude(pk=address.pk)
    if address.is_default_shipping:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
    if address.is_default_billing:
        others.filter(is_default_billing=True).update(is_default_billing=False)


def delete_address(*, address: Address) -> None:
    """Remove an address from its owner's book."""
    address.delete()


# --- Sign-in tokens and passwords -------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    """A new sign-in token and its key, which is shown to its person once and never stored."""

    token: AuthToken
    key: str


def issue_auth_token(*, user: User) -> IssuedToken:
    """Issue a sign-in token for ``user`` (at each API login); only its digest is stored."""
    key = secrets.token_hex(32)
    token = AuthToken.objects.create(
        user=user, digest=digest_secret(key), password_fingerprint=password_fingerprint(user)
    )
    return IssuedToken(token=token, key=key)


def revoke_auth_token(*, token: AuthToken) -> None:
    """End one sign-in token (logout). Idempotent."""
    AuthToken.objects.filter(pk=token.pk).delete()


def revoke_api_tokens(*, user: User) -> None:
    """Sign ``user`` out of every API client (after a password reset, say)."""
    AuthToken.objects.filter(user=user).delete()


@transaction.atomic
def change_password(
    *, user: User, password: str, current_token: AuthToken | None = None
) -> IssuedToken | None:
    """Give ``user`` a new (already validated) password and end every sign-in made with the old.

    Every API token of the person is revoked, and every session ends by Django's session
    verification (the caller keeps its own with ``update_session_auth_hash``). When the change
    is made with ``current_token``, that token is replaced by a new one, returned (its key is
    in this answer only).
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_api_tokens(user=user)
    if current_token is None:
        return None
    return issue_auth_token(user=user)


# --- Erasure (GDPR) ----------------------------------------------------------------------------


@transaction.atomic
def erase_account(*, user: User, password: str | None) -> None:
    """Erase a person's personal data at this store, at their own request (GDPR art. 17).

    The row stays, anonymised and inactive, so that the merchant's orders keep a customer
    (``account_erased`` lets the orders app anonymise what it keeps). Their address book,
    email addresses, social logins, authenticators, API tokens and keys go. Sessions end: the
    password becomes unusable, which invalidates every session of theirs.
    """
    if password is not None and not user.check_password(password):
        raise WrongPassword("The password is not correct.", fields={"password": ["Wrong."]})
    user.addresses.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    AuthToken.objects.filter(user=user).delete()
    ApiKey.objects.filter(created_by=user, revoked_at=None).update(revoked_at=timezone.now())
    CompanyMembership.objects.filter(user=user).delete()
    anonymous = f"erased-{user.pk}"
    user.username = anonymous
    user.email = f"{anonymous}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.staff_role = ""
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    events.account_erased.send(sender=User, user=user)


# --- Two-factor (TOTP, through allauth.mfa) ----------------------------------------------------


def start_totp_enrolment() -> str:
    """A fresh TOTP secret for the person to add to their authenticator app."""
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    return generate_totp_secret()


@transaction.atomic
def activate_totp(*, user: User, secret: str, code: str) -> Authenticator:
    """Turn on TOTP for ``user`` once they prove their app holds ``secret``.

    The same authenticator serves the storefront and admin login (allauth) and the API login.
    As in allauth, an unverified email address blocks it: otherwise someone who signed up
    with another person's address could lock its real owner out.
    """
    from allauth.mfa.internal.flows.add import validate_can_add_authenticator

    try:
        validate_can_add_authenticator(user)
    except DjangoValidationError as error:
        raise EmailNotVerified(error.messages[0]) from error
    if _has_totp(user):
        raise AlreadyEnrolled("Two-factor authentication is already on.")
    if not validate_totp_code(secret, code):
        raise InvalidOneTimeCode("The code is not valid.", fields={"code": ["Invalid code."]})
    return TOTP.activate(user, secret).instance


def deactivate_totp(*, user: User, code: str) -> None:
    """Turn TOTP off; a current code is required, so a stolen token alone cannot."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return
    if not TOTP(authenticator).validate_code(code):
        raise InvalidOneTimeCode("The code is not valid.", fields={"code": ["Invalid code."]})
    authenticator.delete()


def check_store_security(*, by: User | None, require_staff_mfa: bool) -> None:
    """Refuse a policy that would lock ``by`` out: requiring two-factor of staff while ``by``
    (the member of staff making the change) has not enrolled TOTP themself. ``None`` is the
    platform itself (provisioning, commands), which no policy locks out."""
    if by is not None and require_staff_mfa and not _has_totp(by):
        raise OwnTwoFactorMissing(
            "Turn on two-factor authentication for your own account first.",
            fields={
                "require_staff_mfa": [
                    "Enrol a TOTP authenticator yourself before requiring it of staff: "
                    "otherwise you would lose access to the store admin."
                ]
            },
        )


@transaction.atomic
def set_store_security(*, require_staff_mfa: bool, by: User | None = None) -> StoreSecurity:
    """Change the store's identity policy (the owner's call, ``by``; None for the platform).

    Refused with OwnTwoFactorMissing when it would lock ``by`` out (check_store_security).
    """
    check_store_security(by=by, require_staff_mfa=require_staff_mfa)
    policy = StoreSecurity.current()
    policy.require_staff_mfa = require_staff_mfa
    policy.save()
    return policy


def _has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- Companies (B2B) ---------------------------------------------------------------------------


@transaction.atomic
def create_company(*, name: str, admin: User, vat_number: str = "") -> Company:
    """Open a business account with ``admin`` as its first company admin."""
    company = Company.objects.create(name=name, vat_number=vat_number)
    add_company_member(company=company, user=admin, role=CompanyMembership.Role.ADMIN)
    return company


def add_company_member(*, company: Company, user: User, role: str) -> CompanyMembership:
    """Make ``user`` a member of ``company``; a person belongs to one company at a time, and
    the store's staff to none."""
    if user.staff_role:
        raise StaffCannotJoinCompany("The store's staff cannot join a company.")
    if CompanyMembership.objects.filter(user=user).exists():
        raise AlreadyMember(
            "This person already belongs to a company.",
            fields={"email": ["Already a member of a company."]},
        )
    return CompanyMembership.objects.create(company=company, user=user, role=role)


INVITATION_VALID_FOR = timedelta(days=7)


def invite_to_company(
    *, company: Company, email: str, role: str, invited_by: User, site_url: str
) -> CompanyInvitation:
    """Invite whoever reads ``email`` to join ``company``: emails them a link to accept.

    The same happens whether or not the address has an account at the store (staff included:
    they can never accept), so that the inviter learns nothing about it. Only a digest of the
    link's secret is stored; the email goes out once the invitation is committed. ``site_url``
    is the store's address (scheme and host) the link points to.
    """
    secret = secrets.token_urlsafe(32)
    invitation = CompanyInvitation.objects.create(
        company=company,
        email=email.lower(),
        role=role,
        digest=digest_secret(secret),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    accept_url = site_url + reverse("account-company-invitation", kwargs={"secret": secret})
    transaction.on_commit(lambda: _send_invitation(invitation=invitation, accept_url=accept_url))
    return invitation


def _send_invitation(*, invitation: CompanyInvitation, accept_url: str) -> None:
    context = {
        "company": invitation.company,
        "role": invitation.get_role_display(),
        "accept_url": accept_url,
        "expires_at": invitation.expires_at,
    }
    send_mail(
        subject=render_to_string("accounts/email/company_invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/company_invitation_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def accept_company_invitation(*, secret: str, user: User) -> CompanyMembership:
    """``user`` accepts the invitation whose link carries ``secret``: they join its company.

    Refused when the invitation is unknown, used or expired (InvitationNotFound), addressed to
    another email (InvitationForAnotherEmail), or ``user`` is staff or already in a company.
    An invitation is used once (its row is locked while it is accepted).
    """
    invitation = (
        CompanyInvitation.objects.select_for_update()
        .select_related("company")
        .filter(digest=digest_secret(secret), accepted_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise InvitationNotFound("This invitation does not exist, was used, or has expired.")
    if invitation.email != user.email.lower():
        raise InvitationForAnotherEmail(
            "This invitation is for another email address: sign in with the address it was sent to."
        )
    membership = add_company_member(company=invitation.company, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


# --- API keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedApiKey:
    """A new key and its secret, which is shown to its creator once and never stored."""

    api_key: ApiKey
    secret: str


def create_api_key(
    *, name: str, scopes: list[str], created_by: User, company: Company | None = None
) -> IssuedApiKey:
    """Issue an API key with ``scopes``; the returned secret is never retrievable again."""
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        digest=digest_secret(secret),
        scopes=sorted(set(scopes)),
        company=company,
        created_by=created_by,
    )
    return IssuedApiKey(api_key=api_key, secret=secret)


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    """Revoke a key: from now on it authenticates nothing. Idempotent."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def record_api_key_use(*, api_key: ApiKey) -> None:
    """Note that a key was used; written at most once a minute per key."""
    now = timezone.now()
    if api_key.last_used_at and (now - api_key.last_used_at).total_seconds() < 60:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


# --- Staff, from the store admin (the owner's) -------------------------------------------------


def invite_staff_member(*, email: str, role: str, invited_by: User, site_url: str) -> User:
    """Add whoever reads ``email`` to the store's staff with ``role``, and email them.

    A new person gets an account without a password and a link to choose one (allauth's
    password-reset link, valid for PASSWORD_RESET_TIMEOUT); a shopper of the store with that
    email becomes staff (change_staff_role's rules: not a company member, within the plan) and
    is told so. Refused: a bad email or role (InvalidStaffInvitation), someone already on the
    staff (AlreadyStaff), the owner's role (OwnerRoleFixed), the plan's last staff account
    (PlanLimitReached). The email goes out once the change is committed. ``site_url`` is the
    store's address (scheme and host) the link points to.
    """
    from tenants.limits import ensure_current_store_within_plan

    email = (email or "").strip().lower()
    _check_staff_invitation(email=email, role=role)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.staff_role:
            raise AlreadyStaff(
                "This person is already on the staff.",
                fields={"email": ["Already on the staff: change their role instead."]},
            )
        if user is not None and not user.is_active:
            raise InvalidStaffInvitation(
                "This account is deactivated.",
                fields={"email": ["This account is deactivated: reactivate it first."]},
            )
        if user is not None:
            change_staff_role(user=user, role=role)
            set_password_url = ""
        else:
            ensure_current_store_within_plan(resource="staff_accounts")
            user = User(username=email, email=email, is_staff=True, staff_role=role)
            user.set_unusable_password()
            user.save()
            # The invitation goes to this address only, and the password is chosen from it.
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            _join_role_group(user)
            set_password_url = site_url + _set_password_path(user)
        _record(action="staff.invited", by=invited_by, user_id=user.pk, role=role)
    transaction.on_commit(
        lambda: _send_staff_invitation(
            user=user, invited_by=invited_by, site_url=site_url, set_password_url=set_password_url
        )
    )
    return user


def _check_staff_invitation(*, email: str, role: str) -> None:
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = ["Enter a valid email address."]
    if role == User.StaffRole.OWNER:
        raise OwnerRoleFixed(
            "A store has one owner.", fields={"role": ["Choose a role other than owner."]}
        )
    if role not in User.StaffRole.values:
        errors["role"] = ["Choose one of the roles."]
    if errors:
        raise InvalidStaffInvitation("The invitation is not valid.", fields=errors)


def _set_password_path(user: User) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


def _send_staff_invitation(
    *, user: User, invited_by: User, site_url: str, set_password_url: str
) -> None:
    from django.db import connection

    context = {
        "store_name": getattr(connection.tenant, "name", ""),
        "role": user.get_staff_role_display(),
        "invited_by": invited_by.email,
        "set_password_url": set_password_url,
        "admin_url": site_url + reverse("wagtailadmin_home"),
    }
    send_mail(
        subject=render_to_string("accounts/email/staff_invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/staff_invitation_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def remove_staff_member(*, user: User, by: User) -> User:
    """Take ``user`` off the store's staff: they keep their account, as a shopper, and lose
    the store admin at their next request. The owner cannot be removed (OwnerRoleFixed)."""
    with transaction.atomic():
        user = change_staff_role(user=user, role="")
        _record(action="staff.removed", by=by, user_id=user.pk)
    return user


# --- Customers, from the store admin -----------------------------------------------------------


def deactivate_customer(*, user: User, by: User) -> User:
    """Lock a customer out: they can no longer sign in, and their sessions, sign-in tokens and
    API keys stop working at once (every one of them requires an active person). Their data is
    kept; reactivate_customer undoes it. Staff are refused (NotACustomer). Audited."""
    _ensure_customer(user)
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            AuthToken.objects.filter(user=user).delete()
            _record(action="customer.deactivated", by=by, user_id=user.pk)
    return user


def reactivate_customer(*, user: User, by: User) -> User:
    """Let a deactivated customer sign in again (an erased account stays erased). Audited."""
    _ensure_customer(user)
    if user.erased_at is not None:
        raise NotACustomer("This account was erased: its person can sign up again.")
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            _record(action="customer.reactivated", by=by, user_id=user.pk)
    return user


def resend_verification_email(*, user: User, request) -> None:
    """Send the customer a new link to verify their email address.

    Takes the request because allauth builds the link from it (the store's host). Refused
    when the address is verified already (AlreadyVerified) or the account is not active.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if not user.is_active or user.erased_at is not None:
        raise NotACustomer("This account is not active.")
    if address is None:
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    if address.verified:
        raise AlreadyVerified(f"{user.email} is verified already.")
    address.send_confirmation(request)


def erase_customer_on_request(*, user: User, by: User) -> None:
    """Erase a customer's personal data at their request, made to the store (GDPR art. 17).

    The same erasure as a person's own (erase_account) without their password: the store's
    owner confirms the request instead, and the audit log records who erased which account.
    Staff are refused (NotACustomer): remove them from the staff first.
    """
    _ensure_customer(user)
    if user.erased_at is not None:
        return
    with transaction.atomic():
        erase_account(user=user, password=None)
        _record(action="customer.erased", by=by, user_id=user.pk)


def _ensure_customer(user: User) -> None:
    if user.staff_role or user.is_staff or user.is_superuser:
        raise NotACustomer("This person is on the store's staff: remove them from the staff first.")


def _record(*, action: str, by: User, **details) -> None:
    """Note a store admin's action on a person in the platform's audit log (who, never the
    person's personal data: the account's id only)."""

    from tenants import audit

    audit.record(action=action, tenant=audit.active_store(), actor_label=by.email, **details)


# --- Social login (the store's own OAuth clients) ---------------------------------------------


class SocialProvider(models.TextChoices):
    """The sign-in providers a store may offer (their allauth apps are in TENANT_APPS)."""

    GOOGLE = "google", "Google"
    FACEBOOK = "facebook", "Facebook"


# allauth's columns: SocialApp.client_id and SocialApp.secret are varchar(191).
SOCIAL_CLIENT_ID_MAX_LENGTH = 191
SOCIAL_SECRET_MAX_LENGTH = 191


def configure_social_login(
    *, provider: str, client_id: str, secret: str = "", by: User | None = None
) -> SocialApp:
    """Set the store's OAuth client for ``provider`` (a SocialProvider): its sign-in button
    then shows on the storefront's sign-in page.

    One client per provider (allauth refuses to choose between two): the first is updated,
    any other (entered twice through the Django admin) removed. An empty ``secret`` keeps the
    stored one; a new client needs one. Refused with SocialLoginInvalid (fields named).
    No site to attach: django.contrib.sites is not installed, so allauth offers every client
    of the store's schema, which is the store's alone. Audited, without the secret.
    """
    provider, client_id, secret = str(provider), client_id.strip(), secret.strip()
    if provider not in SocialProvider.values:
        raise SocialLoginInvalid(
            "Choose Google or Facebook.", fields={"provider": ["Choose Google or Facebook."]}
        )
    with transaction.atomic():
        apps = list(SocialApp.objects.select_for_update().filter(provider=provider).order_by("pk"))
        app = apps[0] if apps else SocialApp(provider=provider)
        fields: dict[str, list[str]] = {}
        if not client_id:
            fields["client_id"] = ["Enter the client ID the provider gave you."]
        elif len(client_id) > SOCIAL_CLIENT_ID_MAX_LENGTH or any(c.isspace() for c in client_id):
            fields["client_id"] = [
                f"A client ID is one word of at most {SOCIAL_CLIENT_ID_MAX_LENGTH} characters."
            ]
        if not secret and not app.secret:
            fields["secret"] = ["Enter the client secret the provider gave you."]
        elif len(secret) > SOCIAL_SECRET_MAX_LENGTH:
            fields["secret"] = [f"A secret has at most {SOCIAL_SECRET_MAX_LENGTH} characters."]
        if fields:
            raise SocialLoginInvalid("Check the client's details.", fields=fields)
        app.name = SocialProvider(provider).label
        app.client_id = client_id
        if secret:
            app.secret = secret
        app.save()
        for duplicate in apps[1:]:
            duplicate.delete()
        if by is not None:
            _record(
                action="social_login.configured",
                by=by,
                provider=provider,
                secret_changed=bool(secret),
            )
    return app


def remove_social_login(*, provider: str, by: User | None = None) -> None:
    """Stop offering sign-in with ``provider``: its OAuth client is deleted (tokens issued to
    it lose their link; shoppers' linked accounts stay, for the day it comes back).
    Idempotent. Audited."""
    with transaction.atomic():
        removed, _ = SocialApp.objects.filter(provider=str(provider)).delete()
        if removed and by is not None:
            _record(action="social_login.removed", by=by, provider=str(provider))
