"""What a buyer pays: the sales channel of a buyer and ``price_for``, the one pricing function.

A store sells on two channels: consumers (B2C) and businesses (B2B, with their own list
prices and products). The API, the search, the storefront, the cart and the checkout all ask
this module which channel a buyer is on and what a variant costs them, so they never disagree.

The precedence (the one rule; docs/readme/b2b-pricing.md says it for merchants)
-------------------------------------------------------------------------------

1. **B2C** buyers (anonymous visitors included) pay the variant's ``price``. Nothing else
   applies to them, and pricing them costs no query.
2. **B2B** buyers start from the variant's **base B2B price**: its ``b2b_price``, else its
   ``price``.
3. **Price lists** apply to the members and API keys of an **approved** company: the lists
   that are ``active``, within their dates (``valid_from`` <= now < ``valid_until``, an empty
   end is open), in the currency asked (the store's), and assigned to the company itself or
   to one of its customer groups.
4. Of their entries matching the variant, **the most specific target wins**: variant >
   product > category (any category of the product, or an ancestor of one) > brand. Among the
   entries of that specificity (from several lists, or several categories) **the lowest
   price wins**. A fixed entry's price is its value; a percentage entry takes that percentage
   off the base B2B price. The result is rounded to the currency (``money.quantize``).
5. A price list **never raises** a price: the list price is at most the base B2B price.
6. **Volume breaks** apply on top, for the quantity of one line: of the variant's breaks
   that need at most that quantity (breaks of no list, which apply to every B2B buyer, and
   breaks of the buyer's lists), the lowest unit price is paid when it is lower than the list
   price. A break starts at 2 units, so a quantity of 1 never looks at breaks.
7. The price shown **struck through** is the variant's ``compare_at_price`` when above what is
   paid, else the B2C price when what is paid is lower.

Quantity rules (:func:`quantity_rule_for`): the entry that wins the price (rule 4) may add a
minimum order quantity and an order multiple to the variant's own ``quantity_min`` /
``quantity_step`` / ``quantity_max``: the minimum is the larger of the two, rounded up to the
multiple; the step is the least common multiple of the variant's step and the multiple.

Prices are amounts as the store enters them (with or without tax, ``TaxSettings``): the cart
and the checkout tax them. B2B pages show them net of tax (:func:`display_net`).

Cost: :func:`prices_for` prices any number of variants in a constant number of queries (none
for B2C; for a company with price lists: its lists once per buyer object, one query for the
entries, one for the volume breaks when a quantity is above 1). :func:`price_scope` names what
an answer's prices depend on, so that cached answers are never shared between buyers who
would see different prices.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

import money

HUNDRED = Decimal(100)


class Channel(models.TextChoices):
    B2C = "b2c", "Consumers (B2C)"
    B2B = "b2b", "Businesses (B2B)"


def channel_for(*, user, auth=None) -> Channel:
    """B2B for a member of an approved company and for an API key (an approved company's or
    the store's own integration), B2C for everyone else: anonymous visitors, and the members
    and keys of a company that is pending or rejected."""
    from accounts.models import ApiKey
    from accounts.permissions import buying_company_of

    if isinstance(auth, ApiKey):
        return Channel.B2B if _key_company(auth) is not False else Channel.B2C
    if user is not None and user.is_authenticated and buying_company_of(user) is not None:
        return Channel.B2B
    return Channel.B2C


@dataclass(frozen=True)
class Buyer:
    """Who is buying: the channel, and the person and company behind it when known.

    ``memo`` holds what pricing loaded for this buyer (its price lists), so that a request
    that prices several times asks the database once; a buyer lives as long as a request."""

    channel: Channel = Channel.B2C
    user: object = None
    company: object = None
    api_key: object = None
    memo: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    @classmethod
    def anonymous(cls) -> Buyer:
        return cls()


def buyer_for(*, user, auth=None) -> Buyer:
    """The buyer behind a request (``request.user`` and, for the API, ``request.auth``)."""
    from accounts.models import ApiKey
    from accounts.permissions import buying_company_of

    person = user if user is not None and user.is_authenticated else None
    api_key = auth if isinstance(auth, ApiKey) else None
    company = buying_company_of(person) if person is not None else None
    if company is None and api_key is not None:
        company = _key_company(api_key) or None
    return Buyer(
        channel=channel_for(user=user, auth=auth), user=person, company=company, api_key=api_key
    )


def _key_company(api_key):
    """An API key's company when approved, None for the store's own key, False for a key of
    a company that is not (or no longer) approved."""
    if api_key.company_id is None:
        return None
    company = api_key.company
    return company if company.status == company.Status.APPROVED else False


@dataclass(frozen=True)
class Price:
    """What one unit of a variant costs a buyer, in the store's currency.

    ``compare_at`` is the price shown struck through beside it (None when there is none).
    """

    amount: Decimal
    currency: str
    compare_at: Decimal | None = None

    @property
    def is_discounted(self) -> bool:
        return self.compare_at is not None and self.compare_at > self.amount

    def __str__(self) -> str:
        return money.format_money(self.amount, self.currency)


@dataclass(frozen=True)
class QuantityRule:
    """How many of a variant one cart line may hold for a buyer: at least ``minimum``, in
    steps of ``step`` counted from it, at most ``maximum`` (None: no limit but the stock)."""

    minimum: int = 1
    step: int = 1
    maximum: int | None = None

    @classmethod
    def of_variant(cls, variant) -> QuantityRule:
        return cls(variant.quantity_min, variant.quantity_step, variant.quantity_max)

    def errors(self, quantity: int) -> list[str]:
        """Why ``quantity`` breaks this rule (empty: it does not)."""
        if quantity < self.minimum:
            return [f"At least {self.minimum} must be bought."]
        if (quantity - self.minimum) % self.step:
            examples = ", ".join(str(self.minimum + self.step * index) for index in range(3))
            return [f"Sold in steps of {self.step} from {self.minimum} ({examples}…)."]
        if self.maximum is not None and quantity > self.maximum:
            return [f"At most {self.maximum} per order."]
        return []


# Specificity of an entry's target (rule 4): the higher wins.
VARIANT, PRODUCT, CATEGORY, BRAND = 4, 3, 2, 1


@dataclass(frozen=True)
class _Entry:
    rank: int
    kind: str
    value: Decimal
    min_quantity: int | None
    order_multiple: int | None


def _channel_of(buyer) -> Channel:
    if isinstance(buyer, Buyer):
        return buyer.channel
    return Channel(buyer or Channel.B2C)


def _key(variant):
    return getattr(variant, "pk", None) or getattr(variant, "sku", None)


def price_for(
    variant,
    buyer: Buyer | Channel | None = None,
    *,
    quantity: int = 1,
    currency: str | None = None,
) -> Price:
    """The unit price ``buyer`` pays for ``variant`` when buying ``quantity`` of it on one
    line, and the price shown struck through: the precedence of this module's docstring.

    ``currency`` defaults to the active store's. Takes a ``Channel`` where no buyer is known
    (listings, search documents): a channel has no company, so no price list applies.
    Pricing many variants: :func:`prices_for` (constant queries).
    """
    key = _key(variant)
    return prices_for([variant], buyer, quantity=quantity, currency=currency)[key]


def prices_for(
    variants: Iterable,
    buyer: Buyer | Channel | None = None,
    *,
    quantity: int | Mapping[int, int] = 1,
    currency: str | None = None,
) -> dict:
    """``{variant id: Price}`` for every variant (model instances, or rows with ``pk``,
    ``product_id``, ``price``, ``b2b_price``, ``compare_at_price``; rows without a ``pk``
    are keyed by ``sku`` and get no price list), in a constant number of queries.

    ``quantity`` is one quantity for all, or ``{variant id: quantity}`` (a cart's lines).
    """
    return _prices(list(variants), buyer, quantity=quantity, currency=currency)


def _prices(variants: list, buyer, *, quantity, currency, entries=None) -> dict:
    """:func:`prices_for`, with the entries already read when ``entries`` is given."""
    channel = _channel_of(buyer)
    currency = currency or money.store_currency()
    breaks: dict[int, list[tuple[int, Decimal]]] = {}
    if channel == Channel.B2B and isinstance(buyer, Buyer):
        ids = [variant.pk for variant in variants if getattr(variant, "pk", None)]
        list_ids = price_list_ids(buyer, currency=currency)
        if entries is None:
            entries = _buyer_entries(variants, buyer, currency)
        most = max(quantity.values(), default=1) if isinstance(quantity, Mapping) else quantity
        if ids and most > 1:
            breaks = _breaks(ids, list_ids, most)
    entries = entries or {}
    prices = {}
    for variant in variants:
        key = _key(variant)
        wanted = quantity.get(key, 1) if isinstance(quantity, Mapping) else quantity
        prices[key] = _price(
            variant, channel, currency, entries.get(key, ()), breaks.get(key, ()), wanted
        )
    return prices


def _price(variant, channel, currency, entries, breaks, quantity) -> Price:
    amount = variant.price
    if channel == Channel.B2B:
        base = variant.b2b_price if variant.b2b_price is not None else variant.price
        amount = base
        winner = _winning_entries(entries)
        if winner:
            listed = min(_entry_price(entry, base, currency) for entry in winner)
            amount = min(listed, base)
        tiers = [price for needed, price in breaks if needed <= quantity]
        if tiers:
            amount = min(amount, min(tiers))
    amount = money.quantize(amount, currency)
    compare_at = variant.compare_at_price
    if compare_at is None or compare_at <= amount:
        compare_at = variant.price if variant.price > amount else None
    return Price(
        amount=amount,
        currency=currency,
        compare_at=money.quantize(compare_at, currency) if compare_at is not None else None,
    )


def _winning_entries(entries) -> list[_Entry]:
    if not entries:
        return []
    best = max(entry.rank for entry in entries)
    return [entry for entry in entries if entry.rank == best]


def _entry_price(entry: _Entry, base: Decimal, currency: str) -> Decimal:
    if entry.kind == "fixed":
        return money.quantize(entry.value, currency)
    return money.quantize(base * (HUNDRED - entry.value) / HUNDRED, currency)


def prices_and_rules_for(
    variants: Iterable,
    buyer: Buyer | Channel | None = None,
    *,
    quantity: int | Mapping[int, int] = 1,
    currency: str | None = None,
) -> tuple[dict, dict]:
    """``(prices_for(...), quantity_rules_for(...))`` of the same variants, reading the
    price-list entries once (a cart's lines, an order's lines: both are needed)."""
    variants = list(variants)
    currency = currency or money.store_currency()
    entries = _buyer_entries(variants, buyer, currency)
    prices = _prices(variants, buyer, quantity=quantity, currency=currency, entries=entries)
    return prices, _rules(variants, entries)


def _buyer_entries(variants: list, buyer, currency: str) -> dict[int, list[_Entry]]:
    """The entries of ``buyer``'s price lists matching ``variants`` (none for B2C)."""
    if _channel_of(buyer) != Channel.B2B or not isinstance(buyer, Buyer):
        return {}
    ids = [variant.pk for variant in variants if getattr(variant, "pk", None)]
    list_ids = price_list_ids(buyer, currency=currency)
    return _entries(ids, list_ids) if ids and list_ids else {}


def _rules(variants: list, entries: dict) -> dict:
    return {
        _key(variant): _combine(QuantityRule.of_variant(variant), entries.get(_key(variant)))
        for variant in variants
    }


def quantity_rule_for(variant, buyer: Buyer | Channel | None = None) -> QuantityRule:
    """What one line of ``variant`` may hold for ``buyer``: the variant's own rule, combined
    with the minimum order quantity and order multiple of the price-list entry that wins its
    price (rule 4 of this module's docstring)."""
    return quantity_rules_for([variant], buyer)[_key(variant)]


def quantity_rules_for(variants: Iterable, buyer: Buyer | Channel | None = None) -> dict:
    """``{variant id: QuantityRule}`` (see :func:`quantity_rule_for`), in constant queries."""
    variants = list(variants)
    return _rules(variants, _buyer_entries(variants, buyer, money.store_currency()))


def _combine(rule: QuantityRule, entries) -> QuantityRule:
    winner = _winning_entries(entries or ())
    if not winner:
        return rule
    minimum, step = rule.minimum, rule.step
    entry = min(winner, key=lambda item: (item.min_quantity or 0, item.order_multiple or 0))
    # Of equally specific entries, the rules are those of the one asking least of the buyer.
    if entry.min_quantity:
        minimum = max(minimum, entry.min_quantity)
    if entry.order_multiple:
        multiple = entry.order_multiple
        minimum = -(-minimum // multiple) * multiple
        step = step * multiple // math.gcd(step, multiple)
    return QuantityRule(minimum=minimum, step=step, maximum=rule.maximum)


def price_list_ids(buyer: Buyer, *, currency: str) -> tuple[int, ...]:
    """The ids of the price lists that apply to ``buyer`` now (rule 3), in id order; loaded
    once per buyer object and currency."""
    company = buyer.company
    if buyer.channel != Channel.B2B or company is None:
        return ()
    if getattr(company, "status", "approved") != "approved":
        return ()
    key = ("price_lists", currency)
    if key not in buyer.memo:
        from b2b.models import PriceList

        now = timezone.now()
        buyer.memo[key] = tuple(
            PriceList.objects.filter(active=True, currency=currency)
            .filter(models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=now))
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=now))
            .filter(
                models.Q(companies=company.pk) | models.Q(customer_groups__companies=company.pk)
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
    return buyer.memo[key]


def price_scope(buyer: Buyer | Channel | None) -> str:
    """What the prices of an answer for ``buyer`` depend on: ``"b2c"``, ``"b2b"``, or
    ``"b2b:<list ids>"`` for a company with price lists. Two buyers of one scope see the same
    prices (companies sharing a group share it), so a cached answer is keyed by it."""
    channel = _channel_of(buyer)
    if channel != Channel.B2B or not isinstance(buyer, Buyer):
        return str(channel)
    lists = price_list_ids(buyer, currency=money.store_currency())
    return "b2b:" + ",".join(map(str, lists)) if lists else "b2b"


def has_price_lists(buyer: Buyer | Channel | None) -> bool:
    """Whether ``buyer`` gets prices from price lists (then listing summaries, which hold the
    channel prices only, must be priced again with :func:`listing_prices`)."""
    return price_scope(buyer).startswith("b2b:")


def listing_prices(products: Iterable, buyer: Buyer | Channel | None) -> dict[str, Price]:
    """``{sku: Price}`` for every variant of ``products`` (catalog listings, search results,
    product pages) when ``buyer`` has price lists; empty otherwise (the listing summary's
    channel prices are then right, priced by :func:`listed_price`). Two queries at most."""
    return {
        sku: price
        for priced in _priced_products([product.pk for product in products], buyer).values()
        for sku, price in priced
    }


def price_ranges(product_ids: Iterable[int], buyer: Buyer | Channel | None) -> dict:
    """``{product id: (lowest, highest)}`` amounts of each product's variants for ``buyer``
    when it has price lists (search hits hold the channel's range); empty otherwise."""
    return {
        product_id: (min(p.amount for _, p in priced), max(p.amount for _, p in priced))
        for product_id, priced in _priced_products(list(product_ids), buyer).items()
        if priced
    }


@dataclass(frozen=True)
class _ListedRow:
    """A variant of a listed product as :data:`PRODUCT_ENTRIES_SQL` reads it."""

    pk: int
    sku: str
    product_id: int
    price: Decimal
    b2b_price: Decimal | None
    compare_at_price: Decimal | None


def _priced_products(product_ids: list[int], buyer) -> dict[int, list[tuple[str, Price]]]:
    if not product_ids or not has_price_lists(buyer):
        return {}
    currency = money.store_currency()
    list_ids = price_list_ids(buyer, currency=currency)
    # The products' variants and the entries matching them, in one statement.
    variants: dict[int, _ListedRow] = {}
    entries: dict[int, list[_Entry]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            PRODUCT_ENTRIES_SQL, {"products": list(product_ids), "lists": list(list_ids)}
        )
        for row in cursor.fetchall():
            variant_id, rank, kind, value, min_quantity, order_multiple, *fields = row
            if rank == 0:
                variants[variant_id] = _ListedRow(variant_id, *fields)
            else:
                entries.setdefault(variant_id, []).append(
                    _Entry(rank, kind, value, min_quantity, order_multiple)
                )
    rows = sorted(variants.values(), key=lambda variant: variant.pk)
    prices = _prices(rows, buyer, quantity=1, currency=currency, entries=entries)
    priced: dict[int, list[tuple[str, Price]]] = {}
    for variant in rows:
        priced.setdefault(variant.product_id, []).append((variant.sku, prices[variant.pk]))
    return priced


def listed_price(variant: dict, buyer: Buyer | Channel | None, book: Mapping | None = None):
    """The price of a variant of a product's listing summary for ``buyer``: from ``book``
    (:func:`listing_prices`) when it holds it, else from the summary's own prices."""
    if book and variant.get("sku") in book:
        return book[variant["sku"]]
    from catalog.summaries import ListedVariant

    return price_for(ListedVariant.from_summary(variant), _channel_of(buyer))


def display_net(price: Price, *, tax_class_id: int | None = None, rules=None) -> Price:
    """``price`` net of tax, as B2B pages show it. Amounts entered without tax are already
    net; entered with tax, the tax of the store's origin is taken out (taxes.calculations)."""
    from taxes import selectors as tax_selectors
    from taxes.calculations import display_price

    rules = rules if rules is not None else tax_selectors.tax_rules()
    if not rules.prices_entered_with_tax:
        return price

    def net(amount):
        shown = display_price(
            money.Money(amount, price.currency),
            with_tax=False,
            tax_class_id=tax_class_id,
            address=None,
            settings=rules,
        )
        return shown.amount

    compare_at = net(price.compare_at) if price.compare_at is not None else None
    return Price(amount=net(price.amount), currency=price.currency, compare_at=compare_at)


def volume_tiers(product_ids: Iterable[int], buyer: Buyer | Channel | None) -> dict:
    """``{sku: [(from quantity, Price), ...]}``: the volume pricing a B2B ``buyer`` gets on
    these products' variants, each tier priced by :func:`prices_for` for its quantity (so a
    tier above the buyer's list price is not shown). Empty for B2C; two queries and one per
    distinct tier quantity otherwise (a product page has a handful)."""
    if _channel_of(buyer) != Channel.B2B or not isinstance(buyer, Buyer):
        return {}
    from b2b.models import VolumeBreak
    from catalog.models import ProductVariant

    lists = price_list_ids(buyer, currency=money.store_currency())
    breaks = list(
        VolumeBreak.objects.filter(variant__product_id__in=list(product_ids))
        .filter(models.Q(price_list__isnull=True) | models.Q(price_list_id__in=list(lists)))
        .values_list("variant_id", "min_quantity")
        .distinct()
    )
    if not breaks:
        return {}
    variants = {
        variant.pk: variant
        for variant in ProductVariant.objects.filter(
            pk__in={variant_id for variant_id, _ in breaks}
        ).only("pk", "sku", "product_id", "price", "b2b_price", "compare_at_price")
    }
    tiers: dict[str, list[tuple[int, Price]]] = {}
    for needed in sorted({quantity for _, quantity in breaks}):
        chosen = [variants[pk] for pk, quantity in breaks if quantity == needed]
        below = prices_for(chosen, buyer, quantity=needed - 1)
        at = prices_for(chosen, buyer, quantity=needed)
        for variant in chosen:
            if at[variant.pk].amount < below[variant.pk].amount:
                tiers.setdefault(variant.sku, []).append((needed, at[variant.pk]))
    return tiers


def net_display_rules(buyer: Buyer | Channel | None):
    """The tax rules to show ``buyer``'s prices net with (:func:`display_net`), or None when
    the prices are shown as entered: B2C buyers, and stores entering prices without tax."""
    if _channel_of(buyer) != Channel.B2B:
        return None
    from taxes import selectors as tax_selectors
    from taxes.models import TaxSettings

    if not TaxSettings.objects.filter(pk=1, prices_entered_with_tax=True).exists():
        return None
    return tax_selectors.tax_rules()


@dataclass
class PriceBook:
    """The prices of a page of listed products (listing summaries) for one buyer: a
    company's price lists when it has some, shown net of tax on the B2B channel."""

    channel: Channel
    prices: dict = field(default_factory=dict)
    net_rules: object = None

    @property
    def net(self) -> bool:
        """B2B prices are shown net of tax (the pages say "excl. tax")."""
        return self.channel == Channel.B2B

    def net_amount(self, price: Price) -> Decimal:
        """``price``'s amount as this book shows it (net of tax for B2B when entered gross)."""
        if self.net_rules is None:
            return price.amount
        return display_net(price, rules=self.net_rules).amount

    def price(self, variant: dict) -> Price:
        price = listed_price(variant, self.channel, self.prices)
        if self.net_rules is not None:
            price = display_net(price, rules=self.net_rules)
        return price


def price_book(products: Iterable, buyer: Buyer | Channel | None) -> PriceBook:
    """A :class:`PriceBook` of ``products`` for ``buyer``: no query for B2C, a constant few
    for B2B (its price lists, the page's variants and entries, the tax settings)."""
    products = list(products)
    return PriceBook(
        channel=_channel_of(buyer),
        prices=listing_prices(products, buyer),
        net_rules=net_display_rules(buyer),
    )


# The entries of the buyer's lists matching each variant, with the specificity of their
# target; one statement, each branch an indexed join. A category entry matches the products
# of its category and of every category below it (materialised paths: a prefix).
ENTRY_BRANCHES_SQL = """
SELECT v.id, 4, e.kind, e.value, e.min_quantity, e.order_multiple
FROM v JOIN b2b_pricelistentry e ON e.variant_id = v.id
WHERE e.price_list_id = ANY(%(lists)s)
UNION ALL
SELECT v.id, 3, e.kind, e.value, e.min_quantity, e.order_multiple
FROM v JOIN b2b_pricelistentry e ON e.product_id = v.product_id
WHERE e.price_list_id = ANY(%(lists)s)
UNION ALL
SELECT v.id, 2, e.kind, e.value, e.min_quantity, e.order_multiple
FROM v
JOIN catalog_product_categories pc ON pc.product_id = v.product_id
JOIN catalog_category c ON c.id = pc.category_id
JOIN catalog_category ec ON starts_with(c.path, ec.path)
JOIN b2b_pricelistentry e ON e.category_id = ec.id
WHERE e.price_list_id = ANY(%(lists)s)
UNION ALL
SELECT v.id, 1, e.kind, e.value, e.min_quantity, e.order_multiple
FROM v
JOIN catalog_product p ON p.id = v.product_id
JOIN b2b_pricelistentry e ON e.brand_id = p.brand_id
WHERE e.price_list_id = ANY(%(lists)s)
"""
# Constants joined, no input in them (parameters are passed apart): not an injection.
ENTRIES_SQL = (
    "WITH v AS (SELECT id, product_id FROM catalog_productvariant WHERE id = ANY(%(variants)s))\n"  # noqa: S608
    + ENTRY_BRANCHES_SQL
)


# The variants of some products (rank 0, with their prices) and the entries matching them:
# ENTRIES_SQL's branches over another ``v``; the branches' extra columns are empty.
PRODUCT_ENTRIES_SQL = """
WITH v AS (
    SELECT id, product_id, sku, price, b2b_price, compare_at_price
    FROM catalog_productvariant WHERE product_id = ANY(%(products)s)
)
SELECT v.id, 0, NULL, NULL::numeric, NULL::integer, NULL::integer,
       v.sku, v.product_id, v.price, v.b2b_price, v.compare_at_price
FROM v
UNION ALL
SELECT id, rank, kind, value, min_quantity, order_multiple, NULL, NULL::integer,
       NULL::numeric, NULL::numeric, NULL::numeric
FROM (
"""
PRODUCT_ENTRIES_SQL += (
    ENTRY_BRANCHES_SQL + ") matched (id, rank, kind, value, min_quantity, order_multiple)"
)


def _entries(variant_ids: list[int], list_ids) -> dict[int, list[_Entry]]:
    found: dict[int, list[_Entry]] = {}
    with connection.cursor() as cursor:
        cursor.execute(ENTRIES_SQL, {"variants": variant_ids, "lists": list(list_ids)})
        for variant_id, rank, kind, value, min_quantity, order_multiple in cursor.fetchall():
            found.setdefault(variant_id, []).append(
                _Entry(rank, kind, value, min_quantity, order_multiple)
            )
    return found


def _breaks(variant_ids: list[int], list_ids, most: int) -> dict[int, list[tuple[int, Decimal]]]:
    from b2b.models import VolumeBreak

    rows = (
        VolumeBreak.objects.filter(variant_id__in=variant_ids, min_quantity__lte=most)
        .filter(models.Q(price_list__isnull=True) | models.Q(price_list_id__in=list(list_ids)))
        .values_list("variant_id", "min_quantity", "unit_price")
    )
    found: dict[int, list[tuple[int, Decimal]]] = {}
    for variant_id, needed, unit_price in rows:
        found.setdefault(variant_id, []).append((needed, unit_price))
    return found
