"""The site editors' pages in the intranet (/intranet/site/, namespace "marketing_manage")."""

from django.urls import path

from marketing import views_manage as views

app_name = "marketing_manage"

urlpatterns = [
    path("", views.page_list, name="page_list"),
    path("pages/new/", views.page_edit, name="page_create"),
    path("pages/<int:pk>/edit/", views.page_edit, name="page_edit"),
    path("pages/<int:pk>/versions/<int:number>/", views.page_version, name="page_version"),
    path("news/", views.news_list, name="news_list"),
    path("news/new/", views.news_edit, name="news_create"),
    path("news/<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_edit, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/new/", views.subject_edit, name="subject_create"),
    path("subjects/<int:pk>/edit/", views.subject_edit, name="subject_edit"),
    path("links/new/", views.link_edit, name="link_create"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
    path("inquiries/", views.inquiry_list, name="inquiry_list"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/status/", views.inquiry_status, name="inquiry_status"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
]
