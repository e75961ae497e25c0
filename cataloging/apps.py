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
        from office.schedules import DEFAULT_SCHEDULES

        demo.register(seed_catalog)
        inbox.register(review_items)
        register_payables()
        # Import jobs and review news that a broker outage lost (cataloging/sweeps.py).
        DEFAULT_SCHEDULES["cataloging catch-up"] = ("cataloging.sweeps.cataloging_catch_up_task", 300)
