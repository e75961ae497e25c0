from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogingConfig(AppConfig):
    name = "cataloging"
    verbose_name = _("Union cataloging")

    def ready(self) -> None:
        from cataloging.demo import seed_catalog
        from cataloging.inbox import review_items
        from cataloging.payables import register_payables
        from office import demo, inbox

        demo.register(seed_catalog)
        inbox.register(review_items)
        register_payables()
