"""The identity API, under /api/v1/ of every store."""

from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/registration/", views.RegisterView.as_view(), name="api-register"),
    path(
        "auth/registration/verify-email/",
        views.VerifyEmailView.as_view(),
        name="api-verify-email",
    ),
    path(
        "auth/registration/resend-email/",
        views.ResendEmailVerificationView.as_view(),
        name="api-resend-email",
    ),
    path("auth/login/", views.LoginView.as_view(), name="api-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="api-password-reset"),
    path(
        "auth/password/reset/confirm/",
        views.PasswordResetConfirmView.as_view(),
        name="api-password-reset-confirm",
    ),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="api-password-change"),
    path("auth/user/", views.ProfileView.as_view(), name="api-profile"),
    path("auth/user/addresses/", views.AddressListView.as_view(), name="api-addresses"),
    path(
        "auth/user/addresses/<int:pk>/",
        views.AddressDetailView.as_view(),
        name="api-address-detail",
    ),
    path("auth/mfa/totp/", views.TotpView.as_view(), name="api-totp"),
    path("auth/api-keys/", views.ApiKeyListView.as_view(), name="api-keys"),
    path("auth/api-keys/current/", views.CurrentApiKeyView.as_view(), name="api-key-current"),
    path("auth/api-keys/<int:pk>/", views.ApiKeyDetailView.as_view(), name="api-key-detail"),
    path("auth/company/", views.CompanyView.as_view(), name="api-company"),
    path(
        "auth/company/members/", views.CompanyMemberListView.as_view(), name="api-company-members"
    ),
    path(
        "auth/company/invitations/<str:secret>/accept/",
        views.CompanyInvitationAcceptView.as_view(),
        name="api-company-invitation-accept",
    ),
    path("auth/store/security/", views.StoreSecurityView.as_view(), name="api-store-security"),
]
