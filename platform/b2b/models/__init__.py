"""The B2B channel's data, one module per concern (price lists, purchasing, invoices, quotes,
bulk ordering). The company itself, its members and API keys live in ``accounts``."""

from b2b.models.requisitions import RequisitionList, RequisitionListLine  # noqa: F401
