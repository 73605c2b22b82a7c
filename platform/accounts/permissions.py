"""The one permission layer: who may do what, for the API, the Django admin and Wagtail.

Every signed-in person has a set of *roles*; each role grants a documented set of permission
names. Permission names follow Django's ``<app>.<codename>`` form, so the same answer serves
``user.has_perm()`` (the Django admin and Wagtail ask through :class:`RolePermissionBackend`) and
the API (views declare what they need and :class:`accounts.api.permissions.RequiresPermission`
asks :func:`has_permission`). Grants may use ``*`` wildcards within an app (``catalog.*``);
"read anything" is never a wildcard but the explicit list :data:`SUPPORT_READABLE_MODELS`, so
that a model holding secrets is readable by no one who was not meant to read it.

Roles and their permission sets:

================  ======================================================================
role              grants
================  ======================================================================
customer          own account: profile, address book, password, two-factor, deletion,
                  wishlists (MANAGE_OWN_ACCOUNT)
company_buyer     customer + see the company, place orders for it
company_approver  customer + see the company, approve its orders
company_admin     buyer + approver + manage the company's members and API keys
owner             everything in the store (users, staff, API keys, security policy)
catalog_manager   catalog, storefront pages, images and documents; taxes (read); B2B price
                  lists; the store admin
order_manager     orders, shipping (read), payments (read), taxes (read), customers and companies
                  (read, export, resend a verification email), carts (read)
support           read-only: the business models of SUPPORT_READABLE_MODELS; the store admin
platform_admin    public schema only: everything on the platform (never in a store)
================  ======================================================================

The store admin's screens (CONTRIBUTING.md, "Store admin screens") ask for these:

=========================  ==========================================  ========================
screen or action           permission                                  roles
=========================  ==========================================  ========================
customers, companies       VIEW_CUSTOMERS (accounts.view_user)         owner, order_manager,
(list, detail)                                                         support
export customers as CSV    EXPORT_CUSTOMERS                            owner, order_manager
companies: approve,        MANAGE_COMPANIES (b2b.manage_companies)     owner, order_manager
reject, terms, credit,
spending limits, locations
(/api/v1/b2b/companies/)
orders (list, detail,      VIEW_ORDERS (orders.view_order)             owner, order_manager,
/api/v1/orders/)                                                       support
order actions (fulfil,     MANAGE_ORDERS (orders.change_order)         owner, order_manager
cancel, notes, mark paid,
refunds)
export orders as CSV       EXPORT_ORDERS (orders.export_orders)        owner, order_manager
resend verification email  RESEND_VERIFICATION                         owner, order_manager
deactivate, reactivate     DEACTIVATE_CUSTOMERS                        owner
erase on request (GDPR)    ERASE_CUSTOMERS                             owner
store details              CHANGE_STORE_DETAILS                        owner
(and its currency; API:
/api/v1/store/currency/)
notifications (Settings >  CHANGE_STORE_DETAILS                        owner
Notifications: where new-
order and quote emails go;
API: /api/v1/orders/
notifications/)
staff                      MANAGE_STAFF                                owner
security (two-factor)      CHANGE_STORE_SECURITY                       owner
API keys                   ADD_API_KEYS, REVOKE_API_KEYS               owner
social login (OAuth)       CONFIGURE_SOCIAL_LOGIN                      owner
search synonyms            search.view_synonym (list),                 owner, catalog_manager;
                           search.add/change/delete_synonym            support reads
carts (list, detail,       VIEW_CARTS (cart.view_cart)                 owner, order_manager
a customer's cart panel)
custom domains, billing    tenants.api.permissions                     owner
taxes: settings, classes,  VIEW_TAXES (taxes.view_taxsettings) to      owner, catalog_manager,
rates (Settings > Taxes,   read; MANAGE_TAXES (taxes.manage_taxes)     order_manager, support
/api/v1/taxes/)            to change                                   read; owner changes
shipping zones, delivery   VIEW_SHIPPING (list), MANAGE_SHIPPING       owner; order_manager and
options and rates          (add, change, delete)                       support read
payment methods (Settings  VIEW_PAYMENTS (payments.view_              owner; order_manager and
> Payments, /api/v1/       paymentmethodsettings) to read;             support read
payments/methods/)         MANAGE_PAYMENTS (payments.manage_payments)
                           to change
an order's payments       VIEW_ORDER_PAYMENTS (payments.view_         owner, order_manager,
(/api/v1/orders/<id>/      payment)                                    support
payments/)
COD: mark paid, refund     MANAGE_ORDER_PAYMENTS (orders.              owner, order_manager
(.../payments/<id>/        record_payment)
mark-paid/, refunds/)
B2B price lists, customer  VIEW_PRICE_LISTS (b2b.view_pricelist) to    owner, catalog_manager;
groups, volume breaks      read; MANAGE_PRICE_LISTS (b2b.manage_       support reads
(Customers > Price lists,  pricelists) to change
/api/v1/b2b/price-lists/)
B2B invoices (list,        VIEW_INVOICES (b2b.view_invoice)            owner, order_manager,
detail, PDF, statements)                                               support
record an invoice payment  MANAGE_ORDER_PAYMENTS (as COD's mark paid)  owner, order_manager
B2B quotes (list, detail)  VIEW_QUOTES (b2b.view_quote)                owner, order_manager,
                                                                       support
answer or decline a quote  MANAGE_QUOTES (b2b.change_quote)            owner, order_manager
=========================  ==========================================  ========================

Support only reads, so it exports nothing in bulk and changes no account; an order manager
helps customers (a new verification email) but does not lock or erase them, which is the
owner's call as the controller of the store's personal data. A catalog manager sees no
customer.

API keys are not people and hold no role: a key reaches only endpoints that list one of its
scopes for its kind (the store's keys, or a company's keys: accounts.api.permissions).

No role reads a secret in any admin, the owner's ``*`` included: the models that hold secrets
(sign-in tokens, TOTP authenticators, OAuth tokens, email confirmation keys, invitations) are
not in the admin at all, and API keys show no digest (accounts.admin).

Staff lose every staff permission while their store requires two-factor authentication and
they have not enrolled (they keep their own account, so that they can enrol).
"""

from collections.abc import Iterable
from fnmatch import fnmatchcase

from django.db import connection

from accounts.models import CompanyMembership, StoreSecurity, User

MANAGE_OWN_ACCOUNT = "accounts.manage_own_account"
VIEW_COMPANY = "b2b.view_company"
PLACE_COMPANY_ORDERS = "b2b.place_orders"
APPROVE_COMPANY_ORDERS = "b2b.approve_orders"
MANAGE_COMPANY = "b2b.manage_company"
# The store's side of B2B companies: approve or reject applications, set terms, credit limits,
# members' spending limits and locations (owner, order managers; support reads them through
# VIEW_CUSTOMERS).
MANAGE_COMPANIES = "b2b.manage_companies"
VIEW_API_KEYS = "accounts.view_apikey"
ADD_API_KEYS = "accounts.add_apikey"
REVOKE_API_KEYS = "accounts.delete_apikey"
VIEW_STORE_SECURITY = "accounts.view_storesecurity"
CHANGE_STORE_SECURITY = "accounts.change_storesecurity"
ACCESS_STORE_ADMIN = "wagtailadmin.access_admin"
VIEW_CUSTOMERS = "accounts.view_user"
EXPORT_CUSTOMERS = "accounts.export_customers"
RESEND_VERIFICATION = "accounts.resend_verification"
DEACTIVATE_CUSTOMERS = "accounts.deactivate_customer"
ERASE_CUSTOMERS = "accounts.erase_customer"
# Orders in the store admin and the staff API: support reads, owner and order managers act.
VIEW_ORDERS = "orders.view_order"
MANAGE_ORDERS = "orders.change_order"
EXPORT_ORDERS = "orders.export_orders"
MANAGE_STAFF = "accounts.manage_staff"
CHANGE_STORE_DETAILS = "tenants.change_store_details"
# Tax classes, rates and settings (taxes): the owner manages them, other staff read them.
VIEW_TAXES = "taxes.view_taxsettings"
MANAGE_TAXES = "taxes.manage_taxes"
# The store's OAuth clients (Google, Facebook): the owner's, as the secrets are theirs.
CONFIGURE_SOCIAL_LOGIN = "socialaccount.change_socialapp"
# Shipping zones, delivery options and their rates: store configuration, the owner's; order
# managers and support read them (to answer a shopper's delivery question).
VIEW_SHIPPING = "shipping.view_shippingzone"
MANAGE_SHIPPING = "shipping.manage"
# Shoppers' carts, read-only in the store admin (a cart's token, a credential, is never shown;
# support reads orders but not carts, which are not in SUPPORT_READABLE_MODELS).
VIEW_CARTS = "cart.view_cart"
# Payment methods (which the store offers, cash on delivery's fee and maximum): the owner's;
# order managers and support read them. Provider credentials (issue 15) are readable by no one.
VIEW_PAYMENTS = "payments.view_paymentmethodsettings"
MANAGE_PAYMENTS = "payments.manage_payments"
# An order's payments: staff who see orders read them. Recording what was received (COD paid
# on delivery) and refunds is order management (order managers hold it through "orders.*"),
# not a change of the payments' configuration (payments.* beyond reading stays the owner's).
VIEW_ORDER_PAYMENTS = "payments.view_payment"
MANAGE_ORDER_PAYMENTS = "orders.record_payment"
# B2B price lists, their entries, customer groups and volume breaks (b2b.pricing): catalog
# managers and the owner manage them, support reads them.
VIEW_PRICE_LISTS = "b2b.view_pricelist"
MANAGE_PRICE_LISTS = "b2b.manage_pricelists"
# B2B invoices and quotes (b2b.invoicing, b2b.quotes): staff who handle orders read and answer
# them, support reads; a company's members (VIEW_COMPANY) see their own company's only.
VIEW_INVOICES = "b2b.view_invoice"
VIEW_QUOTES = "b2b.view_quote"
MANAGE_QUOTES = "b2b.change_quote"

CUSTOMER = "customer"
COMPANY_ROLES = {
    CompanyMembership.Role.BUYER: "company_buyer",
    CompanyMembership.Role.APPROVER: "company_approver",
    CompanyMembership.Role.ADMIN: "company_admin",
}
PLATFORM_ADMIN = "platform_admin"

_CUSTOMER_GRANTS = frozenset({MANAGE_OWN_ACCOUNT})

# What support may read: the store's business data, model by model. A model is added here
# when it holds nothing secret (no token, key, digest, password or one-time code).
SUPPORT_READABLE_MODELS = (
    "accounts.user",
    "accounts.address",
    "accounts.company",
    "accounts.companymembership",
    "accounts.apikey",  # name, scopes, dates: never the digest
    "accounts.storesecurity",
    "catalog.category",
    "catalog.brand",
    "catalog.attribute",
    "catalog.attributeoption",
    "catalog.producttype",
    "catalog.product",
    "catalog.productvariant",
    "catalog.attributevalue",
    "catalog.productimage",
    "catalog.stockadjustment",
    "catalog.importjob",
    "search.synonym",
    "search.searchterm",
    "storefront_cms.homepage",
    "storefront_cms.contentpage",
    "storefront_cms.themesettings",
    "wagtailcore.page",
    "wagtailimages.image",
    "wagtaildocs.document",
    "wagtailredirects.redirect",
    "taggit.tag",
    "orders.order",
    "taxes.taxclass",
    "taxes.taxrate",
    "b2b.pricelist",
    "taxes.taxsettings",
    "taxes.producttaxclass",
    "shipping.shippingzone",
    "shipping.deliveryoption",
    "shipping.deliveryrateband",
    "payments.payment",
    "payments.paymentevent",
    "payments.paymentmethodsettings",
    "b2b.invoice",
    "b2b.quote",
)


def _view_permission(model: str) -> str:
    app_label, model_name = model.split(".")
    return f"{app_label}.view_{model_name}"


ROLE_GRANTS: dict[str, frozenset[str]] = {
    CUSTOMER: _CUSTOMER_GRANTS,
    "company_buyer": _CUSTOMER_GRANTS | {VIEW_COMPANY, PLACE_COMPANY_ORDERS},
    "company_approver": _CUSTOMER_GRANTS | {VIEW_COMPANY, APPROVE_COMPANY_ORDERS},
    "company_admin": _CUSTOMER_GRANTS
    | {VIEW_COMPANY, PLACE_COMPANY_ORDERS, APPROVE_COMPANY_ORDERS, MANAGE_COMPANY},
    User.StaffRole.OWNER: frozenset({"*"}),
    User.StaffRole.CATALOG_MANAGER: _CUSTOMER_GRANTS
    | {
        ACCESS_STORE_ADMIN,
        "catalog.*",
        "storefront_cms.*",
        "wagtailcore.*",
        "wagtailimages.*",
        "wagtaildocs.*",
        "search.*",
        "taxes.view_*",
        VIEW_PRICE_LISTS,
        MANAGE_PRICE_LISTS,
    },
    User.StaffRole.ORDER_MANAGER: _CUSTOMER_GRANTS
    | {
        ACCESS_STORE_ADMIN,
        "orders.*",
        "shipping.view_*",
        "payments.view_*",
        "taxes.view_*",
        "accounts.view_user",
        "accounts.view_address",
        "accounts.view_company",
        "accounts.view_companymembership",
        MANAGE_COMPANIES,
        EXPORT_CUSTOMERS,
        RESEND_VERIFICATION,
        VIEW_CARTS,
        VIEW_INVOICES,
        VIEW_QUOTES,
        MANAGE_QUOTES,
    },
    User.StaffRole.SUPPORT: _CUSTOMER_GRANTS
    | {ACCESS_STORE_ADMIN}
    | {_view_permission(model) for model in SUPPORT_READABLE_MODELS},
    PLATFORM_ADMIN: frozenset({"*"}),
}

STAFF_ROLES = frozenset(User.StaffRole.values)

# Wagtail decides who may edit pages, images and documents by group (GroupPagePermission,
# GroupCollectionPermission), not through ``user.has_perm``. So each staff role's Wagtail rights
# are declared here too, on the whole site, and accounts.services projects every staff member
# onto their role's group. The owner is a superuser; support only reads (admin access).
WAGTAIL_PAGE_GRANTS: dict[str, tuple[str, ...]] = {
    User.StaffRole.CATALOG_MANAGER: (
        "wagtailcore.add_page",
        "wagtailcore.change_page",
        "wagtailcore.publish_page",
        "wagtailcore.lock_page",
        "wagtailcore.unlock_page",
    ),
}
WAGTAIL_COLLECTION_GRANTS: dict[str, tuple[str, ...]] = {
    User.StaffRole.CATALOG_MANAGER: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ),
}


def roles_of(user) -> frozenset[str]:
    """The roles of ``user`` in the current schema (empty for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if connection.schema_name == "public":
        return frozenset({PLATFORM_ADMIN}) if user.is_superuser else frozenset()
    roles = {CUSTOMER}
    if user.staff_role:
        roles.add(user.staff_role)
    membership = _membership(user)
    if membership is not None:
        roles.add(COMPANY_ROLES[membership.role])
    return frozenset(roles)


def grants_of(user, *, ignoring_mfa: bool = False) -> frozenset[str]:
    """Every permission pattern granted to ``user`` by its roles, today."""
    roles = roles_of(user)
    if roles & STAFF_ROLES and not ignoring_mfa and staff_mfa_missing(user):
        roles = roles - STAFF_ROLES
    grants: set[str] = set()
    for role in roles:
        grants |= ROLE_GRANTS[role]
    return frozenset(grants)


def has_permission(user, permission: str) -> bool:
    """Whether ``user`` holds ``permission`` (``app.codename``) in the current schema."""
    return _granted(permission, grants_of(user))


def has_permission_once_enrolled(user, permission: str) -> bool:
    """Whether ``user`` is refused ``permission`` only for want of two-factor enrolment."""
    return staff_mfa_missing(user) and _granted(permission, grants_of(user, ignoring_mfa=True))


def staff_mfa_missing(user) -> bool:
    """Staff of a store that requires two-factor (or any platform admin) without TOTP."""
    from allauth.mfa.models import Authenticator

    # Cached on the user object, as the membership is: one page asks for dozens of permissions
    # (the admin's menu alone). A user object lives for one request, and the requests that
    # enrol or change the store's policy answer with a redirect, so the next one asks again.
    cached = getattr(user, "_mercato_staff_mfa_missing", None)
    if cached is not None and cached[0] == connection.schema_name:
        return cached[1]
    if connection.schema_name == "public":
        required = user.is_staff or user.is_superuser
    else:
        required = bool(user.staff_role) and _store_requires_staff_mfa()
    missing = required and not (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )
    user._mercato_staff_mfa_missing = (connection.schema_name, missing)
    return missing


def company_of(user):
    """The company ``user`` acts for, or None."""
    membership = _membership(user)
    return membership.company if membership is not None else None


def buying_company_of(user):
    """The company ``user`` buys for as a business: their company once the store approved it
    (a pending or rejected company's members buy as consumers), else None."""
    company = company_of(user)
    if company is None or company.status != company.Status.APPROVED:
        return None
    return company


def _granted(permission: str, grants: Iterable[str]) -> bool:
    return any(fnmatchcase(permission, grant) for grant in grants)


def _membership(user) -> CompanyMembership | None:
    # Cached on the user object: a request asks several times.
    if not hasattr(user, "_mercato_membership"):
        user._mercato_membership = (
            CompanyMembership.objects.select_related("company").filter(user=user).first()
        )
    return user._mercato_membership


def _store_requires_staff_mfa() -> bool:
    return StoreSecurity.objects.filter(require_staff_mfa=True).exists()


class RolePermissionBackend:
    """Answers ``user.has_perm()`` (Django admin, Wagtail) from the same role grants."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return has_permission(user_obj, perm)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(
            grant == "*" or grant.split(".", 1)[0] in {app_label, "*"}
            for grant in grants_of(user_obj)
        )
