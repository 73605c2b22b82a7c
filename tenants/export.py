"""The store export: what a merchant needs to take their store elsewhere, and nothing secret.

The export is an explicit allow-list (:data:`EXPORTED_FIELDS`): a model or a field is exported
only once it is listed here, so a secret added later (a token, a key digest, a one-time code)
stays out by default. Every model of a store's schema is either listed there or in
:data:`NOT_EXPORTED` with the reason, which a test checks, so that a new model is a decision
rather than an accident.
"""

from django.apps import apps
from django.core import serializers
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Tenant

# model label -> the fields exported (the primary key always is, as "pk"). Secrets never.
EXPORTED_FIELDS: dict[str, tuple[str, ...]] = {
    # People: who they are, never how they sign in (no password hash, no last session).
    "accounts.user": (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "staff_role",
        "phone",
        "accepts_cart_reminders",
        "date_joined",
        "last_login",
        "erased_at",
    ),
    "accounts.address": (
        "user",
        "full_name",
        "company_name",
        "line1",
        "line2",
        "city",
        "region",
        "postal_code",
        "country",
        "phone",
        "is_default_shipping",
        "is_default_billing",
        "created_at",
    ),
    "accounts.company": ("name", "vat_number", "created_at"),
    "accounts.companymembership": ("company", "user", "role", "created_at"),
    # Which keys exist and what they may do; neither the digest nor the key's prefix.
    "accounts.apikey": (
        "name",
        "scopes",
        "company",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ),
    "accounts.storesecurity": ("require_staff_mfa", "updated_at"),
    "account.emailaddress": ("user", "email", "verified", "primary"),
    # Which provider a shopper signs in with; not the provider's profile payload.
    "socialaccount.socialaccount": ("user", "provider", "uid", "date_joined", "last_login"),
    "auth.group": ("name",),
    # The catalog, as the merchant entered it (derived listings and search columns left out).
    "catalog.category": (
        "path",
        "depth",
        "name",
        "slug",
        "description",
        "is_active",
        "seo_title",
        "seo_description",
        "image",
        "updated_at",
    ),
    "catalog.brand": ("name", "slug", "description", "updated_at"),
    "catalog.attribute": ("code", "name", "type", "unit", "is_filterable"),
    "catalog.attributeoption": ("attribute", "value", "slug", "position"),
    "catalog.producttype": ("name", "slug", "product_attributes", "variant_attributes"),
    "catalog.product": (
        "name",
        "slug",
        "description",
        "product_type",
        "brand",
        "categories",
        "status",
        "visible_b2c",
        "visible_b2b",
        "seo_title",
        "seo_description",
        "created_at",
        "updated_at",
    ),
    "catalog.productvariant": (
        "product",
        "sku",
        "name",
        "options",
        "price",
        "b2b_price",
        "compare_at_price",
        "cost_price",
        "weight_grams",
        "barcode",
        "stock_on_hand",
        "stock_reserved",
        "stock_policy",
        "low_stock_threshold",
        "quantity_min",
        "quantity_max",
        "quantity_step",
        "position",
        "updated_at",
    ),
    "catalog.attributevalue": ("attribute", "product", "variant", "text", "number", "boolean"),
    "catalog.productimage": (
        "product",
        "variant",
        "image",
        "width",
        "height",
        "alt_text",
        "position",
        "created_at",
    ),
    "catalog.stockadjustment": (
        "variant",
        "delta",
        "stock_after",
        "reason",
        "note",
        "actor",
        "created_at",
    ),
    "catalog.importjob": (
        "format",
        "dry_run",
        "status",
        "total_rows",
        "products_created",
        "products_updated",
        "variants_created",
        "variants_updated",
        "errors",
        "created_by",
        "created_at",
        "finished_at",
    ),
    "search.synonym": ("terms",),
    # Taxes: the store's classes, rates and settings; a product's class by its product's pk.
    "taxes.taxclass": ("name", "is_default", "is_exempt", "created_at"),
    "taxes.taxrate": ("tax_class", "country", "region", "rate", "name"),
    "taxes.producttaxclass": ("tax_class",),
    "taxes.taxsettings": (
        "prices_entered_with_tax",
        "rounding",
        "charge_tax_on_shipping",
        "shipping_tax_class",
        "display_prices_with_tax",
        "updated_at",
    ),
    # Where the store delivers and what it costs (shipping).
    "shipping.shippingzone": (
        "name",
        "countries",
        "rest_of_world",
        "regions",
        "postcodes",
        "position",
        "is_active",
        "created_at",
        "updated_at",
    ),
    "shipping.deliveryoption": (
        "zone",
        "name",
        "kind",
        "price",
        "free_above",
        "min_delivery_days",
        "max_delivery_days",
        "allows_cash_on_delivery",
        "position",
        "is_active",
        "created_at",
        "updated_at",
    ),
    "shipping.deliveryrateband": ("option", "from_value", "to_value", "price"),
    # Shoppers' wishlists: never the share token (a read link is a credential; the list's
    # owner shares it again from the new store).
    "wishlists.wishlist": (
        "user",
        "name",
        "is_default",
        "notify_price_drop",
        "notify_back_in_stock",
        "created_at",
        "updated_at",
    ),
    "wishlists.wishlistitem": (
        "wishlist",
        "variant",
        "added_at",
        "price_when_added",
        "last_notified_price",
        "was_available",
    ),
    # Storefront content.
    "wagtailcore.page": (
        "path",
        "depth",
        "title",
        "slug",
        "url_path",
        "live",
        "first_published_at",
        "last_published_at",
        "seo_title",
        "search_description",
        "show_in_menus",
    ),
    "storefront_cms.homepage": ("body",),
    "storefront_cms.contentpage": ("body",),
    "storefront_cms.themesettings": (
        "site",
        "logo",
        "primary_color",
        "accent_color",
        "font",
        "announcement_text",
        "announcement_link",
        "header_menu",
        "footer_menu",
        "instagram_url",
        "facebook_url",
        "x_url",
        "tiktok_url",
        "youtube_url",
        "pinterest_url",
    ),
    "wagtailcore.site": ("hostname", "port", "site_name", "root_page", "is_default_site"),
    "wagtailforms.formsubmission": ("page", "form_data", "submit_time"),
    "wagtailredirects.redirect": (
        "old_path",
        "site",
        "is_permanent",
        "redirect_page",
        "redirect_link",
        "created_at",
    ),
    # Carts without their token (a bearer secret: whoever holds it changes the cart).
    "cart.cart": (
        "user",
        "status",
        "created_at",
        "updated_at",
        "abandoned_at",
        "reminder_sent_at",
        "email",
    ),
    "cart.cartline": (
        "cart",
        "variant",
        "quantity",
        "unit_price_at_add",
        "sku_at_add",
        "name_at_add",
        "created_at",
        "updated_at",
    ),
    # Checkouts without their token (a bearer secret, as the cart's).
    "checkout.checkout": (
        "cart",
        "user",
        "email",
        "shipping_address",
        "billing_address",
        "billing_same_as_shipping",
        "delivery_option",
        "payment_method",
        "note",
        "created_at",
        "updated_at",
    ),
    # Orders without their checkout token (the checkout's bearer secret).
    "orders.order": (
        "number",
        "status",
        "payment_status",
        "fulfilment_status",
        "channel",
        "user",
        "company",
        "email",
        "shipping_address",
        "billing_address",
        "delivery_option_id",
        "delivery_option_name",
        "delivery_option_data",
        "currency",
        "subtotal",
        "discount",
        "shipping",
        "shipping_tax",
        "tax",
        "total",
        "tax_rates",
        "amount_paid",
        "amount_refunded",
        "payment_method",
        "prices_include_tax",
        "note",
        "placed_at",
        "updated_at",
        "anonymised_at",
    ),
    "orders.orderline": (
        "order",
        "variant",
        "sku",
        "product_name",
        "variant_label",
        "quantity",
        "unit_price",
        "net",
        "tax",
        "gross",
        "tax_rate",
        "weight_grams",
        "quantity_fulfilled",
        "quantity_reserved",
    ),
    "orders.orderevent": (
        "order",
        "kind",
        "from_status",
        "to_status",
        "actor",
        "note",
        "data",
        "created_at",
    ),
    "orders.fulfilment": (
        "order",
        "carrier",
        "tracking_number",
        "shipped_at",
        "delivered_at",
        "actor",
    ),
    "orders.fulfilmentline": ("fulfilment", "order_line", "quantity"),
    "orders.ordersettings": ("notify_staff_email",),
    # Payments without their token (used in the shopper's return links).
    "payments.payment": (
        "order",
        "method",
        "state",
        "currency",
        "amount",
        "captured_amount",
        "refunded_amount",
        "provider_reference",
        "flags",
        "message",
        "created_at",
        "updated_at",
    ),
    "payments.refund": (
        "payment",
        "amount",
        "currency",
        "state",
        "source",
        "provider_reference",
        "moved_money",
        "actor",
        "note",
        "data",
        "created_at",
    ),
    "payments.paymentevent": (
        "payment",
        "kind",
        "from_state",
        "to_state",
        "amount",
        "actor",
        "note",
        "data",
        "created_at",
    ),
    "payments.paymentmethodsettings": (
        "enabled_methods",
        "cod_fee",
        "cod_max_order_value",
        "cod_instructions",
        "updated_at",
    ),
    "wagtailimages.image": ("title", "file", "description", "width", "height", "created_at"),
    "wagtaildocs.document": ("title", "file", "created_at"),
    "taggit.tag": ("name", "slug"),
}

# model label -> why it is not exported.
_CREDENTIAL = "secret or credential"
_DERIVED = "derived from exported data, rebuilt by the platform"
_INTERNAL = "the platform's or the editor's own bookkeeping"
NOT_EXPORTED: dict[str, str] = {
    "sessions.session": _CREDENTIAL,
    "accounts.authtoken": _CREDENTIAL,  # sign-in tokens (their digests)
    "accounts.companyinvitation": _CREDENTIAL,  # invitation secrets (their digests)
    "mfa.authenticator": _CREDENTIAL,  # TOTP secrets, recovery codes, security keys
    "account.emailconfirmation": _CREDENTIAL,
    "socialaccount.socialapp": _CREDENTIAL,  # the store's OAuth client secret
    "socialaccount.socialtoken": _CREDENTIAL,
    "wagtailcore.apitoken": _CREDENTIAL,
    "payments.provideraccount": _CREDENTIAL,  # the store's payment provider credentials
    "wagtailcore.pageviewrestriction": _CREDENTIAL,  # page passwords
    "wagtailcore.collectionviewrestriction": _CREDENTIAL,
    "contenttypes.contenttype": _INTERNAL,
    "auth.permission": _INTERNAL,
    "admin.logentry": _INTERNAL,
    "search.productdocument": _DERIVED,
    "payments.providerevent": _INTERNAL,  # webhooks processed once (raw provider bodies)
    "search.searchterm": _DERIVED,
    "wishlists.wishlistemail": _INTERNAL,  # which alert emails went out (once a day)
    "wagtailimages.rendition": _DERIVED,
    "wagtailsearch.indexentry": _DERIVED,
    "wagtailembeds.embed": _DERIVED,
    "wagtailcore.referenceindex": _DERIVED,
    "wagtailusers.userprofile": _INTERNAL,
    "wagtailadmin.admin": _INTERNAL,
    "wagtailadmin.editingsession": _INTERNAL,
    "wagtailadmin.formstate": _INTERNAL,
    "wagtailcore.locale": _INTERNAL,
    "wagtailcore.groupsitepermission": _INTERNAL,
    "wagtailcore.groupcollectionpermission": _INTERNAL,
    "wagtailcore.grouppagepermission": _INTERNAL,
    "wagtailcore.collection": _INTERNAL,
    "wagtailcore.uploadedfile": _INTERNAL,
    "wagtailcore.modellogentry": _INTERNAL,
    "wagtailcore.pagelogentry": _INTERNAL,
    "wagtailcore.revision": _INTERNAL,
    "wagtailcore.workflow": _INTERNAL,
    "wagtailcore.workflowcontenttype": _INTERNAL,
    "wagtailcore.workflowstate": _INTERNAL,
    "wagtailcore.workflowtask": _INTERNAL,
    "wagtailcore.workflowpage": _INTERNAL,
    "wagtailcore.task": _INTERNAL,
    "wagtailcore.groupapprovaltask": _INTERNAL,
    "wagtailcore.taskstate": _INTERNAL,
    "wagtailcore.comment": _INTERNAL,
    "wagtailcore.commentreply": _INTERNAL,
    "wagtailcore.pagesubscription": _INTERNAL,
    "taggit.taggeditem": _INTERNAL,
    "orders.stockreservation": _INTERNAL,  # stock held for checkouts, keyed by their tokens
    "orders.ordernumbercounter": _DERIVED,  # the last order number (the orders' maximum)
    "orders.orderemail": _INTERNAL,  # which order emails were sent (sending them once)
    # API answers kept 24 hours to replay to retries (they may hold what callers sent).
    "idempotency.idempotencykey": "operational: answers kept for a day for API retries",
}


# The store's own details (tenants.services.update_store_details), exported with its data.
STORE_DETAIL_FIELDS = (
    "contact_email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "weight_unit",
    "time_zone",
    "currency",
    "abandoned_cart_hours",
)


def export_store_data(*, tenant: Tenant) -> dict:
    """Everything a merchant needs of their store, as JSON-ready data: records per model.

    Guarantees: only the fields of :data:`EXPORTED_FIELDS` are read, so no secret (password
    hash, token, key or its digest, MFA secret, session, confirmation key, OAuth secret) is in
    it. Reads the store's schema only; writes nothing.
    """
    data: dict[str, list] = {}
    with schema_context(tenant.schema_name):
        for label, fields in EXPORTED_FIELDS.items():
            model = apps.get_model(label)
            rows = serializers.serialize(
                "python", model._default_manager.order_by("pk"), fields=fields
            )
            if rows:
                data[label] = [{"pk": row["pk"], **row["fields"]} for row in rows]
    return {
        "store": {
            "name": tenant.name,
            "slug": tenant.slug,
            **{field: getattr(tenant, field) for field in STORE_DETAIL_FIELDS},
            "exported_at": timezone.now(),
        },
        "data": data,
    }
