"""The store admin (Wagtail) screens of the store itself: dashboard, settings, branding.

Each screen is a view here, registered from tenants/wagtail_hooks.py; it reads through
selectors and writes through services only (CONTRIBUTING.md, "Store admin screens").
"""
