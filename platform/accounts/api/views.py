"""Identity API views: each validates input, calls one service or selector, and responds.

Who may call what is declared on each view (``required_permissions``) and decided by the one
permission layer; errors come out in the API's single shape (config.api_errors).
"""

from dj_rest_auth import views as rest_auth_views
from dj_rest_auth.registration import views as registration_views
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.db import IntegrityError, transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import events, permissions, selectors, services
from accounts.api import serializers
from accounts.api.permissions import ANY_SCOPE, RequiresPermission
from accounts.models import ApiKey, AuthToken, StoreSecurity
from config.openapi import DETAIL_RESPONSE
from idempotency.api import IdempotentCreateMixin

OWN = permissions.MANAGE_OWN_ACCOUNT


class OwnAccountView:
    permission_classes = [RequiresPermission]
    required_permissions = {method: OWN for method in ("GET", "POST", "PUT", "PATCH", "DELETE")}


# --- Registration, login, passwords (dj-rest-auth, with our throttles and permissions) ---------


@extend_schema(tags=["auth"], responses={201: DETAIL_RESPONSE})
class RegisterView(registration_views.RegisterView):
    """Sign up with email and password; a verification link is emailed.

    An address that already has an account gets the same answer, and its owner an email
    saying that someone tried to sign up with it (allauth's enumeration prevention).
    """

    throttle_scope = "signup"

    def perform_create(self, serializer):
        email = serializer.validated_data["email"]
        if not selectors.account_exists(email=email):
            try:
                with transaction.atomic():
                    return super().perform_create(serializer)
            except IntegrityError:
                pass  # signed up at the same moment by another request: it exists now
        services.notify_existing_account_of_signup(
            email=email, password=serializer.validated_data["password1"], request=self.request
        )
        return None


@extend_schema(tags=["auth"], responses=DETAIL_RESPONSE)
class VerifyEmailView(registration_views.VerifyEmailView):
    """Confirm an email address with the key from the emailed link."""

    throttle_scope = "auth"


@extend_schema(tags=["auth"], responses={200: DETAIL_RESPONSE})
class ResendEmailVerificationView(registration_views.ResendEmailVerificationView):
    throttle_scope = "password_reset"


@extend_schema(tags=["auth"], responses=serializers.TokenSerializer)
class LoginView(rest_auth_views.LoginView):
    """Exchange email, password (and TOTP code, when enabled) for a new API token of this store.

    Each login issues its own token; its key is in this answer only (only a digest is kept).
    """

    serializer_class = serializers.LoginSerializer
    throttle_scope = "auth"

    def login(self):
        self.user = self.serializer.validated_data["user"]
        self.token = services.issue_auth_token(user=self.user)
        events.api_signed_in.send(sender=type(self.user), request=self.request, user=self.user)


@extend_schema(tags=["auth"], request=None, responses=DETAIL_RESPONSE)
class LogoutView(OwnAccountView, rest_auth_views.LogoutView):
    """End this sign-in: the token making the request (or else the session)."""

    http_method_names = ["post", "options"]
    throttle_scope = "auth"

    def logout(self, request):
        if isinstance(request.auth, AuthToken):
            services.revoke_auth_token(token=request.auth)
        else:
            django_logout(request)
        return Response({"detail": "Successfully logged out."})


@extend_schema(tags=["auth"], responses=DETAIL_RESPONSE)
class PasswordResetView(rest_auth_views.PasswordResetView):
    """Email a password reset link (the same answer whether or not the address is known)."""

    throttle_scope = "password_reset"


@extend_schema(tags=["auth"], responses=DETAIL_RESPONSE)
class PasswordResetConfirmView(rest_auth_views.PasswordResetConfirmView):
    """Set a new password with the uid and key from the emailed link; a link works once.

    Whoever held the old password is signed out: the API token is deleted (and sessions end,
    as the password changed)."""

    throttle_scope = "password_reset"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        services.revoke_api_tokens(user=serializer.user)
        return Response({"detail": "Password has been reset with the new password."})


@extend_schema(tags=["auth"], responses=serializers.PasswordChangedSerializer)
class PasswordChangeView(OwnAccountView, rest_auth_views.PasswordChangeView):
    """Change your password: every other sign-in of yours ends (API tokens and sessions).

    Made with a token, the answer carries its replacement (``key``); made in a session, the
    session stays signed in.
    """

    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        current = request.auth if isinstance(request.auth, AuthToken) else None
        issued = services.change_password(
            user=request.user,
            password=serializer.validated_data["new_password1"],
            current_token=current,
        )
        if current is None:
            update_session_auth_hash(request, request.user)
        data = {"detail": "New password has been saved."}
        if issued is not None:
            data["key"] = issued.key
        return Response(serializers.PasswordChangedSerializer(data).data)


# --- Profile and deletion ----------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(tags=["account"], summary="Your profile"),
    patch=extend_schema(tags=["account"], summary="Change your profile"),
    put=extend_schema(tags=["account"], summary="Replace your profile"),
    delete=extend_schema(
        tags=["account"],
        summary="Delete your account (GDPR erasure)",
        request=serializers.AccountDeletionSerializer,
        responses={204: None},
    ),
)
class ProfileView(OwnAccountView, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = serializers.ProfileSerializer

    def get_object(self):
        return self.request.user

    def destroy(self, request, *args, **kwargs):
        serializer = serializers.AccountDeletionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.erase_account(user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Address book ------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=["account"]), post=extend_schema(tags=["account"]))
class AddressListView(IdempotentCreateMixin, OwnAccountView, generics.ListCreateAPIView):
    serializer_class = serializers.AddressSerializer

    def get_queryset(self):
        return selectors.address_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.save_address(
            user=self.request.user, **serializer.validated_data
        )


@extend_schema(tags=["account"])
class AddressDetailView(OwnAccountView, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = serializers.AddressSerializer

    def get_queryset(self):
        # Another person's address is not found (404), never forbidden.
        return selectors.address_list(user=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.save_address(
            user=self.request.user, address=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_address(address=instance)


# --- Two-factor --------------------------------------------------------------------------------


class TotpView(OwnAccountView, APIView):
    """TOTP two-factor authentication (allauth.mfa): status, enrolment, removal."""

    @extend_schema(tags=["account"], responses=serializers.TotpStatusSerializer)
    def get(self, request):
        from allauth.mfa.adapter import get_adapter as get_mfa_adapter
        from allauth.mfa.utils import is_mfa_enabled

        enabled = is_mfa_enabled(request.user)
        data = {"enabled": enabled, "required": _mfa_required(request.user)}
        if not enabled:
            data["secret"] = services.start_totp_enrolment()
            data["otpauth_url"] = get_mfa_adapter().build_totp_url(request.user, data["secret"])
        return Response(serializers.TotpStatusSerializer(data).data)

    @extend_schema(
        tags=["account"],
        request=serializers.TotpActivateSerializer,
        responses={201: serializers.TotpStatusSerializer},
    )
    def post(self, request):
        serializer = serializers.TotpActivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.activate_totp(user=request.user, **serializer.validated_data)
        data = {"enabled": True, "required": _mfa_required(request.user)}
        return Response(serializers.TotpStatusSerializer(data).data, status=201)

    @extend_schema(tags=["account"], request=serializers.TotpCodeSerializer, responses={204: None})
    def delete(self, request):
        serializer = serializers.TotpCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.deactivate_totp(user=request.user, code=serializer.validated_data["code"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def _mfa_required(user) -> bool:
    return bool(user.staff_role) and StoreSecurity.current().require_staff_mfa


# --- API keys ----------------------------------------------------------------------------------


class ApiKeyScopeMixin:
    """Store staff manage the store's keys; a company admin manages their company's keys."""

    permission_classes = [RequiresPermission]

    def owner_company(self):
        company = permissions.company_of(self.request.user)
        if company is not None and not self.request.user.staff_role:
            return company
        return None

    @property
    def required_permissions(self):
        if self.owner_company() is not None:
            return {m: permissions.MANAGE_COMPANY for m in ("GET", "POST", "DELETE")}
        return {
            "GET": permissions.VIEW_API_KEYS,
            "POST": permissions.ADD_API_KEYS,
            "DELETE": permissions.REVOKE_API_KEYS,
        }

    def get_queryset(self):
        return selectors.api_key_list(company=self.owner_company())


@extend_schema_view(
    get=extend_schema(tags=["api keys"]),
    post=extend_schema(tags=["api keys"], responses={201: serializers.IssuedApiKeySerializer}),
)
class ApiKeyListView(ApiKeyScopeMixin, generics.ListCreateAPIView):
    """List the keys (never their secrets) or issue one (its secret is in this answer only)."""

    serializer_class = serializers.ApiKeySerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = self.owner_company()
        if company is not None:
            # A company's key buys as the business: only once the store approved the company.
            from b2b.companies.services import create_company_api_key

            issued = create_company_api_key(
                company=company, created_by=request.user, **serializer.validated_data
            )
        else:
            issued = services.create_api_key(created_by=request.user, **serializer.validated_data)
        data = serializers.IssuedApiKeySerializer(issued.api_key).data
        data["secret"] = issued.secret
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(tags=["api keys"]),
    delete=extend_schema(tags=["api keys"], responses={204: None}),
)
class ApiKeyDetailView(ApiKeyScopeMixin, generics.RetrieveDestroyAPIView):
    """See a key or revoke it (revoked keys stay listed, with their revocation time)."""

    serializer_class = serializers.ApiKeySerializer

    @property
    def required_permissions(self):
        needed = super().required_permissions
        return {"GET": needed["GET"], "DELETE": needed["DELETE"]}

    def perform_destroy(self, instance: ApiKey):
        services.revoke_api_key(api_key=instance)


@extend_schema(tags=["api keys"], responses=serializers.ApiKeySerializer)
class CurrentApiKeyView(APIView):
    """The key this request is authenticated with: lets an integration check its scopes."""

    permission_classes = [RequiresPermission]
    required_permissions: dict = {}  # people have no key to show
    api_key_scopes = {"GET": ANY_SCOPE}
    company_key_scopes = {"GET": ANY_SCOPE}

    def get(self, request):
        return Response(serializers.ApiKeySerializer(request.auth).data)


# --- Companies (B2B) ---------------------------------------------------------------------------


@extend_schema(tags=["company"])
class CompanyView(generics.RetrieveAPIView):
    """The company you buy for."""

    serializer_class = serializers.CompanySerializer
    permission_classes = [RequiresPermission]
    required_permissions = {"GET": permissions.VIEW_COMPANY}

    def get_object(self):
        return _own_company(self.request.user)


def _own_company(user):
    company = permissions.company_of(user)
    if company is None:
        raise Http404("You do not belong to a company.")
    return company


@extend_schema_view(
    get=extend_schema(tags=["company"]),
    post=extend_schema(
        tags=["company"],
        request=serializers.CompanyInvitationSerializer,
        responses={202: serializers.CompanyInvitationSerializer},
        summary="Invite someone to your company",
    ),
)
class CompanyMemberListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    """Members of your company; a company admin invites people by email.

    An invitation is emailed with a link the invited person accepts. The answer (202) is the
    same whether or not the address has an account here: it tells nothing about who does.
    """

    serializer_class = serializers.CompanyMemberSerializer
    permission_classes = [RequiresPermission]
    required_permissions = {"GET": permissions.VIEW_COMPANY, "POST": permissions.MANAGE_COMPANY}
    throttle_scope = "company_invitation"

    def get_throttles(self):
        # Only invitations (emails sent) are throttled; reading the members is not.
        return super().get_throttles() if self.request.method == "POST" else []

    def get_queryset(self):
        return selectors.company_members(company=_own_company(self.request.user))

    def create(self, request, *args, **kwargs):
        company = _own_company(request.user)
        serializer = serializers.CompanyInvitationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.invite_to_company(
            company=company,
            invited_by=request.user,
            site_url=request.build_absolute_uri("/").rstrip("/"),
            **serializer.validated_data,
        )
        return Response(serializer.data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    tags=["company"],
    request=None,
    responses={201: serializers.CompanyMembershipSerializer},
    summary="Accept an invitation to a company",
)
class CompanyInvitationAcceptView(IdempotentCreateMixin, APIView):
    """Join the company that invited you, with the secret from the emailed link.

    You must be signed in with the email the invitation was sent to; an invitation works
    once, and never for the store's staff.
    """

    permission_classes = [RequiresPermission]
    required_permissions = {"POST": OWN}

    def post(self, request, secret: str):
        membership = services.accept_company_invitation(secret=secret, user=request.user)
        data = serializers.CompanyMembershipSerializer(membership).data
        return Response(data, status=status.HTTP_201_CREATED)


# --- Store security policy (owner) -------------------------------------------------------------


@extend_schema(tags=["store"])
class StoreSecurityView(generics.RetrieveUpdateAPIView):
    """The store's identity policy: whether staff must use two-factor authentication."""

    serializer_class = serializers.StoreSecuritySerializer
    permission_classes = [RequiresPermission]
    required_permissions = {
        "GET": permissions.VIEW_STORE_SECURITY,
        "PUT": permissions.CHANGE_STORE_SECURITY,
        "PATCH": permissions.CHANGE_STORE_SECURITY,
    }
    http_method_names = ["get", "patch", "options"]

    def get_object(self):
        return StoreSecurity.current()

    def perform_update(self, serializer):
        serializer.instance = services.set_store_security(
            by=self.request.user,
            require_staff_mfa=serializer.validated_data.get(
                "require_staff_mfa", serializer.instance.require_staff_mfa
            ),
        )
