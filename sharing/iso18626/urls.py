"""ISO 18626 endpoint (POST /sharing/iso18626), included from sharing/urls.py."""

from django.urls import path

from sharing.iso18626 import views

urlpatterns = [
    path("iso18626", views.endpoint, name="iso18626"),
]
