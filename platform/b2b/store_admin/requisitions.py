"""A company member's requisition lists and saved carts in the store admin, read-only: a panel
on the customer's page (``construct_customer_detail_panels``), so that staff helping a buyer
see the lists they order from. Who may: whoever sees the customer (VIEW_CUSTOMERS: the owner,
order managers and support). Lists are changed by the company's people only (storefront, API).
"""

from wagtail.admin.ui.components import Component

from accounts.permissions import VIEW_CUSTOMERS, company_of, has_permission
from b2b.bulk import requisitions

PANEL_ROWS = 20


class RequisitionListsPanel(Component):
    name = "customer_requisition_lists"
    template_name = "b2b/store_admin/requisition_lists_panel.html"

    def __init__(self, company, lists: list):
        self.company = company
        self.lists = lists

    def get_context_data(self, parent_context=None):
        return {
            "company": self.company,
            "lists": self.lists[:PANEL_ROWS],
            "more": len(self.lists) > PANEL_ROWS,
        }


def add_requisition_lists_panel(request, customer, panels: list) -> None:
    """construct_customer_detail_panels: the lists of the customer's company, when it has
    some (a company without lists adds no empty section to the page)."""
    if not has_permission(request.user, VIEW_CUSTOMERS):
        return
    company = company_of(customer)
    if company is None:
        return
    lists = list(requisitions.lists_of(company=company)[: PANEL_ROWS + 1])
    if lists:
        panels.append(RequisitionListsPanel(company, lists))
