"""URLs of the org-structure app, under /intranet/ (namespace "office")."""

from django.urls import path

from office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
]
