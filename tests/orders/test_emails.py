"""Order emails: each sent once per order and step, even when its task is delivered twice;
text and HTML; to the store's staff address on a new order when it is set."""

import pytest
from django.core import mail

from orders import actions
from orders.models import OrderEmail, OrderSettings
from orders.tasks import send_order_email
from tests.orders.factories import make_variant, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model, in_store_a):
    return django_user_model.objects.create_user(
        username="om@a.test", email="om@a.test", staff_role="order_manager", is_staff=True
    )


def _subjects():
    return [(message.to, message.subject) for message in mail.outbox]


def test_every_step_emails_the_shopper_once(
    in_store_a, staff, celery_eager, django_capture_on_commit_callbacks
):
    settings = OrderSettings.load()
    settings.notify_staff_email = "orders@store-a.test"
    settings.save()
    mug = make_variant(price="10.00", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = place([(mug, 2)], email="ada@example.com")
    n = order.number
    assert _subjects() == [
        (["ada@example.com"], f"Your order #{n} at {in_store_a.name}"),
        (["orders@store-a.test"], f"New order #{n} ($25.00)"),
    ]
    confirmation = mail.outbox[0]
    assert "2 x " + mug.product.name in confirmation.body
    assert "Total: $25.00" in confirmation.body
    assert "You pay $25.00 on delivery." in confirmation.body
    html = confirmation.alternatives[0][0]
    assert f"<strong>Order #{n}</strong>" in html
    # The store's email opens this order in the store admin, on the store's own host.
    staff_link = f"{in_store_a.url}admin/orders/{order.pk}/"
    assert f"Open it in the store admin: {staff_link}\n" in mail.outbox[1].body
    assert f'<a href="{staff_link}">' in mail.outbox[1].alternatives[0][0]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.fulfil(
            order=order,
            lines={order.lines.get().pk: 2},
            carrier="DHL",
            tracking_number="JD0002",
            actor=staff,
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.mark_delivered(order=order, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_payment(order=order, amount="25.00", actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_refund(order=order, amount="5.00", actor=staff)
    assert _subjects() == [
        (["ada@example.com"], f"Your order #{n} is on its way"),
        (["ada@example.com"], f"Your order #{n} was delivered"),
        (["ada@example.com"], f"A refund for your order #{n}"),
    ]
    assert "Tracking number: JD0002" in mail.outbox[0].body
    assert "Carrier: DHL" in mail.outbox[0].body
    assert "refunded $5.00" in mail.outbox[2].body

    # Every task delivered a second time sends nothing more.
    mail.outbox.clear()
    for sent in OrderEmail.objects.filter(order=order):
        assert send_order_email(order.pk, sent.kind, sent.key) is False
    assert mail.outbox == []


def test_a_cancellation_is_emailed_once(
    in_store_a, celery_eager, django_capture_on_commit_callbacks
):
    order = place([(make_variant(stock=5), 1)], email="bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_order(order=order, by_shopper=True)
    assert _subjects() == [(["bob@example.com"], f"Your order #{order.number} was cancelled")]
    assert send_order_email(order.pk, "cancelled", "") is False
    assert len(mail.outbox) == 1


def test_with_prices_before_tax_a_line_shows_its_net_amount_like_the_subtotal(
    in_store_a, celery_eager, django_capture_on_commit_callbacks
):
    mug = make_variant(price="10.00", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = place([(mug, 2)], email="dee@example.com", tax_rate="10")
    assert order.prices_include_tax is False
    line = f"- 2 x {mug.product.name}"
    body = mail.outbox[0].body
    assert f"{line}{_label(order)} [{mug.sku}]: $20.00\n" in body  # not the gross $22.00
    assert "Tax: $2.00\n" in body
    assert '<td align="right">$20.00</td>' in mail.outbox[0].alternatives[0][0]


def _label(order) -> str:
    label = order.lines.get().variant_label
    return f" ({label})" if label else ""


def test_no_staff_email_without_the_setting(
    in_store_a, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place([(make_variant(stock=5), 1)], email="c@example.com")
    assert [to for to, _ in _subjects()] == [["c@example.com"]]


def test_a_failed_send_is_retried_and_then_sent_once(in_store_a, settings, monkeypatch):
    order = place([(make_variant(stock=5), 1)], email="d@example.com")
    import orders.emails

    def broken(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(orders.emails, "send_mail", broken)
    with pytest.raises(ConnectionError):
        send_order_email(order.pk, "confirmation", "")
    assert not OrderEmail.objects.filter(order=order).exists()
    monkeypatch.undo()
    assert send_order_email(order.pk, "confirmation", "") is True
    assert send_order_email(order.pk, "confirmation", "") is False
    assert len(mail.outbox) == 1
