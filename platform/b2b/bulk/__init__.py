"""Bulk purchasing for companies: quick order by SKU list, CSV upload, reorder, requisition
lists and saved carts. Everything reaches the cart through ``cart.services.add_lines``, so the
cart's rules and the one pricing function apply."""
