"""Events the stores app emits, for other apps to hook into."""

from django.dispatch import Signal

# Sent inside the provisioning transaction, with the connection set to the new store's schema,
# so that every app can set up its own data for the store (Wagtail site, default settings...).
# A receiver that raises rolls the whole store back. Arguments: tenant.
store_provisioned = Signal()

# Sent once a change of the store's details is committed (tenants.services.update_store_details),
# so that what shows them elsewhere (the storefront's Wagtail site name, its footer) can follow.
# Arguments: tenant, fields (the names of the fields that changed).
store_details_changed = Signal()
