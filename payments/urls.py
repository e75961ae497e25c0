from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("", views.payment_list, name="payment_list"),
    path("mine/", views.payment_list_mine, name="payment_list_mine"),
    path("<int:pk>/", views.payment_detail, name="payment_detail"),
    path("<int:pk>/status/", views.payment_status, name="payment_status"),
    path("<int:pk>/checkout/", views.payment_checkout, name="payment_checkout"),
    path("<int:pk>/cancel/", views.payment_cancel, name="payment_cancel"),
    path("<int:pk>/refund/", views.payment_refund, name="payment_refund"),
    path("<int:pk>/sync/", views.payment_sync, name="payment_sync"),
    path("<int:pk>/receipt/", views.payment_receipt, name="payment_receipt"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/pay/", views.request_pay, name="request_pay"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("simulated/<int:pk>/pay/", views.simulated_pay, name="simulated_pay"),
    path("simulated/<int:pk>/authenticate/", views.simulated_authenticate, name="simulated_authenticate"),
    path("simulated/webhook/", views.simulated_webhook, name="simulated_webhook"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
