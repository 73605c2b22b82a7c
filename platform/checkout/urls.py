"""The storefront's checkout pages, under /checkout/."""

from django.urls import path

from checkout import views

urlpatterns = [
    path("", views.address_step, name="checkout-start"),
    path("delivery/", views.delivery_step, name="checkout-delivery"),
    path("payment/", views.payment_step, name="checkout-payment"),
    path("review/", views.review_step, name="checkout-review"),
    path("complete/<int:number>/", views.complete, name="checkout-complete"),
]
