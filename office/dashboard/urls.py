"""The director's and heads' dashboard, under /intranet/dashboard/ (namespace "office")."""

from django.urls import path

from office.dashboard import views

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("units/<int:pk>/", views.dashboard_unit, name="dashboard_unit"),
    path("report.pdf", views.dashboard_report, name="dashboard_report"),
]
