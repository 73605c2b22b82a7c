"""/account/company/approvals/ (the storefront's approvals pages)."""

from django.urls import path

from b2b.purchasing import views

urlpatterns = [
    path("", views.approval_list, name="company-approvals"),
    path("<int:pk>/", views.approval_detail, name="company-approval"),
    path(
        "<int:pk>/approve/",
        views.approval_decide,
        {"decision": "approve"},
        name="company-approval-approve",
    ),
    path(
        "<int:pk>/reject/",
        views.approval_decide,
        {"decision": "reject"},
        name="company-approval-reject",
    ),
]
