"""Permissions of the store's own platform features, granted through accounts.permissions.

None of them is a ``view_*`` permission, so read-only support staff do not get them: billing,
the full data export and the store's domains are the owner's (who holds every permission).
"""

MANAGE_BILLING = "tenants.manage_billing"
EXPORT_STORE = "tenants.export_store"
MANAGE_DOMAINS = "tenants.manage_domains"
