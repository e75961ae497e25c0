"""The public site, mounted under the language prefix (/en/, /zh-hans/) by office/urls.py."""

from django.urls import path

from marketing import views

app_name = "marketing"

urlpatterns = [
    path("", views.home, name="home"),
    path("pages/<slug:slug>/", views.page_detail, name="page_detail"),
    path("news/", views.news_list, name="news_list"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<int:pk>/logo/", views.partner_logo, name="partner_logo"),
    path("showcase/", views.showcase_list, name="showcase_list"),
    path("resources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("offerings/<slug:code>/", views.service_detail, name="service_detail"),
    path("subjects/", views.subject_browse, name="subject_browse"),
    path("a-z/", views.az_index, name="az_index"),
    path("search/", views.search, name="search"),
    path("cooperation/", views.inquiry_form, name="inquiry_form"),
]
