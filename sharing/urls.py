from django.urls import include, path

from sharing import views, views_directory, views_money

app_name = "sharing"

urlpatterns: list = [
    path("", include("sharing.iso18626.urls")),
    path("borrowing/", views.borrowing_desk, name="borrowing_desk"),
    path("lending/", views.lending_desk, name="lending_desk"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/pay/", views.client_request_pay, name="client_request_pay"),
    path("requests/<int:pk>/do/<slug:verb>/", views.request_act, name="request_act"),
    path("delivery/", views.client_request_list, name="client_request_list"),
    path("delivery/new/", views.client_request_new, name="client_request_new"),
    path("download/<uuid:token>/", views.download, name="download"),
    path("directory/", views_money.directory, name="directory"),
    path("directory/partners/new/", views_directory.partner_new, name="partner_new"),
    path("directory/partners/<int:pk>/", views_directory.partner_edit, name="partner_edit"),
    path("directory/partners/<int:pk>/security-code/", views_directory.partner_secret, name="partner_secret"),
    path("directory/reciprocity/new/", views_directory.reciprocity_new, name="reciprocity_new"),
    path("directory/reciprocity/<int:pk>/", views_directory.reciprocity_edit, name="reciprocity_edit"),
    path("policy/", views_money.policy_edit, name="policy_edit"),
    path("pull-slips.pdf", views_money.pull_slips, name="pull_slips"),
    path("statements/", views_money.settlement_list, name="settlement_list"),
    path("statements/<int:pk>/", views_money.settlement_detail, name="settlement_detail"),
    path("statements/<int:pk>/pdf/", views_money.settlement_pdf_view, name="settlement_pdf"),
    path("statements/<int:pk>/pay/", views_money.settlement_pay, name="settlement_pay"),
    path("statistics/", views_money.statistics, name="statistics"),
]
