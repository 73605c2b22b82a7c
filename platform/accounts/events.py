"""Events the accounts app emits, for other apps to hook into."""

from django.dispatch import Signal

# Sent inside the erasure transaction, after the person's own data is anonymised and before it
# commits. Apps that keep personal data about the person (orders keep their addresses for the
# merchant's books) anonymise or remove it here; a receiver that raises rolls the erasure back.
# Arguments: user (the anonymised, inactive row; its id is unchanged, so orders keep pointing
# at it).
account_erased = Signal()

# Sent after ``POST /api/v1/auth/login/`` issued its token (API logins open no session, so
# allauth's ``user_logged_in`` is not sent). Arguments: request, user. The cart merges the
# client's anonymous cart (``X-Cart-Token``) into the account's here.
api_signed_in = Signal()
