from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreConfig(AppConfig):
    """The storefront: the office's own digital products and licences, sold (issue 15)."""

    name = "marketing.store"
    label = "store"
    verbose_name = _("Storefront")

    def ready(self) -> None:
        from marketing.store import showcase_source
        from marketing.store.demo import seed_store_demo
        from marketing.store.payables import register_payables
        from office import demo, ratelimit
        from office.schedules import add_schedule

        register_payables()
        showcase_source.register()
        demo.register(seed_store_demo)
        # The public certificate check answers anyone: 60 look-ups an hour per address.
        ratelimit.LIMITS.setdefault("licence_verify", ratelimit.Limit(per_ip=60, per_address=60, window=3600))
        add_schedule(
            "store sweep",
            "marketing.store.tasks.store_sweep_task",
            300,
            title=_("Storefront catch-up"),
            description=_(
                "Makes approved office orders payable, sends confirmations a broker outage lost, and ends "
                "licences past their end and grace period."
            ),
        )
        add_schedule(
            "store renewal reminders",
            "marketing.store.tasks.grant_reminder_task",
            3600,
            title=_("Licence renewal reminders"),
            description=_("Reminds licence holders once per term before their licence ends."),
        )
