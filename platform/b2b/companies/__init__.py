"""Company accounts of the B2B channel: applying, approval, locations, the company area.

services.py writes, selectors.py reads, state.py is the status table, tax_ids.py checks VAT
ids, emails.py sends the application's emails once; views.py and urls.py are the storefront's
company area (/account/company/); the API is b2b.api.companies and the store admin's screens
b2b.store_admin.companies.
"""
