"""The B2B channel's data, one module per concern (price lists, purchasing, invoices, quotes,
bulk ordering). The company itself, its members and API keys live in ``accounts``."""

from b2b.models.companies import (  # noqa: F401
    CompanyApplication,
    CompanyEmail,
    CompanyLocation,
    CompanyStatusChange,
)
from b2b.models.invoicing import (  # noqa: F401
    Invoice,
    InvoiceEvent,
    InvoiceNumberCounter,
    InvoiceStatus,
)
from b2b.models.pricing import CustomerGroup, PriceList, PriceListEntry, VolumeBreak  # noqa: F401
from b2b.models.quotes import Quote, QuoteEvent, QuoteLine, QuoteStatus  # noqa: F401
from b2b.models.requisitions import RequisitionList, RequisitionListLine  # noqa: F401
