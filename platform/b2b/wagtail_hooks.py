"""The B2B app's store admin extensions (one block per concern)."""

from wagtail import hooks

from accounts.store_admin.customers import CUSTOMER_DETAIL_PANELS_HOOK
from b2b.store_admin.requisitions import add_requisition_lists_panel

# Bulk purchasing: a company member's requisition lists on their customer page.
hooks.register(CUSTOMER_DETAIL_PANELS_HOOK, add_requisition_lists_panel)
