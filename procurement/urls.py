from django.urls import path

from procurement import views
from procurement.consortia import views_reps
from procurement.consortia.urls import urlpatterns as consortia_urlpatterns

app_name = "procurement"

urlpatterns = [
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/new/", views.vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.vendor_edit, name="vendor_edit"),
    path("vendors/<int:pk>/import/", views.vendor_import, name="vendor_import"),
    path("vendors/<int:pk>/sync/", views.vendor_sync, name="vendor_sync"),
    path("vendors/<int:pk>/representatives/", views_reps.vendor_representatives, name="vendor_representatives"),
    path("catalog/", views.catalog_search, name="catalog_search"),
    path("catalog/compare/", views.catalog_compare, name="catalog_compare"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/<int:pk>/", views.cart_update, name="cart_update"),
    path("cart/checkout/", views.cart_checkout, name="cart_checkout"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/lines/<int:line>/", views.request_line_update, name="request_line_update"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
    path("requests/<int:pk>/return/", views.request_return, name="request_return"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/order/", views.request_place_orders, name="request_place_orders"),
    path("approvals/", views.approvals, name="approvals"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("approval-limits/", views.approval_limits, name="approval_limits"),
    path("approval-limits/<int:pk>/", views.approval_limit_set, name="approval_limit_set"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/timeline/", views.order_timeline, name="order_timeline"),
    path("orders/<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/pay/", views.order_pay, name="order_pay"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/track/", views.order_track, name="order_track"),
    path("orders/<int:pk>/receive/", views.order_receive, name="order_receive"),
    path("orders/<int:pk>/invoice/", views.order_invoice, name="order_invoice"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("webhooks/vendors/<int:vendor_id>/", views.vendor_webhook, name="vendor_webhook"),
    path("licences/", views.licence_list, name="licence_list"),
    path("licences/new/", views.licence_create, name="licence_create"),
    path("licences/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/renew/", views.licence_renew, name="licence_renew"),
    path("reports/spending/", views.report_spending, name="report_spending"),
    path("reports/spending.csv", views.report_spending_csv, name="report_spending_csv"),
    # Consortium buying (procurement/consortia/urls.py), in the same namespace.
    *consortia_urlpatterns,
]
