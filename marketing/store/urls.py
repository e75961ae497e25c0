from django.urls import path

from marketing.store.views import cart, catalogue, grants, orders, public, sales, shipments

app_name = "store"

urlpatterns = [
    path("", public.product_list, name="product_list"),
    path("p/<slug:slug>/", public.product_detail, name="product_detail"),
    path("p/<slug:slug>/<str:which>/", public.product_file, name="product_file"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/<int:option_pk>/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:pk>/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/coupon/", cart.cart_coupon, name="cart_coupon"),
    path("checkout/", cart.checkout, name="checkout"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/pay/", orders.order_pay, name="order_pay"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/invoice/", orders.order_invoice, name="order_invoice"),
    path("licences/", grants.grant_list, name="grant_list"),
    path("licences/<int:pk>/", grants.grant_detail, name="grant_detail"),
    path("licences/<int:pk>/certificate/", grants.grant_certificate, name="grant_certificate"),
    path("licences/<int:pk>/renew/", grants.grant_renew, name="grant_renew"),
    path("licences/<int:pk>/upgrade/", grants.grant_upgrade, name="grant_upgrade"),
    path("licences/<int:pk>/access/", grants.access, name="access"),
    path("download/<str:token>/", grants.download, name="download"),
    path("sales/", sales.sales, name="sales"),
    path("sales/revenue.csv", sales.sales_csv, name="sales_csv"),
    path("sales/coupons/", sales.coupon_list, name="coupon_list"),
    path("sales/coupons/<int:pk>/", sales.coupon_edit, name="coupon_edit"),
    path("sales/products/", catalogue.product_manage_list, name="product_manage_list"),
    path("sales/products/new/", catalogue.product_create, name="product_create"),
    path("sales/products/<int:pk>/", catalogue.product_edit, name="product_edit"),
    path("sales/products/<int:pk>/publish/", catalogue.product_publish, name="product_publish"),
    path("sales/products/<int:pk>/options/new/", catalogue.option_create, name="option_create"),
    path("sales/options/<int:pk>/", catalogue.option_edit, name="option_edit"),
    path("sales/options/<int:pk>/prices/", catalogue.option_prices, name="option_prices"),
    path("sales/discs/", shipments.shipment_list, name="shipment_list"),
    path("sales/discs/<int:pk>/ship/", shipments.shipment_ship, name="shipment_ship"),
    path("orders/discs/<int:pk>/delivered/", shipments.shipment_deliver, name="shipment_deliver"),
]
