from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogingConfig(AppConfig):
    name = "cataloging"
    verbose_name = _("Union cataloging")
