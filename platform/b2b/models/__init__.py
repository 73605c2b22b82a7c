"""The B2B channel's data, one module per concern (price lists, purchasing, invoices, quotes,
bulk ordering). The company itself, its members and API keys live in ``accounts``."""

from b2b.models.invoicing import (  # noqa: F401
    Invoice,
    InvoiceEvent,
    InvoiceNumberCounter,
    InvoiceStatus,
)
from b2b.models.quotes import Quote, QuoteEvent, QuoteLine, QuoteStatus  # noqa: F401
