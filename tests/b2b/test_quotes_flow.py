"""Quotes through their services: asked from a cart, offered by staff, accepted into an order
at the quoted prices through the checkout's placing path, withdrawn, declined or expired; every
move recorded, every illegal move refused; both sides emailed."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from b2b import quotes
from b2b.errors import CreditLimitExceeded, IllegalTransition, QuoteError, QuoteExpired
from b2b.models import Invoice, Quote, QuoteStatus
from orders.models import Order, OrderSettings
from tests.b2b.factories import (
    b2b_buyer,
    committed,
    company_cart,
    delivery_option,
    make_company,
    make_member,
    make_variant,
    offered_quote,
)
from tests.checkout.factories import US_ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(invoice_enabled, celery_eager):
    OrderSettings.objects.update_or_create(pk=1, defaults={"notify_staff_email": "shop@a.test"})
    company = make_company()
    return company, make_member(company, email="buyer@acme.test")


def accept(quote, user, company, option, **kwargs):
    with committed():
        return quotes.accept_quote(
            quote=quote,
            buyer=b2b_buyer(user, company),
            shipping_address=kwargs.pop("address", US_ADDRESS),
            delivery_option=kwargs.pop("delivery_option", option.pk),
            payment_method=kwargs.pop("payment_method", "invoice"),
            **kwargs,
        )


def test_a_quote_is_asked_from_the_cart_and_the_store_is_told(acme):
    company, user = acme
    mug = make_variant(price="10.00")
    cart = company_cart(user, company, (mug, 40))
    mail.outbox.clear()

    with committed():
        quote = quotes.request_quote(cart=cart, buyer=b2b_buyer(user, company), message="40?")

    assert (quote.status, quote.company, quote.email, quote.message) == (
        QuoteStatus.REQUESTED, company, "buyer@acme.test", "40?"
    )  # fmt: skip
    line = quote.lines.get()
    assert (line.variant, line.quantity, line.list_price, line.quoted_price) == (
        mug, 40, Decimal("10.00"), None
    )  # fmt: skip
    assert cart.lines.count() == 1  # the cart is left as it is
    assert [m.to for m in mail.outbox] == [["shop@a.test"]]
    assert list(quote.events.values_list("from_status", "to_status")) == [("", "requested")]
    # An absolute link on the store's host, one slash before the path.
    answer = f"Answer it in the store admin: {connection.tenant.url}admin/b2b/quotes/{quote.pk}/\n"
    assert answer in mail.outbox[0].body


def test_an_empty_cart_or_a_stranger_cannot_ask(acme):
    company, user = acme
    with pytest.raises(QuoteError) as empty:
        quotes.request_quote(cart=company_cart(user, company), buyer=b2b_buyer(user, company))
    assert "cart" in empty.value.fields
    loner = make_member(make_company("Solo"))
    cart = company_cart(loner, loner.company_membership.company, (make_variant(), 1))
    from pricing import Buyer

    with pytest.raises(QuoteError) as stranger:
        quotes.request_quote(cart=cart, buyer=Buyer(user=loner))
    assert "company" in stranger.value.fields
    assert not Quote.objects.exists()


def test_accepting_places_the_order_at_the_quoted_prices(acme):
    company, user = acme
    option = delivery_option()
    mug, jug = make_variant(price="10.00"), make_variant(price="20.00")
    quote = offered_quote(user, company, (mug, 10), (jug, 5), prices={mug.pk: Decimal("8.00")})
    assert quote.status == QuoteStatus.OFFERED
    mug.price = Decimal("12.00")  # the list price moved since: the offer stands
    mug.save(update_fields=["price"])

    order = accept(quote, user, company, option)

    quote.refresh_from_db()
    assert (quote.status, quote.order) == (QuoteStatus.ORDERED, order)
    prices = {line.variant_id: line.unit_price for line in order.lines.all()}
    assert prices == {mug.pk: Decimal("8.00"), jug.pk: Decimal("18.00")}
    assert order.subtotal == Decimal("170.00")
    assert order.total == Decimal("175.00")  # with the 5.00 delivery, no tax rate
    assert (order.company, order.payment_method, order.channel) == (company, "invoice", "b2b")
    assert order.invoice.amount == Decimal("175.00")  # paid by invoice: invoiced on placing
    assert list(quote.events.values_list("to_status", flat=True)) == [
        "requested", "offered", "accepted", "ordered"
    ]  # fmt: skip
    with pytest.raises(IllegalTransition):
        accept(quote, user, company, option)
    assert Order.objects.count() == 1


def test_an_accepted_quote_paid_by_invoice_follows_the_approval_and_credit_rules(acme):
    # The quote places through orders.actions.place_order, so b2b.purchasing.placement decides.
    option = delivery_option()
    careful = make_company("Careful Co", requires_approval=True)
    buyer = make_member(careful)
    order = accept(offered_quote(buyer, careful, (make_variant(price="10.00"), 5)), buyer,
                   careful, option)  # fmt: skip
    assert order.status == "awaiting_approval"
    assert not Invoice.objects.filter(order=order).exists()  # invoiced once approved

    tight = make_company("Tight Co", credit_limit="10.00")
    buyer = make_member(tight)
    quote = offered_quote(buyer, tight, (make_variant(price="10.00"), 5))  # 45.00 + 5.00
    with pytest.raises(CreditLimitExceeded):
        accept(quote, buyer, tight, option)
    quote.refresh_from_db()
    assert (quote.status, quote.order) == (QuoteStatus.OFFERED, None)
    assert not Order.objects.filter(company=tight).exists()


def test_an_expired_offer_is_refused_and_nothing_is_placed(acme):
    company, user = acme
    option = delivery_option()
    quote = offered_quote(user, company, (make_variant(), 3), days=2)
    mail.outbox.clear()

    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False), pytest.raises(QuoteExpired) as refused:
        accept(quote, user, company, option)

    assert refused.value.status_code == 400
    assert refused.value.message.startswith("quote expired")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED
    assert not Order.objects.exists()
    assert [m.to for m in mail.outbox] == [["buyer@acme.test"]]


def test_the_periodic_task_expires_offers(acme):
    company, user = acme
    quote = offered_quote(user, company, (make_variant(), 1), days=1)
    fresh = offered_quote(user, company, (make_variant(), 1), days=10)
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        assert quotes.expire_quotes() == 1
        assert quotes.expire_quotes() == 0
    quote.refresh_from_db()
    fresh.refresh_from_db()
    assert (quote.status, fresh.status) == (QuoteStatus.EXPIRED, QuoteStatus.OFFERED)


def test_illegal_moves_are_refused_and_change_nothing(acme):
    company, user = acme
    option = delivery_option()
    cart = company_cart(user, company, (make_variant(), 2))
    quote = quotes.request_quote(cart=cart, buyer=b2b_buyer(user, company))

    with pytest.raises(IllegalTransition):  # not offered yet
        accept(quote, user, company, option)
    quotes.withdraw_quote(quote=quote, actor=user)
    for move in (
        lambda: quotes.withdraw_quote(quote=quote),
        lambda: quotes.decline_quote(quote=quote),
        lambda: quotes.offer_quote(
            quote=quote,
            prices={line.pk: "1" for line in quote.lines.all()},
            valid_until=timezone.now() + timedelta(days=1),
        ),
    ):
        with pytest.raises(IllegalTransition) as refused:
            move()
        assert refused.value.status_code == 409
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.WITHDRAWN
    assert quote.events.count() == 2


def test_staff_decline_and_the_buyer_is_told(acme):
    company, user = acme
    quote = offered_quote(user, company, (make_variant(), 1))
    mail.outbox.clear()
    with committed():
        quotes.decline_quote(quote=quote, note="Out of season")
    assert quote.status == QuoteStatus.DECLINED
    assert mail.outbox[0].to == ["buyer@acme.test"]
    assert "Out of season" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("prices", "days", "field"),
    [
        ({}, 3, "prices.{line}"),
        ({"{line}": "-1"}, 3, "prices.{line}"),
        ({"{line}": "1.001"}, 3, "prices.{line}"),
        ({"{line}": "1e11"}, 3, "prices.{line}"),
        ({"{line}": "5", "999999": "1"}, 3, "prices.999999"),
        ({"{line}": "5"}, -1, "valid_until"),
        ({"{line}": "5"}, 400, "valid_until"),
    ],
)
def test_a_bad_offer_is_refused_field_by_field(acme, prices, days, field):
    company, user = acme
    cart = company_cart(user, company, (make_variant(), 2))
    quote = quotes.request_quote(cart=cart, buyer=b2b_buyer(user, company))
    line = str(quote.lines.get().pk)
    given = {key.replace("{line}", line): value for key, value in prices.items()}

    with pytest.raises(QuoteError) as refused:
        quotes.offer_quote(
            quote=quote, prices=given, valid_until=timezone.now() + timedelta(days=days)
        )

    assert field.replace("{line}", line) in refused.value.fields
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.REQUESTED
    assert quote.lines.get().quoted_price is None


def test_a_bad_address_delivery_or_method_places_nothing(acme):
    company, user = acme
    option = delivery_option()
    quote = offered_quote(user, company, (make_variant(), 1))
    for kwargs, field in (
        ({"address": {"country": "US"}}, "shipping_address.full_name"),
        ({"delivery_option": 999999}, "delivery_option"),
        ({"payment_method": "bitcoin"}, "payment_method"),
    ):
        with pytest.raises(QuoteError) as refused:
            accept(quote, user, company, option, **kwargs)
        assert field in refused.value.fields, refused.value.fields
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.OFFERED
    assert not Order.objects.exists()


def test_an_erased_person_is_forgotten_by_their_quotes(acme):
    from accounts.events import account_erased

    company, user = acme
    quote = offered_quote(user, company, (make_variant(), 1))
    account_erased.send(sender=type(user), user=user)
    quote.refresh_from_db()
    assert (quote.requested_by, quote.email, quote.message) == (None, "", "")
    assert quote.lines.get().quoted_price is not None
