"""Payments pages on the store's host, under /payments/: the providers' webhooks."""

from django.urls import path

from payments import views

urlpatterns = [
    path("webhooks/<slug:code>/", views.webhook, name="payments-webhook"),
]
