"""Purchase orders: the "invoice / purchase order" payment method, PO numbers, approval of a
company buyer's orders, and the company's credit limit, all enforced where every order is
placed (``orders.actions.place_order`` asks :func:`b2b.purchasing.placement.check_placement`)."""
