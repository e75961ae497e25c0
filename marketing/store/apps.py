from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    """The storefront: the office's own digital products and licences, sold (issue 15)."""

    name = "marketing.store"
    label = "store"
    verbose_name = _("Storefront")
