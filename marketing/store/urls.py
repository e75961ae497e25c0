from django.urls import path

from marketing.store import views

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
]
