"""The orders' domain errors, answered by the API in its one error shape (config.api_errors)."""

from rest_framework import status

from config.api_errors import DomainError


class IllegalTransition(DomainError):
    """The order's state machine (orders.state.TRANSITIONS) has no such move from where the
    order stands. Nothing changed."""

    status_code = status.HTTP_409_CONFLICT
    code = "illegal_transition"


class CartChanged(DomainError):
    """What the shopper reviewed is no longer what they would buy (a price changed, a product
    is no longer sold, a quantity rule moved). ``fields`` has one entry per changed line,
    ``lines.<variant id>``; ``changes`` lists them as data. Nothing was reserved or placed."""

    status_code = status.HTTP_409_CONFLICT
    code = "cart_changed"

    def __init__(self, message: str, *, changes: list[dict]):
        super().__init__(
            message,
            fields={f"lines.{change['variant_id']}": [change["message"]] for change in changes},
        )
        self.changes = changes


class OutOfStock(DomainError):
    """Not enough stock left for some lines (another shopper was first). ``fields`` says which,
    ``lines.<variant id>``: "Only 2 left." Nothing was reserved or placed."""

    status_code = status.HTTP_409_CONFLICT
    code = "out_of_stock"

    def __init__(self, message: str, *, shortages: list[dict]):
        super().__init__(
            message,
            fields={f"lines.{item['variant_id']}": [item["message"]] for item in shortages},
        )
        self.shortages = shortages


class QuantityRuleBroken(DomainError):
    """Some lines break their quantity rule as it is now: the minimum, step or maximum of the
    variant, or a B2B buyer's price-list minimum order quantity or order multiple
    (``pricing.quantity_rule_for``), changed since the line was added. ``fields`` says which,
    ``lines.<variant id>``: the line and the rule; ``problems`` lists them as data. Nothing
    was reserved or placed."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "quantity_rule"

    def __init__(self, message: str, *, problems: list[dict]):
        super().__init__(
            message,
            fields={f"lines.{item['variant_id']}": [item["message"]] for item in problems},
        )
        self.problems = problems


def quantity_rule_problem(*, variant_id, sku: str, name: str, quantity: int, rule) -> dict | None:
    """The problem of a line of ``quantity`` under ``rule`` (a ``pricing.QuantityRule``), as
    :class:`QuantityRuleBroken` lists it; None when the quantity keeps the rule."""
    errors = rule.errors(quantity)
    if not errors:
        return None
    return {
        "variant_id": variant_id,
        "sku": sku,
        "quantity": quantity,
        "minimum": rule.minimum,
        "step": rule.step,
        "maximum": rule.maximum,
        "message": f"{name} ({sku}): {quantity} ordered. {errors[0]}",
    }


QUANTITY_RULE_MESSAGE = "Some lines no longer keep their quantity rules: change their quantities."


def out_of_stock_message(name: str, left: int) -> str:
    """What a shopper reads for a line of ``name`` of which only ``left`` remain."""
    left = max(left or 0, 0)
    if left == 0:
        return f"{name} is out of stock."
    return f"Only {left} of {name} left."


class EmptyOrder(DomainError):
    """An order needs at least one line."""

    code = "invalid"


class InvalidFulfilment(DomainError):
    """The quantities to ship are not a part of what is left to ship (``fields``)."""

    code = "invalid"


class InvalidRefund(DomainError):
    """A refund that is not positive or exceeds what was paid and not yet refunded."""

    code = "invalid"


class InvalidOrderEdit(DomainError):
    """An edit the order cannot take (already fulfilled lines, bad quantities): ``fields``."""

    code = "invalid"


class OrderNotEditable(DomainError):
    """Only orders not yet fulfilled (pending or processing, nothing shipped) can be edited."""

    status_code = status.HTTP_409_CONFLICT
    code = "not_editable"


class InvalidOrderSettings(DomainError):
    """An order setting refused (the reason in ``fields``, by setting). Nothing changed."""

    code = "invalid"
