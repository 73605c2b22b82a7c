"""/account/company/quotes/: a company's quotes on the storefront."""

from django.urls import path

from b2b import account_quotes as views

urlpatterns = [
    path("", views.quote_list, name="account-company-quotes"),
    path("request/", views.quote_request, name="account-company-quote-request"),
    path("<int:pk>/", views.quote_detail, name="account-company-quote"),
    path("<int:pk>/accept/", views.quote_accept, name="account-company-quote-accept"),
    path("<int:pk>/withdraw/", views.quote_withdraw, name="account-company-quote-withdraw"),
]
