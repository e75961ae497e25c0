from django.urls import path

from procurement.consortia import views_reps
from procurement.consortia.urls import urlpatterns as consortia_urlpatterns
from procurement.views import approval, cart, licences, orders, purchase_requests, reports, tracking, vendors

app_name = "procurement"

urlpatterns = [
    path("vendors/", vendors.vendor_list, name="vendor_list"),
    path("vendors/new/", vendors.vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/", vendors.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", vendors.vendor_edit, name="vendor_edit"),
    path("vendors/<int:pk>/import/", vendors.vendor_import, name="vendor_import"),
    path("vendors/<int:pk>/sync/", vendors.vendor_sync, name="vendor_sync"),
    path("vendors/<int:pk>/representatives/", views_reps.vendor_representatives, name="vendor_representatives"),
    path("catalog/", vendors.catalog_search, name="catalog_search"),
    path("catalog/compare/", vendors.catalog_compare, name="catalog_compare"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/<int:pk>/", cart.cart_update, name="cart_update"),
    path("cart/checkout/", cart.cart_checkout, name="cart_checkout"),
    path("requests/", purchase_requests.request_list, name="request_list"),
    path("requests/<int:pk>/", purchase_requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/lines/<int:line>/", purchase_requests.request_line_update, name="request_line_update"),
    path("requests/<int:pk>/submit/", purchase_requests.request_submit, name="request_submit"),
    path("requests/<int:pk>/approve/", approval.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", approval.request_reject, name="request_reject"),
    path("requests/<int:pk>/return/", approval.request_return, name="request_return"),
    path("requests/<int:pk>/cancel/", purchase_requests.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/order/", purchase_requests.request_place_orders, name="request_place_orders"),
    path("approvals/", approval.approvals, name="approvals"),
    path("deputies/", approval.deputy_list, name="deputy_list"),
    path("approval-limits/", approval.approval_limits, name="approval_limits"),
    path("approval-limits/<int:pk>/", approval.approval_limit_set, name="approval_limit_set"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/timeline/", tracking.order_timeline, name="order_timeline"),
    path("orders/<int:pk>/pdf/", orders.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/pay/", orders.order_pay, name="order_pay"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/track/", tracking.order_track, name="order_track"),
    path("orders/<int:pk>/receive/", orders.order_receive, name="order_receive"),
    path("orders/<int:pk>/invoice/", orders.order_invoice, name="order_invoice"),
    path("orders/<int:pk>/close/", orders.order_close, name="order_close"),
    path("webhooks/vendors/<int:vendor_id>/", tracking.vendor_webhook, name="vendor_webhook"),
    path("licences/", licences.licence_list, name="licence_list"),
    path("licences/new/", licences.licence_create, name="licence_create"),
    path("licences/<int:pk>/", licences.licence_detail, name="licence_detail"),
    path("licences/<int:pk>/edit/", licences.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/renew/", licences.licence_renew, name="licence_renew"),
    path("reports/spending/", reports.report_spending, name="report_spending"),
    path("reports/spending.csv", reports.report_spending_csv, name="report_spending_csv"),
    # Consortium buying (procurement/consortia/urls.py), in the same namespace.
    *consortia_urlpatterns,
]
