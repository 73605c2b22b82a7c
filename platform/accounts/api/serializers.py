"""Serializers of the identity API: validate input, shape output. No business rules here."""

import base64
import binascii

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import RateLimited
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from dj_rest_auth.registration.serializers import RegisterSerializer as BaseRegisterSerializer
from dj_rest_auth.serializers import PasswordResetSerializer
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from accounts import permissions
from accounts.models import Address, ApiKey, Company, CompanyMembership, StoreSecurity, User


class MfaRequired(exceptions.APIException):
    status_code = 400
    default_code = "mfa_required"
    default_detail = "Enter the code from your authenticator app."


class RegisterSerializer(BaseRegisterSerializer):
    """Email and password twice (validated by the platform's password validators)."""

    username = None
    email = serializers.EmailField()
    password1 = serializers.CharField(write_only=True, trim_whitespace=False)
    password2 = serializers.CharField(write_only=True, trim_whitespace=False)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)

    def validate_email(self, email: str) -> str:
        # An address that already has an account is not refused here: the answer would tell
        # who has an account (RegisterView answers as for a new address and emails its owner).
        return get_account_adapter().clean_email(email).lower()

    def validate(self, data):
        data = super().validate(data)
        person = User(email=data["email"], first_name=data.get("first_name", ""))
        try:
            validate_password(data["password1"], person)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password1": list(error.messages)}) from error
        return data

    def get_cleaned_data(self):
        return {
            "email": self.validated_data["email"],
            "password1": self.validated_data["password1"],
            "first_name": self.validated_data.get("first_name", ""),
            "last_name": self.validated_data.get("last_name", ""),
        }


class LoginSerializer(serializers.Serializer):
    """Email and password, plus the TOTP code when the person has turned two-factor on.

    Failed attempts count against the account and the client's IP (allauth's ``login_failed``
    rate limit, shared with the storefront's login page); past the limit the answer is 429.
    """

    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True, help_text="TOTP code")

    def validate(self, attrs):
        request = self.context["request"]
        adapter = get_account_adapter(request)
        try:
            user = adapter.authenticate(request, email=attrs["email"], password=attrs["password"])
        except DjangoValidationError as error:
            # allauth refuses further attempts once the account or IP is over its limit.
            raise LockedOut() from error
        # allauth's backend returns a deactivated account too (for its "account inactive"
        # page): a deactivated person gets the same answer as a wrong password here.
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                "Unable to log in with the email and password provided.", code="authorization"
            )
        if _must_verify_email(user):
            raise serializers.ValidationError("Email address is not verified.", code="unverified")
        self._check_second_factor(request, user, attrs.get("otp", ""))
        attrs["user"] = user
        return attrs

    def _check_second_factor(self, request, user, code: str) -> None:
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            return
        if not code:
            raise MfaRequired()
        if not TOTP(authenticator).validate_code(code):
            _count_failure(request, user)
            raise serializers.ValidationError({"otp": ["Invalid code."]})


def _must_verify_email(user: User) -> bool:
    # People who signed up themselves verify their email; staff accounts made by the store
    # (create_store_owner, create_staff_member) have no unverified address to confirm.
    return EmailAddress.objects.filter(user=user, verified=False, primary=True).exists() and (
        not EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def _count_failure(request, user: User) -> None:
    from allauth.core import ratelimit

    key = get_account_adapter(request)._get_login_attempts_cache_key(request, email=user.email)
    try:
        ratelimit.consume(request, action="login_failed", key=key, raise_exception=True)
    except RateLimited as error:
        raise LockedOut() from error


class LockedOut(exceptions.Throttled):
    """429 with ``Retry-After``: the longest window of the ``login_failed`` limits, by when
    the attempts that locked the account or IP out have all expired."""

    default_detail = "Too many failed login attempts."

    def __init__(self):
        from allauth.core.internal.ratelimit import parse_rates

        rates = parse_rates(settings.ACCOUNT_RATE_LIMITS.get("login_failed"))
        super().__init__(wait=max((rate.duration for rate in rates), default=None))


class TokenSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <key>`")


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    key = serializers.CharField(
        required=False,
        help_text="When changed with a token: the token that replaces it (every other ended).",
    )


class StorefrontPasswordResetSerializer(PasswordResetSerializer):
    """The emailed link opens the storefront's reset page; the API can confirm it too."""

    def get_email_options(self):
        return {"url_generator": _storefront_reset_url}


def _storefront_reset_url(request, user, temp_key) -> str:
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": temp_key},
    )
    return request.build_absolute_uri(path)


class ProfileSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "accepts_cart_reminders",
            "roles",
        ]
        read_only_fields = ["id", "email", "roles"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user) -> list[str]:
        return sorted(permissions.roles_of(user))


class AccountDeletionSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "full_name",
            "company_name",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default_shipping",
            "is_default_billing",
        ]
        read_only_fields = ["id"]

    def validate_country(self, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise serializers.ValidationError("Use a two-letter ISO country code.")
        return value.upper()


MIN_TOTP_SECRET_BYTES = 16  # RFC 4226 asks for 128 bits at least


class TotpStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    required = serializers.BooleanField(help_text="The store requires it of you (staff).")
    secret = serializers.CharField(
        required=False, help_text="A new secret to enrol, when not enabled."
    )
    otpauth_url = serializers.CharField(required=False)


class TotpActivateSerializer(serializers.Serializer):
    secret = serializers.CharField(
        max_length=128, help_text="The base32 secret given by GET (at least 128 bits)."
    )
    code = serializers.CharField(max_length=16)

    def validate_secret(self, secret: str) -> str:
        try:
            decoded = base64.b32decode(secret.encode("ascii"), casefold=True)
        except (binascii.Error, UnicodeEncodeError, ValueError) as error:
            raise serializers.ValidationError("Not a base32 secret.") from error
        if len(decoded) < MIN_TOTP_SECRET_BYTES:
            raise serializers.ValidationError("Too short: use the secret given by GET.")
        return secret.upper()


class TotpCodeSerializer(serializers.Serializer):
    code = serializers.CharField()


class ApiKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKey.Scope.choices), allow_empty=False
    )
    created_by = serializers.EmailField(source="created_by.email", read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class IssuedApiKeySerializer(ApiKeySerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Shown once, now: store it; it cannot be retrieved again."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "secret"]


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        # Status and terms are the store's decisions (b2b.companies), shown to the members.
        fields = [
            "id",
            "name",
            "vat_number",
            "status",
            "payment_terms",
            "credit_limit",
            "requires_approval",
        ]
        read_only_fields = [
            "id",
            "status",
            "payment_terms",
            "credit_limit",
            "requires_approval",
        ]


class CompanyMemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")

    class Meta:
        model = CompanyMembership
        fields = ["id", "email", "role"]
        read_only_fields = ["id"]


class CompanyInvitationSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(
        choices=CompanyMembership.Role.choices, default=CompanyMembership.Role.BUYER
    )
    detail = serializers.CharField(
        read_only=True,
        default="If this address may join, an invitation to accept has been emailed to it.",
    )


class CompanyMembershipSerializer(CompanyMemberSerializer):
    company = CompanySerializer(read_only=True)

    class Meta(CompanyMemberSerializer.Meta):
        fields = [*CompanyMemberSerializer.Meta.fields, "company"]


class StoreSecuritySerializer(serializers.ModelSerializer):
    class Meta:
        model = StoreSecurity
        fields = ["require_staff_mfa", "updated_at"]
        read_only_fields = ["updated_at"]
