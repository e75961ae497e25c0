from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from office import demo, inbox
        from office.schedules import Crontab, add_schedule
        from procurement import tiles as _tiles  # noqa: F401  (registers its dashboard tiles)
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
        add_schedule(
            "purchase order tracking",
            "procurement.tasks.orders_tracking_sweep_task",
            300,
            title=_("Purchase order tracking"),
            description=_("Sends unsent orders to their vendors, polls open orders and flags late ones."),
        )
        add_schedule(
            "licence reminders and expiry",
            "procurement.tasks.licences_sweep_task",
            86400,
            title=_("Licence reminders and expiry"),
            description=_("Reminds leadership of licences ending within 30 days and expires ended ones."),
        )
        # Clean-up that used to wait for a person (procurement/actions/chores.py).
        add_schedule(
            "stale cart lines clean-up",
            "procurement.tasks.cart_lines_remove_stale_task",
            Crontab(minute="20", hour="3"),
            title=_("Forgotten cart lines removed"),
            description=_("Deletes the cart lines nobody has added to or changed for 90 days."),
        )
