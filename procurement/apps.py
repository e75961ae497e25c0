from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from office import demo, inbox
        from office.schedules import DEFAULT_SCHEDULES
        from procurement.consortia import admin as consortia_admin  # noqa: F401  (registers its admins)
        from procurement.consortia.demo import seed_consortium
        from procurement.demo import seed_procurement
        from procurement.inbox import provider_items, purchasing_items
        from procurement.payables import register_payables

        register_payables()
        inbox.register(purchasing_items)
        inbox.register(provider_items)
        demo.register(seed_procurement)
        demo.register(seed_consortium)  # after seed_procurement: it uses the demo vendors
        # Open orders are polled every five minutes; licences are checked daily.
        DEFAULT_SCHEDULES["purchase order tracking"] = ("procurement.tasks.orders_tracking_sweep_task", 300)
        DEFAULT_SCHEDULES["licence reminders and expiry"] = ("procurement.tasks.licences_sweep_task", 86400)
