"""Platform API routes (root domain)."""

from django.urls import path

from tenants.api import views

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="platform-plans"),
    path("signup/", views.SignupView.as_view(), name="platform-signup"),
    path(
        "signup/availability/",
        views.SubdomainAvailabilityView.as_view(),
        name="platform-subdomain-availability",
    ),
    path("stripe/webhook/", views.StripeWebhookView.as_view(), name="platform-stripe-webhook"),
]
