"""/oai: the OAI-PMH 2.0 repository (mounted by office/urls.py as a bare base URL)."""

from django.urls import path

from cataloging.views import oai_sru

app_name = "oai"

urlpatterns = [path("", oai_sru.oai_endpoint, name="endpoint")]
