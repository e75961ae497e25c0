from django.urls import path

from marketing.store import views, views_manage

app_name = "store"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("p/<slug:slug>/", views.product_detail, name="product_detail"),
    path("p/<slug:slug>/<str:which>/", views.product_file, name="product_file"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/<int:option_pk>/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:pk>/remove/", views.cart_remove, name="cart_remove"),
    path("cart/coupon/", views.cart_coupon, name="cart_coupon"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/pay/", views.order_pay, name="order_pay"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/invoice/", views.order_invoice, name="order_invoice"),
    path("licences/", views.grant_list, name="grant_list"),
    path("licences/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("licences/<int:pk>/certificate/", views.grant_certificate, name="grant_certificate"),
    path("licences/<int:pk>/renew/", views.grant_renew, name="grant_renew"),
    path("licences/<int:pk>/upgrade/", views.grant_upgrade, name="grant_upgrade"),
    path("licences/<int:pk>/access/", views.access, name="access"),
    path("download/<str:token>/", views.download, name="download"),
    path("sales/", views.sales, name="sales"),
    path("sales/revenue.csv", views.sales_csv, name="sales_csv"),
    path("sales/coupons/", views.coupon_list, name="coupon_list"),
    path("sales/coupons/<int:pk>/", views_manage.coupon_edit, name="coupon_edit"),
    path("sales/products/", views_manage.product_manage_list, name="product_manage_list"),
    path("sales/products/new/", views_manage.product_create, name="product_create"),
    path("sales/products/<int:pk>/", views_manage.product_edit, name="product_edit"),
    path("sales/products/<int:pk>/publish/", views_manage.product_publish, name="product_publish"),
    path("sales/products/<int:pk>/options/new/", views_manage.option_create, name="option_create"),
    path("sales/options/<int:pk>/", views_manage.option_edit, name="option_edit"),
    path("sales/options/<int:pk>/prices/", views_manage.option_prices, name="option_prices"),
    path("sales/discs/", views_manage.shipment_list, name="shipment_list"),
    path("sales/discs/<int:pk>/ship/", views_manage.shipment_ship, name="shipment_ship"),
    path("orders/discs/<int:pk>/delivered/", views_manage.shipment_deliver, name="shipment_deliver"),
]
