"""Outside the language prefix: `/licences/verify/<code>/`, the address printed on every
licence certificate (office/urls.py: path("licences/", include("marketing.store.urls_licences")))."""

from django.urls import path

from marketing.store.views import public

app_name = "licences"

urlpatterns = [
    path("verify/<str:code>/", public.verify, name="verify"),
]
