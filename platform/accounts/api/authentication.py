"""API authentication: sign-in tokens (per store) and API keys (B2B integrations).

Tokens are issued by the login endpoint, one per login, and sent as ``Authorization: Token
<key>``; API keys are sent as ``Authorization: Api-Key mk_...``. Of both, only a SHA-256
digest is stored, in the store's own schema: a token or key of store A is unknown at store B.
"""

from rest_framework import authentication, exceptions

API_KEY_KEYWORD = "Api-Key"


class TokenAuthentication(authentication.TokenAuthentication):
    """``request.user`` is the token's person and ``request.auth`` the token (accounts.AuthToken).

    A token issued before the person's last password change is refused, and forgotten.
    """

    def authenticate_credentials(self, key):
        from accounts import selectors, services

        token = selectors.auth_token_for_key(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.is_valid:
            services.revoke_auth_token(token=token)
            raise exceptions.AuthenticationFailed("Invalid token.")
        return token.user, token


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``request.user`` is the key's creator and ``request.auth`` the key; what the key may do
    is decided by its scopes alone (accounts.api.permissions)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != API_KEY_KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid API key header.")
        # Imported here: DRF imports this module while it is itself being imported.
        from accounts import selectors, services
        from accounts.models import digest_secret

        secret = header[1].decode(errors="replace")
        api_key = selectors.api_key_for_secret(digest=digest_secret(secret))
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        services.record_api_key_use(api_key=api_key)
        return api_key.created_by, api_key

    def authenticate_header(self, request) -> str:
        return API_KEY_KEYWORD
