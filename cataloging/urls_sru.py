"""/sru: the SRU 1.2 endpoint (mounted by office/urls.py without a trailing slash, as SRU
clients expect a bare base URL)."""

from django.urls import path

from cataloging.views import oai_sru

app_name = "sru"

urlpatterns = [path("", oai_sru.sru_endpoint, name="endpoint")]
