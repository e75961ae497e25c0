from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Customer service on the public site: live chat and satisfaction surveys (issue 14)."""

    name = "marketing.support"
    label = "support"
    verbose_name = _("Customer contact")
