from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.offering_list, name="offering_list"),
    path("offerings/<slug:code>/", views.offering_detail, name="offering_detail"),
    path("offerings/<slug:code>/order/", views.order_create, name="order_create"),
    path("catalog/", views.offering_manage, name="offering_manage"),
    path("catalog/new/", views.offering_edit, name="offering_create"),
    path("catalog/<int:pk>/edit/", views.offering_edit, name="offering_edit"),
    path("register/", views.client_register, name="client_register"),
    path("register/confirm/<str:token>/", views.client_confirm, name="client_confirm"),
    path("register/confirm-again/", views.client_confirm_resend, name="client_confirm_resend"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/quote/", views.order_quote, name="order_quote"),
    path("orders/<int:pk>/accept/", views.order_accept, name="order_accept"),
    path("orders/<int:pk>/decline/", views.order_decline, name="order_decline"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/pay/", views.order_pay, name="order_pay"),
    path("orders/<int:pk>/refund/", views.order_refund, name="order_refund"),
    path("orders/<int:pk>/assign/", views.order_assign, name="order_assign"),
    path("orders/<int:pk>/start/", views.order_start, name="order_start"),
    path("orders/<int:pk>/messages/", views.order_message, name="order_message"),
    path("orders/<int:pk>/files/", views.order_file_upload, name="order_file_upload"),
    path("orders/<int:pk>/files/<int:file_pk>/", views.order_file_download, name="order_file_download"),
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("orders/<int:pk>/report/", views.order_report, name="order_report"),
    path("orders/<int:pk>/confirm/", views.order_confirm, name="order_confirm"),
    path("download/<int:pk>/", views.download, name="download"),
    path("queue/", views.queue, name="queue"),
    path("queue/export.csv", views.queue_export, name="queue_export"),
]
