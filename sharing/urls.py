from django.urls import include, path  # noqa: F401

app_name = "sharing"

urlpatterns: list = [
    path("", include("sharing.iso18626.urls")),
]
