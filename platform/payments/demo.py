"""The demo store's payments: cash on delivery, without a fee, for orders up to 500, and the
invoice method (offered only to companies buying on account, such as the demo company). Set
once: a store whose payment settings were saved before is left alone."""

from decimal import Decimal

from payments import services
from payments.models import PaymentMethodSettings


def set_up_demo_payments() -> bool:
    """Enable cash on delivery (fee 0, up to 500) and invoice unless the store has payment
    settings (True when set)."""
    if PaymentMethodSettings.objects.exists():
        return False
    services.set_method_settings(
        data={
            "enabled_methods": ["cod", "invoice"],
            "cod_fee": Decimal(0),
            "cod_max_order_value": Decimal(500),
            "cod_instructions": "Pay the courier in cash when your parcel arrives.",
        }
    )
    return True
