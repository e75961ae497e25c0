"""/oai: the OAI-PMH 2.0 repository (mounted by office/urls.py as a bare base URL)."""

from django.urls import path

from cataloging import views

app_name = "oai"

urlpatterns = [path("", views.oai_endpoint, name="endpoint")]
