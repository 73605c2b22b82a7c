"""The store admin (Wagtail) screens of accounts: customers (companies: b2b.store_admin).

Views read through accounts.selectors and write through accounts.services only; they are
registered from accounts/wagtail_hooks.py (CONTRIBUTING.md, "Store admin screens").
"""
