"""The storefront's checkout pages, under /checkout/."""

from django.urls import path

from checkout import views

urlpatterns = [
    path("", views.address_step, name="checkout-start"),
    path("delivery/", views.delivery_step, name="checkout-delivery"),
    path("payment/", views.payment_step, name="checkout-payment"),
    path("review/", views.review_step, name="checkout-review"),
    path("complete/<int:number>/", views.complete, name="checkout-complete"),
    # Paying online (payments): the pay page, the provider's return and cancel, a retry.
    path("pay/<uuid:token>/", views.pay, name="checkout-pay"),
    path("pay/<uuid:token>/return/", views.pay_return, name="checkout-pay-return"),
    path("pay/<uuid:token>/cancel/", views.pay_cancel, name="checkout-pay-cancel"),
    path("pay/<uuid:token>/retry/", views.pay_retry, name="checkout-pay-retry"),
]
