"""The director's and heads' dashboard, under /intranet/dashboard/ (namespace "office")."""

urlpatterns: list = []
